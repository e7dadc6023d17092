"""Django's DATABASES entry from a DATABASE_URL, the form hosting platforms hand out.

DATABASES = {"default": database_from_url("postgres://user:password@host:5432/name")}
"""

from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def database_from_url(url: str) -> dict:
    """PostgreSQL only: the database a step's workers share in production."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured(f"DATABASE_URL must start with postgres://, not {parts.scheme}://")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        # Keep a worker's connection between messages instead of opening one per query...
        "CONN_MAX_AGE": 60,
        # ...and replace one PostgreSQL has dropped (a restart) before using it, rather than fail.
        "CONN_HEALTH_CHECKS": True,
    }
