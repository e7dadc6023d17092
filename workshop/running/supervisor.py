"""supervisord from PyPI, in the foreground, running a step as N daphne workers on one shared port.

The configuration is deploy/supervisord.conf as a learner would use it; this module only fills
its environment, starts supervisord as our child, and talks to it over its control socket
(the XML-RPC interface supervisorctl uses) to find, kill and restart workers.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import xmlrpc.client
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from workshop.paths import REPO_ROOT
from workshop.running.ports import LOOPBACK, free_port
from workshop.running.processes import LoggedProcess, child_environment
from workshop.running.step_server import CRASH_PATTERN, LISTENING_LINE, TROUBLE_PATTERN

CONFIG = REPO_ROOT / "deploy" / "supervisord.conf"
PROGRAM = "chat"  # [fcgi-program:chat]; its workers are chat:chat_0, chat:chat_1, ...
STARTUP_TIMEOUT = 30.0
DAPHNE_PING_SECONDS = 20  # daphne's own default, stated: nginx's read timeout must stay above it
WEBSOCKET_TIMEOUT_SECONDS = 86400  # daphne's own default: deploy/settings.py's group expiry is above it


@dataclass
class Workers:
    """supervisord and its daphne workers, sharing one port on loopback."""

    port: int
    count: int
    process: LoggedProcess
    control_socket: Path

    def _rpc(self) -> Any:
        from supervisor.xmlrpc import SupervisorTransport

        transport = SupervisorTransport(None, None, f"unix://{self.control_socket}")
        return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport).supervisor

    def pids(self) -> dict[str, int]:
        """Each worker's name (chat_0, ...) and its process id, 0 while it is not running."""
        return {info["name"]: info["pid"] for info in self._rpc().getAllProcessInfo()}

    def kill(self, name: str) -> int:
        """SIGKILL one worker, as the OOM killer would; supervisor starts it again. Its old pid."""
        pid = self.pids()[name]
        os.kill(pid, signal.SIGKILL)
        return pid

    def restart(self, name: str) -> None:
        """Stop one worker (SIGTERM, as a deploy does) and start it again; return once it listens."""
        mark = self.process.line_count
        rpc = self._rpc()
        rpc.stopProcess(f"{PROGRAM}:{name}")
        rpc.startProcess(f"{PROGRAM}:{name}", False)
        self.wait_until_listening(1, after=mark)

    def wait_until_listening(self, count: int, *, after: int = 0, timeout: float = STARTUP_TIMEOUT) -> None:
        """Wait for `count` workers to print daphne's "Listening on" after output line `after`."""
        self.process.wait_for_lines(LISTENING_LINE, count, timeout, after=after)

    @property
    def crashes(self) -> list[str]:
        """The workers' log lines so far that show an unhandled exception or an HTTP 500."""
        return [line for line in self.process.noted if re.search(CRASH_PATTERN, line)]

    def stop(self) -> None:
        """SIGTERM to supervisord: it stops every worker (stopwaitsecs), closes the socket, exits."""
        self.process.stop(grace=15.0)


def start_workers(
    project: Path,
    folder: Path,
    django_environment: Mapping[str, str],
    *,
    count: int = 2,
    ping_seconds: int = DAPHNE_PING_SECONDS,
    websocket_timeout: int = WEBSOCKET_TIMEOUT_SECONDS,
    application: str | None = None,
    echo: Callable[[str], None] | None = None,
) -> Workers:
    """supervisord -c deploy/supervisord.conf with `count` workers serving `project`; wait for all.

    `django_environment` carries what deploy/settings.py reads; `application` replaces the
    configuration's deploy.asgi:application (a test's own wrapper, say).
    """
    port = free_port()
    env = child_environment(
        CHAT_PROJECT_DIR=str(project),
        CHAT_BIND=f"{LOOPBACK}:{port}",
        CHAT_WORKERS=str(count),
        CHAT_PING_SECONDS=str(ping_seconds),
        CHAT_WEBSOCKET_TIMEOUT=str(websocket_timeout),
        CHAT_RUN_DIR=str(folder),
        **django_environment,
    )
    # daphne from the same venv; the repository on the path, for `deploy` (and the toolkit).
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    config = CONFIG
    if application is not None:
        config = folder / "supervisord.conf"
        config.write_text(CONFIG.read_text().replace("deploy.asgi:application", application))
    command = [sys.executable, "-m", "supervisor.supervisord", "-c", str(config)]
    process = LoggedProcess(command, env=env, echo=echo, note=TROUBLE_PATTERN, tail_lines=1000)
    workers = Workers(port, count, process, folder / "supervisor.sock")
    try:
        workers.wait_until_listening(count)
    except BaseException:
        process.stop()
        raise
    return workers
