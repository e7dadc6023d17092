"""Production settings: a step's own settings, with only what production changes.

Run a step's project with DJANGO_SETTINGS_MODULE=deploy.settings, from the step's folder (where
`mysite` lives) and with the repository on PYTHONPATH (where `deploy` lives). The lesson files stay
as they are; `python manage.py check --deploy` is the referee for what is below.

Environment:
  DJANGO_SECRET_KEY            required: 50 or more random characters (see the error below)
  DJANGO_ALLOWED_HOSTS         required: the host names the site answers to, comma-separated
  DJANGO_CSRF_TRUSTED_ORIGINS  https origins allowed to POST, comma-separated (default: none)
  DJANGO_HSTS_SECONDS          how long browsers must use https only (default one year; 0: off)
  DJANGO_STATIC_ROOT           where `collectstatic` puts the files nginx serves
  DJANGO_GROUP_EXPIRY_SECONDS  how long a channel may stay in a group (default: see below)
  REDIS_URL                    the channel layer's Redis, as in the steps
  REDIS_HOSTS                  or Sentinel, or several shards (deploy/channel_layer_hosts.py)
  DATABASE_URL                 postgres://user:password@host:port/name: the database every worker
                               shares (a step with users or history; the step's SQLite otherwise)
"""

import os

from django.core.exceptions import ImproperlyConfigured

from deploy.channel_layer_hosts import make_production_layer
from deploy.database import database_from_url

from mysite.guards import CancellableConnection
from mysite.settings import *  # noqa: F403  (the step's settings, all of them)


def _required(name: str, how: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} is not set. Production settings need it: {how}")
    return value


def _listed(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = False

# Never the step's development default, never in the repository.
SECRET_KEY = _required(
    "DJANGO_SECRET_KEY",
    "a long random value, kept out of the repository. Make one with\n"
    "  python -c 'import secrets; print(secrets.token_urlsafe(50))'",
)
_required("DJANGO_ALLOWED_HOSTS", "the host names this site answers to, comma-separated: chat.example.com")
ALLOWED_HOSTS = _listed("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = _listed("DJANGO_CSRF_TRUSTED_ORIGINS")

# nginx terminates TLS and says so in X-Forwarded-Proto (deploy/nginx/chat.conf.template); Django
# trusts that header because nothing but nginx can reach the workers (they listen on loopback).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True  # a request that reached Django over plain http is sent to https
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SILENCED_SYSTEM_CHECKS = [
    # HSTS preloading is a promise to browser vendors for a whole domain: decide it for your own.
    "security.W021",
]


# Several workers on one SQLite file take turns at its write lock, and a long wait fails ("database
# is locked"): a step with a database is served from PostgreSQL (make production starts one).
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}

# One Redis (the step's REDIS_URL), or REDIS_HOSTS: a Sentinel-watched primary, or several shards;
# each with the steps' cancellable connection (through the sentinels too), and room for a burst.
make_production_layer(CHANNEL_LAYERS["default"]["CONFIG"], CancellableConnection)  # noqa: F405

# A worker that dies never discards its channels from their groups; the first group_send after
# this many seconds since a channel joined removes it (channels_redis's group_expiry). A live member
# is removed too once it is that old, so keep it above daphne's --websocket_timeout plus 2 s
# (deploy/supervisord.conf): daphne closes older sockets first, and the page joins again. The
# default is daphne's default --websocket_timeout, a day, plus a minute.
CHANNEL_LAYERS["default"]["CONFIG"]["group_expiry"] = int(  # noqa: F405
    os.environ.get("DJANGO_GROUP_EXPIRY_SECONDS", str(24 * 3600 + 60))
)

# nginx serves /static/ from here (`collectstatic` fills it); Django never serves it with DEBUG off.
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles"))  # noqa: F405

# With DEBUG off, Django would only mail its errors to ADMINS; print them instead, to the workers'
# output that supervisor collects. The root logger stays daphne's (its "Listening on" line).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["console"], "level": "WARNING", "propagate": False}},
}
