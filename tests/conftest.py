"""Fixtures every check shares: one real Redis per run, real daphne servers per project.

Which projects a suite checks: by default the snapshots under steps/. `--echo-project` and
`--rooms-project` point a suite at any other Django project (a learner's copy, or step 01 to
prove that the room checks can fail).
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from workshop.groups import wait_for_group_size
from workshop.processes import ProcessFailedToStart
from workshop.redis_server import EmbeddedRedis, workshop_redis
from workshop.step_server import StepServer, start_step_server
from workshop.steps import all_steps, find_step

collect_ignore = ["communicator"]  # run per step in a process of its own, by test_communicator.py

PROJECT_FIXTURES = {
    # fixture name: (command-line option, default steps)
    "echo_project": ("--echo-project", ["01"]),
    "rooms_project": ("--rooms-project", ["02", "03"]),
    "async_project": ("--async-project", ["03"]),
    "any_project": (None, [step.number for step in all_steps()]),
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("workshop")
    group.addoption("--echo-project", help="check this Django project with the echo (step 01) suite")
    group.addoption("--rooms-project", help="check this Django project with the rooms (steps 02, 03) suite")
    group.addoption("--async-project", help="check this Django project's consumer is async (step 03)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    for fixture, (option, default_steps) in PROJECT_FIXTURES.items():
        if fixture not in metafunc.fixturenames:
            continue
        given = metafunc.config.getoption(option) if option else None
        if given:
            folder = Path(given).resolve()
            params = [pytest.param(folder, id=folder.name)]
        else:
            params = [
                pytest.param(step.folder, id=step.name, marks=getattr(pytest.mark, f"step{step.number}"))
                for step in map(find_step, default_steps)
            ]
        metafunc.parametrize(fixture, params, scope="session")


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """REDIS_URL when set, else an embedded server started for this run (never 127.0.0.1:6379)."""
    with workshop_redis(use_local=False) as redis:
        yield redis.url


# The shared servers by project, module-level so the crash check below can look at them without
# starting any (it must not pull Redis into tests that need none).
SHARED_SERVERS: dict[Path, StepServer] = {}


@pytest.fixture(scope="session")
def shared_servers(redis_url: str) -> Iterator[Callable[[Path], StepServer]]:
    """One daphne per project for the whole run: starting one costs about a second."""

    def server_for(project: Path) -> StepServer:
        if project not in SHARED_SERVERS:
            SHARED_SERVERS[project] = start_step_server(project, redis_url=redis_url)
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
        assert not new, f"the server for {project.name} logged a crash:\n" + "\n".join(new)


HINTS: list[tuple[str, str]] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    """A failed check says, in one line of plain words, what to look at (its `hint` marker)."""
    report = yield
    if report.failed:
        marker = item.get_closest_marker("hint")
        if call.excinfo is not None and call.excinfo.errisinstance(ProcessFailedToStart):
            HINTS.append(
                (item.name, "the project did not start: read the server output above and fix what it says.")
            )
        elif marker is not None:
            HINTS.append((item.name, marker.args[0]))
            report.sections.append(("Hint", marker.args[0]))
    return report


FIGURES: list[str] = []


@pytest.fixture
def report_figure(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Print a measured figure in the run's summary ("Figures"), whatever the test's outcome."""

    def report(line: str) -> None:
        FIGURES.append(f"{request.node.nodeid}\n    {line}")

    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if HINTS:
        terminalreporter.section("What to look at")
        for name, hint in dict(HINTS).items():
            terminalreporter.write_line(f"{name}:\n    {hint}")
    if FIGURES:
        terminalreporter.section("Figures measured by this run")
        for figure in FIGURES:
            terminalreporter.write_line(figure)


@pytest.fixture
def own_redis() -> Iterator[EmbeddedRedis]:
    """A Redis of the test's own, to stop and start again; never the run's shared one."""
    with EmbeddedRedis() as redis:
        yield redis


@pytest.fixture
def fresh_server(redis_url: str) -> Iterator[Callable[..., StepServer]]:
    """Start servers of one's own (a second process, one to restart); stopped after the test."""
    started: list[StepServer] = []

    def start(project: Path, **options: Any) -> StepServer:
        """`options` go to start_step_server: settings="default_capacity", another redis_url, ..."""
        started.append(start_step_server(project, **{"redis_url": redis_url, **options}))
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def unique_room(redis_url: str) -> Iterator[Callable[[str], str]]:
    """Room names no other test (or another run on a shared Redis) uses.

    At teardown, after the test's clients and pages have closed, each room's group must be
    empty in Redis: every consumer ran disconnect() and group_discard, and nothing of ours
    stays behind in a shared Redis. (A server stopped while a socket is open never runs that
    consumer's disconnect(), so servers are stopped after this check, never before.)
    """
    run = uuid.uuid4().hex[:8]
    rooms: list[str] = []

    def name(base: str) -> str:
        rooms.append(f"{base}-{run}")
        return rooms[-1]

    yield name
    for room in rooms:
        asyncio.run(wait_for_group_size(redis_url, room, 0))
