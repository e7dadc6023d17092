"""The project's settings plus the toolkit's `announce` command (workshop/announcing)."""

from mysite.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "workshop.announcing"]  # noqa: F405
