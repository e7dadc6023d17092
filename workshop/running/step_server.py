"""Starts a step's Django project under a real daphne process and says where it listens."""

from __future__ import annotations

import os
import re
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence
from urllib.parse import quote

from workshop.paths import REPO_ROOT
from workshop.protocol import TRY_AGAIN_LATER, WEBSOCKET_MAX_MESSAGE_SIZE
from workshop.running.accounts import Accounts, FormLogins, has_users, served_copy
from workshop.running.ports import LOOPBACK, free_port, wait_until_listening
from workshop.running.processes import LoggedProcess, child_environment, python_command
from workshop.steps import Step

STARTUP_TIMEOUT = 30.0
LISTENING_LINE = r"Listening on TCP address [\d.]+:(\d+)"
# What daphne serves; `make check ASGI=module:app` points the checks at a project laid out otherwise.
ASGI_APPLICATION = os.environ.get("WORKSHOP_ASGI_APPLICATION", "mysite.asgi:application")
VARIANTS_PACKAGE = "workshop.variants"
HOSTS_VARIANT = "redis_hosts"  # the step's settings with the channel layer's hosts from REDIS_HOSTS
# daphne's own cap on one incoming WebSocket message, set rather than left to its default (1 MiB);
# daphne refuses anything larger by dropping that socket.
DAPHNE_OPTIONS = (
    "--websocket-max-message-size",
    str(WEBSOCKET_MAX_MESSAGE_SIZE),
    "--websocket-max-frame-size",
    str(WEBSOCKET_MAX_MESSAGE_SIZE),
)
# Log lines that mean a socket was refused, dropped or crashed, or a message was dropped: daphne's
# access log (WSREJECT), autobahn failing a connection, an unhandled exception, an HTTP 500,
# channels_redis skipping a full member ("over capacity"), our own close on a Redis outage.
CRASH_PATTERN = r'Traceback|Exception inside application|" 500 '
TROUBLE_PATTERN = (
    CRASH_PATTERN
    + rf"|WSREJECT|failing WebSocket connection|over capacity|took too long to shut down|with {TRY_AGAIN_LATER}"
)


@dataclass
class StepServer:
    """A running daphne serving one project; stop() ends it."""

    project: Path
    port: int
    process: LoggedProcess
    accounts: Accounts | FormLogins | None = None  # a project with users (step 04 on): who can log in

    def handshake_headers(self, name: str) -> dict[str, str]:
        """What a browser logged in as `name` sends with its socket's handshake: the session cookie
        in a project with users, nothing in one without."""
        return self.accounts.handshake_headers(name) if self.accounts else {}

    @property
    def http_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def origin(self) -> str:
        """The Origin a page served by this server sends; AllowedHostsOriginValidator accepts it."""
        return self.http_url

    def room_page_url(self, room: str) -> str:
        return f"{self.http_url}/chat/{quote(room, safe='')}/"

    def room_socket_url(self, room: str) -> str:
        return f"ws://{LOOPBACK}:{self.port}/ws/chat/{quote(room, safe='')}/"

    @property
    def websocket_options(self) -> dict[str, Any]:
        """Nothing special: plain ws:// on loopback (the production stack adds TLS)."""
        return {}

    def log_tail(self, lines: int = 40) -> str:
        return self.process.tail(lines)

    @property
    def trouble(self) -> list[str]:
        """Every log line so far that says a socket was refused or dropped, or something failed."""
        return list(self.process.noted)

    @property
    def crashes(self) -> list[str]:
        """The log lines so far that show an unhandled exception or an HTTP 500."""
        return [line for line in self.process.noted if re.search(CRASH_PATTERN, line)]

    def memory_kib(self) -> int:
        """The server process's resident memory (RSS), in KiB."""
        import psutil  # a check and measuring tool, not in the serve layer `make run` installs

        return psutil.Process(self.process.pid).memory_info().rss // 1024

    def stop(self) -> None:
        self.process.stop()

    def kill(self) -> None:
        self.process.kill()

    def pause(self) -> None:
        """Freeze the server (SIGSTOP), as a long GC pause or a blocked event loop would."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)


def made_by_make_run(project: Path, port: int, process: LoggedProcess) -> StepServer:
    """The server a `make run` process serves: in a step with users, members log in through its
    login form as the workshop's users (alice, bob, carol), as a learner would."""
    server = StepServer(project=project, port=port, process=process)
    if has_users(project):
        server.accounts = FormLogins(server.http_url)
    return server


