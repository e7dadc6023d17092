"""Settings for mysite, the workshop's chat project.

Started from `django-admin startproject mysite` (Django 5.2) and trimmed to what the chat uses.
"""

import os
from pathlib import Path

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

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
        # The official tutorial's part 4 asks for this: ChannelsLiveServerTestCase serves from
        # another process, which cannot see an in-memory test database.
        "TEST": {"NAME": BASE_DIR / "db_test.sqlite3"},
        # Channels closes "old" connections before every consumer handler, as Django does between
        # requests: with the default CONN_MAX_AGE (0) that is every connection, so each stored
        # message would open a new one. Reused for a minute instead (docs/performance.md measures it).
        "CONN_MAX_AGE": 60,
    }
}

# Users and their sessions live in the database (db.sqlite3: the workshop's tools run
# `manage.py migrate`), so logging out ends a session on the server, not only in one browser.
# Django's login page, and where it sends you after logging in and out:
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/chat/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis at REDIS_URL, not the blog's ("redis", 6379): docs/departures-from-the-blog.md
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [
                {
                    "address": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
                    "socket_timeout": 10,  # above the layer's 5 s waits: docs/departures-from-the-blog.md
                    "max_connections": 1000,  # redis-py 8 stops at 100: docs/departures-from-the-blog.md
                }
            ],
        },
    },
}
