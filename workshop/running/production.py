"""The production stack on one machine: nginx with TLS in front of N daphne workers under supervisor.

    with start_production(step_folder, redis_url=url, workers=2) as stack:
        stack.url                      # https://localhost:PORT, for a browser
        stack.workers.kill("chat_0")   # supervisor starts it again

Everything runs as our child on free loopback ports, with its files (certificate, configuration,
sockets, static files) in one temporary folder that stop() removes. The configuration is deploy/.
A step with users (04 on) needs one database its workers share: PostgreSQL, our child too
(workshop/running/postgres.py), unless `database_url` names one; its workshop users log in there.
"""

from __future__ import annotations

import secrets
import shutil
import ssl
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

from workshop.paths import REPO_ROOT
from workshop.running.accounts import Accounts, has_users, served_copy
from workshop.running.certificates import LocalCertificate, make_local_certificate
from workshop.running.nginx import Nginx, start_nginx
from workshop.running.ports import LOOPBACK, free_port
from workshop.running.postgres import Postgres, start_postgres
from workshop.running.processes import child_environment
from workshop.running.supervisor import (
    DAPHNE_PING_SECONDS,
    WEBSOCKET_TIMEOUT_SECONDS,
    Workers,
    start_workers,
)
from workshop.steps import Step

PRODUCTION_SETTINGS = "deploy.settings"
READ_TIMEOUT = "60s"  # nginx's proxy_read_timeout: above daphne's 20 s ping interval
PAGE_HOST = "localhost"  # what the certificate names and a person types


@dataclass
class ProductionStack:
    """A running stack; its URLs, its workers, and the authority a client must trust."""

    project: Path
    folder: Path
    certificate: LocalCertificate
    workers: Workers
    nginx: Nginx
    redis_url: str  # or a REDIS_HOSTS value: the toolkit's group helpers take either
    accounts: Accounts | None = None  # a step with users: its members' sessions, in database_url
    database_url: str | None = None
    postgres: Postgres | None = None  # the PostgreSQL we started for it, if we did

    @property
    def url(self) -> str:
        return f"https://{PAGE_HOST}:{self.nginx.port}"

    @property
    def origin(self) -> str:
        return self.url

    def room_page_url(self, room: str) -> str:
        return f"{self.url}/chat/{quote(room, safe='')}/"

    def room_socket_url(self, room: str) -> str:
        # The loopback address, not "localhost": one connection attempt instead of ::1 first.
        return f"wss://{LOOPBACK}:{self.nginx.port}/ws/chat/{quote(room, safe='')}/"

    @property
    def websocket_options(self) -> dict[str, Any]:
        """What a `websockets` client needs to trust this stack: its certificate authority."""
        return {"ssl": self.ssl_context}

    @property
    def ssl_context(self) -> ssl.SSLContext:
        return self.certificate.ssl_context()

    @property
    def static_root(self) -> Path:
        return self.folder / "static"

    def handshake_headers(self, name: str) -> dict[str, str]:
        """The session cookie of member `name` (made on first use), for a step with users."""
        return self.accounts.handshake_headers(name) if self.accounts else {}

    def pids(self) -> list[int]:
        """The processes that serve, each with its children: supervisord (the workers) and nginx."""
        return [self.workers.process.pid, self.nginx.process.pid]

    def stop(self) -> None:
        """nginx first (no new connections), then supervisord and its workers, PostgreSQL; then the files."""
        self.nginx.stop()
        self.workers.stop()
        if self.postgres is not None:
            self.postgres.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> ProductionStack:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def production_environment(folder: Path, redis_url: str, port: int) -> dict[str, str]:
    """What deploy/settings.py reads, for a run on this machine behind nginx at `port`."""
    return {
        "DJANGO_SETTINGS_MODULE": PRODUCTION_SETTINGS,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),  # new each run, never written down
        "DJANGO_ALLOWED_HOSTS": f"{PAGE_HOST},{LOOPBACK}",
        "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://{PAGE_HOST}:{port},https://{LOOPBACK}:{port}",
        # HSTS would tell the browser to use https for every port of localhost for a year, and
        # break `make run` (plain http) in it. deploy/settings.py keeps it on for a real host.
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "REDIS_URL": redis_url,
    }


