"""Real Redis and real daphne processes for the checks, and a watch on them for crashes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

import pytest

from workshop.running.redis_server import EmbeddedRedis, redis_answers_ping, workshop_redis
from workshop.running.shards import ShardedRedis
from workshop.running.step_server import StepServer, start_step_server

# WORKSHOP_REDIS_SHARDS=N runs the checks on a channel layer sharded over N embedded servers
# (tests/scaling_redis/ runs the room checks so). `redis_url` is then a REDIS_HOSTS value, which
# the toolkit's group helpers and servers take as well as a URL.
SHARDS = int(os.environ.get("WORKSHOP_REDIS_SHARDS", "1"))


@pytest.fixture(scope="session")
def redis_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """REDIS_URL when set, else an embedded server started for this run (never 127.0.0.1:6379).

    Each xdist worker has its own: an embedded server of its own, or on REDIS_URL a database of
    its own (worker N takes the URL's database + N). Nothing is ever flushed: the checks remove
    what they made, and check that they did.
    """
    if SHARDS > 1:
        with ShardedRedis(SHARDS) as shards:
            yield shards.hosts
        return
    workerinput = getattr(request.config, "workerinput", None)
    with workshop_redis(use_local=False) as redis:
        if workerinput is None or not os.environ.get("REDIS_URL"):
            yield redis.url
        else:
            yield worker_database(redis.url, workerinput["workerid"])


def worker_database(url: str, worker_id: str) -> str:
    """`url` with an xdist worker's own database number: the URL's own + the worker's index.

    (A process a check starts inherits PYTEST_XDIST_WORKER but is no worker: it gets the URL
    the check gives it, already its worker's.)
    """
    worker = worker_id.removeprefix("gw")
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    own = parts._replace(path=f"/{base + int(worker)}").geturl()
    if own != url and not redis_answers_ping(own, timeout=3.0):
        raise ConnectionError(
            f"REDIS_URL is {url}: xdist worker gw{worker} would use {own}, which does not answer "
            "(fewer databases than workers?). Run with fewer workers (ARGS=-n2) or a database "
            "number lower in REDIS_URL."
        )
    return own


def channel_layer_of(redis_url: str) -> dict[str, str]:
    """start_step_server's options for `redis_url`: one Redis, or several (REDIS_HOSTS)."""
    return {"redis_hosts": redis_url} if len(redis_url.split()) > 1 else {"redis_url": redis_url}


@pytest.fixture
def own_redis() -> Iterator[EmbeddedRedis]:
    """A Redis of the test's own, to stop and start again; never the run's shared one."""
    with EmbeddedRedis() as redis:
        yield redis


# The shared servers by project, module-level so the crash check below can look at them without
# starting any (it must not pull Redis into tests that need none).
SHARED_SERVERS: dict[Path, StepServer] = {}


@pytest.fixture(scope="session")
def shared_servers(redis_url: str) -> Iterator[Callable[[Path], StepServer]]:
    """One daphne per project for the whole run: starting one costs about a second."""

    def server_for(project: Path) -> StepServer:
        if project not in SHARED_SERVERS:
            SHARED_SERVERS[project] = start_step_server(project, **channel_layer_of(redis_url))
        return SHARED_SERVERS[project]

    yield server_for
    for server in SHARED_SERVERS.values():
        server.stop()
    SHARED_SERVERS.clear()


@pytest.fixture(autouse=True)
def shared_servers_never_crash() -> Iterator[None]:
    """Whatever a test sends, no shared server logs a traceback or answers HTTP 500 because of it."""
    before = {project: len(server.crashes) for project, server in SHARED_SERVERS.items()}
    yield
    for project, server in SHARED_SERVERS.items():
        new = server.crashes[before.get(project, 0) :]
        assert not new, f"the server for {project.name} logged a crash: {new[0].strip()}\n" + "\n".join(new)


@pytest.fixture
def fresh_server(redis_url: str) -> Iterator[Callable[..., StepServer]]:
    """Start servers of one's own (a second process, one to restart); stopped after the test."""
    started: list[StepServer] = []

    def start(project: Path, **options: Any) -> StepServer:
        """`options` go to start_step_server: settings="burst_capacity", another redis_url, ..."""
        started.append(start_step_server(project, **{**channel_layer_of(redis_url), **options}))
        return started[-1]

    yield start
    for server in started:
        server.stop()