def start_step_server(
    project: Step | Path,
    *,
    redis_url: str | None = None,
    redis_hosts: str | None = None,
    port: int = 0,
    settings: str | None = None,
    echo: Callable[[str], None] | None = None,
    daphne_options: Sequence[str] = (),
    application: str = ASGI_APPLICATION,
) -> StepServer:
    """Run `daphne mysite.asgi:application` inside `project` and wait until it listens.

    Port 0 lets the OS pick a free port; daphne prints the one it got, which is also our
    readiness signal ("Listening on TCP address 127.0.0.1:PORT"). `settings` names a module
    of workshop/variants/ to use instead of the step's own mysite.settings; `redis_hosts` swaps
    the channel layer's hosts for REDIS_HOSTS (Sentinel or shards, deploy/channel_layer_hosts.py);
    `daphne_options` are added to DAPHNE_OPTIONS (a short --ping-timeout, say); `application`
    may name another ASGI application (workshop.variants.tuned_consumer:application, say).
    """
    if redis_hosts is not None:
        settings = settings or HOSTS_VARIANT
    folder, env = _project_folder(project), _server_environment(redis_url, settings)
    if redis_hosts is not None:
        env["REDIS_HOSTS"] = redis_hosts
    command = python_command(
        "-m",
        "daphne",
        *DAPHNE_OPTIONS,
        *daphne_options,
        "--bind",
        LOOPBACK,
        "--port",
        str(port),
        application,
    )
    where, accounts = _where_to_run(folder, env)
    return serving_where_it_says(
        LoggedProcess(command, cwd=where, env=env, echo=echo, note=TROUBLE_PATTERN), folder, accounts
    )


def serving_where_it_says(
    process: LoggedProcess, folder: Path, accounts: Accounts | None = None
) -> StepServer:
    """Wait for a server started on port 0 to print "Listening on TCP address HOST:PORT" (as daphne
    and the benchmark's baseline server do); the line is both the readiness signal and the port."""
    try:
        listening = process.wait_for_line(LISTENING_LINE, timeout=STARTUP_TIMEOUT)
    except BaseException:
        process.stop()
        raise
    return StepServer(project=folder, port=int(listening.group(1)), process=process, accounts=accounts)


def start_step_runserver(project: Step | Path, *, redis_url: str | None = None) -> StepServer:
    """Run `python manage.py runserver` (daphne's, since "daphne" leads INSTALLED_APPS) in `project`.

    runserver prints its banner before it binds and logs nothing once it listens, so the
    readiness signal here is the port accepting connections.
    """
    folder, env = _project_folder(project), _server_environment(redis_url)
    (where, accounts), port = _where_to_run(folder, env), free_port()
    command = python_command("manage.py", "runserver", f"{LOOPBACK}:{port}", "--noreload")
    return _serving_on(
        port,
        LoggedProcess(command, cwd=where, env=env, note=TROUBLE_PATTERN),
        folder,
        r"Starting ASGI/Daphne",
        accounts,
    )


def start_step_uvicorn(
    project: Step | Path,
    *,
    redis_url: str | None = None,
    settings: str | None = None,
    application: str = ASGI_APPLICATION,
) -> StepServer:
    """Serve the same ASGI application with uvicorn instead of daphne (the benchmark compares them).

    uvicorn gets the same 64 KiB message cap; Channels has no ASGI lifespan support, so that is
    off. Readiness: uvicorn's "running on" line, then the port accepting connections.
    """
    folder, env = _project_folder(project), _server_environment(redis_url, settings)
    port = free_port()
    command = python_command(
        "-m", "uvicorn", application, "--host", LOOPBACK, "--port", str(port),
        "--ws", "websockets-sansio", "--ws-max-size", str(WEBSOCKET_MAX_MESSAGE_SIZE),
        "--lifespan", "off", "--no-access-log",
    )  # fmt: skip
    where, accounts = _where_to_run(folder, env)
    return _serving_on(
        port,
        LoggedProcess(command, cwd=where, env=env, note=TROUBLE_PATTERN),
        folder,
        r"Uvicorn running on",
        accounts,
    )


def _serving_on(
    port: int, process: LoggedProcess, folder: Path, banner: str, accounts: Accounts | None = None
) -> StepServer:
    """Wait for a server that was given `port`: its banner, then the port accepting connections."""
    try:
        process.wait_for_line(banner, timeout=STARTUP_TIMEOUT)
        wait_until_listening(port, timeout=STARTUP_TIMEOUT, still_starting=lambda: process.returncode is None)
    except BaseException:
        process.stop()
        raise
    return StepServer(project=folder, port=port, process=process, accounts=accounts)


def _where_to_run(folder: Path, env: dict[str, str]) -> tuple[Path, Accounts | None]:
    """The folder a server runs in: the project's own, or for a project with users the migrated
    copy its servers share (workshop/running/accounts.py), with its accounts."""
    if not has_users(folder):
        return folder, None
    accounts = served_copy(folder, env)
    return accounts.folder, accounts


def _project_folder(project: Step | Path) -> Path:
    return project.folder if isinstance(project, Step) else Path(project)


def _server_environment(redis_url: str | None, settings: str | None = None) -> dict[str, str]:
    """The server's environment: REDIS_URL, and the settings variant's module when one is named.

    The repository goes first on PYTHONPATH, so the server imports this toolkit's variants (the
    step's own folder, where `mysite` lives, is the server's working directory).
    """
    env = child_environment()
    if redis_url is not None:
        env["REDIS_URL"] = redis_url
    if settings is not None:
        if not (REPO_ROOT / VARIANTS_PACKAGE.replace(".", "/") / f"{settings}.py").exists():
            raise LookupError(f"There is no settings variant {settings!r} in {VARIANTS_PACKAGE}.")
        env["DJANGO_SETTINGS_MODULE"] = f"{VARIANTS_PACKAGE}.{settings}"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env