def collect_static(project: Path, environment: dict[str, str]) -> None:
    """`manage.py collectstatic` under the production settings, as a deploy does before starting."""
    env = child_environment(**environment)
    env["PYTHONPATH"] = str(REPO_ROOT)
    # The steps have no static files of their own (the page's script is inline); nginx serves the
    # folder all the same, so a project that adds some needs nothing more.
    Path(environment["DJANGO_STATIC_ROOT"]).mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=project, env=env, check=True,
    )  # fmt: skip


def start_production(
    project: Step | Path,
    *,
    redis_url: str,
    redis_hosts: str | None = None,
    workers: int = 2,
    ping_seconds: int = DAPHNE_PING_SECONDS,
    read_timeout: str = READ_TIMEOUT,
    websocket_timeout: int = WEBSOCKET_TIMEOUT_SECONDS,
    group_expiry: int | None = None,
    application: str | None = None,
    database_url: str | None = None,
    echo: Callable[[str], None] | None = None,
) -> ProductionStack:
    """Certificate, collectstatic, supervisord with `workers` daphne processes, then nginx.

    `ping_seconds` and `read_timeout` are daphne's keepalive and nginx's idle limit;
    `websocket_timeout` and `group_expiry` how long a socket and a group entry may live (a test
    shortens them; None keeps deploy/settings.py's default); `application` replaces
    deploy.asgi:application for a test's own wrapper. `redis_hosts` (REDIS_HOSTS: Sentinel,
    shards) replaces `redis_url` as the channel layer's Redis. `database_url` (DATABASE_URL) is a
    PostgreSQL of your own for a step with users; without it we start one.
    """
    folder = Path(tempfile.mkdtemp(prefix="workshop-production-"))
    project = project.folder if isinstance(project, Step) else Path(project)
    started: list[Any] = []
    try:
        certificate = make_local_certificate(folder)
        nginx_port = free_port()
        environment = production_environment(folder, redis_url, nginx_port)
        if group_expiry is not None:
            environment["DJANGO_GROUP_EXPIRY_SECONDS"] = str(group_expiry)
        if redis_hosts is not None:
            environment["REDIS_HOSTS"] = redis_hosts
        postgres = accounts = None
        served = project
        if has_users(project):
            if database_url is None:
                postgres = start_postgres(echo=_prefixed(echo, "postgres"))
                started.append(postgres)
                database_url = postgres.url
            environment["DATABASE_URL"] = database_url
            # Migrated, with the workshop's users, in that database (a copy of the project: the
            # snapshot is never written).
            accounts = served_copy(project, {**environment, "PYTHONPATH": str(REPO_ROOT)})
            served = accounts.folder
        collect_static(served, environment)
        supervised = start_workers(
            served, folder, environment, count=workers, ping_seconds=ping_seconds,
            websocket_timeout=websocket_timeout, application=application, echo=_prefixed(echo, "workers"),
        )  # fmt: skip
        started.append(supervised)
        values = {
            "CHAT_BIND": f"{LOOPBACK}:{supervised.port}",
            "NGINX_CERTIFICATE": str(certificate.certificate_path),
            "NGINX_CERTIFICATE_KEY": str(certificate.key_path),
            "NGINX_READ_TIMEOUT": read_timeout,
            "DJANGO_STATIC_ROOT": environment["DJANGO_STATIC_ROOT"],
        }
        nginx = start_nginx(folder, values, port=nginx_port, echo=_prefixed(echo, "nginx"))
    except BaseException:
        for running in reversed(started):
            running.stop()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return ProductionStack(
        project,
        folder,
        certificate,
        supervised,
        nginx,
        redis_hosts or redis_url,
        accounts,
        database_url,
        postgres,
    )


def _prefixed(echo: Callable[[str], None] | None, source: str) -> Callable[[str], None] | None:
    if echo is None:
        return None
    return lambda line: echo(f"{source:>8} | {line}")
