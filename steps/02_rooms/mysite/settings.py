"""Settings for mysite, the workshop's chat project.

Started from `django-admin startproject mysite` (Django 5.2) and trimmed to what the chat uses.
"""

import os
from pathlib import Path

from redis.exceptions import ConnectionError as RedisConnectionError

from mysite.cancellations import CancellableConnection

BASE_DIR = Path(__file__).resolve().parent.parent

# Development defaults. In production set DJANGO_SECRET_KEY, DJANGO_DEBUG=0 and
# DJANGO_ALLOWED_HOSTS (docs/security.md).
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "django-insecure-workshop-only-never-in-production")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
# AllowedHostsOriginValidator (mysite/asgi.py) also checks a WebSocket's Origin against this list.
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")

INSTALLED_APPS = [
    # daphne first: its runserver replaces Django's, so `manage.py runserver` speaks WebSocket.
    "daphne",
    "chat",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "mysite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ],
        },
    },
]

WSGI_APPLICATION = "mysite.wsgi.application"
# Channels: the ASGI application that serves HTTP and WebSocket (daphne and runserver use it).
ASGI_APPLICATION = "mysite.asgi.application"

# The channel layer lets consumers talk to each other, in this process or any other, through Redis.
# The blog wrote "hosts": [("redis", 6379)], the Redis service of its docker-compose.yml. REDIS_URL
# says the same (docker-compose.yml sets redis://redis:6379/0) and also reaches a local or the
# workshop's embedded Redis, which `make run` and the tests pass in.
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [
                {
                    "address": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
                    # Not in the blog, needed since redis-py 8: its reads now give up after 5 s,
                    # and channels_redis waits on Redis for up to 5 s (BZPOPMIN) while a room is
                    # quiet, so every idle socket would close with 1011. Allow longer than that.
                    "socket_timeout": 10,
                    # Not in the blog: after Redis restarts, the first command on each pooled
                    # connection fails ("Connection closed by server"). Retry it once, on a new
                    # connection, rather than fail the handshake that happened to send it.
                    "retry_on_error": [RedisConnectionError],
                    # Not in the blog, needed since redis-py 8: a process's pool now stops at 100
                    # connections and raises past that. Async consumers send to their groups all
                    # at once, a connection each, so a busy server needs more (Redis allows 10000).
                    "max_connections": 1000,
                    # Not in the blog: on Python 3.10 and 3.11, redis-py can lose the cancellation
                    # that ends a consumer whose client left (mysite/cancellations.py).
                    "connection_class": CancellableConnection,
                }
            ],
            # Not in the blog: room for a burst. Each server process has one queue in Redis,
            # and a group_send to a process whose queue already holds `capacity` messages is
            # dropped without an error (default 100). 2000 holds 10 rooms x 10 clients x 20
            # messages sent at once; docs/delivery-guarantees.md explains the trade.
            "capacity": 2000,
        },
    },
}

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
        # The official tutorial's part 4 asks for this: ChannelsLiveServerTestCase serves from
        # another process, which cannot see an in-memory test database.
        "TEST": {"NAME": BASE_DIR / "db_test.sqlite3"},
    }
}

# Sessions live in a signed cookie, not the database: the chat needs no tables, and a stale
# `sessionid` cookie from another Django app on localhost cannot break the WebSocket handshake
# (AuthMiddlewareStack reads the session when a socket connects).
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
