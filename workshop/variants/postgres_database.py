"""A step's settings on the PostgreSQL at DATABASE_URL instead of its SQLite file (make bench-history)."""

import os

from deploy.database import database_from_url

from mysite.settings import *  # noqa: F403

DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
