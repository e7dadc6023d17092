"""The board's settings, from the environment `workshop.classroom.running` gives its daphne."""

import os

SECRET_KEY = os.environ.get("CLASSROOM_SECRET_KEY", "classroom-board-has-no-sessions")
DEBUG = False
ALLOWED_HOSTS = os.environ.get("CLASSROOM_HOSTS", "127.0.0.1,localhost").split(",")
INSTALLED_APPS = ["daphne", "channels"]
ROOT_URLCONF = "workshop.classroom.board.urls"
ASGI_APPLICATION = "workshop.classroom.board.asgi.application"
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
DATABASES: dict = {}  # results live in SQLite through workshop/classroom/store.py
USE_TZ = True

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        # The classroom's shared Redis, as the instructor's user (the learners' user is narrower).
        "CONFIG": {"hosts": [{"address": os.environ.get("CLASSROOM_REDIS_URL", ""), "socket_timeout": 10}]},
    }
}

CLASSROOM_LEARNER_REDIS_URL = os.environ.get("CLASSROOM_LEARNER_REDIS_URL", "")
CLASSROOM_DB = os.environ.get("CLASSROOM_DB", "board.sqlite3")
