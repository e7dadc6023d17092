"""Checks side by side in pytest-xdist's workers, except those that must not be starved.

`make test` runs the suite in worker processes (`-n auto`): most checks wait (on a server, a
timer, a kernel), so several fill two cores. Two kinds of check must not share the machine freely:

- `apart`: asserts a recovery bound (a failover, a killed or restarted worker, a Redis restart),
  or loads the CPU on purpose and reports what it measured. Beside another such check its figures
  would measure that one, so they run one at a time, and beside ordinary checks it must never
  wait for the CPU.
- `alone`: loads both cores on purpose (the soak on shards). Nothing runs beside it at all:
  beside it even a check that only takes what is left over would stall past its own timeouts.

Both kinds form one group (`xdist_group`), which only the first worker (gw0) runs, one check after
another, the alone ones last. Every other worker runs at the lowest CPU priority (nice 19, it and
every process it starts), so an ordinary check takes only the CPU the group's check leaves idle:
the scheduler gives the apart check the CPU the moment it wants it (docs/checks.md has the figures,
measured both ways). While an alone check runs, no other check runs in any worker: a readers-writer
lock over files the run's workers share (flock), every check holding it shared, an alone one
exclusively, from its setup to its teardown. A turnstile in front lets the alone one in before
checks that come later, and back-to-back alone checks keep it, so the others drain once.

The wait for the lock falls outside every phase pytest times, so `--durations` shows what a check
itself costs. With `-n0` (or without xdist) checks run one at a time, nothing is locked or lowered.

Groups are xdist's `xdist_group` marks, scheduled by GroupedScheduling below rather than by
`--dist loadgroup`, which on pytest 9.2 silently stops grouping (pytest-xdist#1386: it renames
node ids, and pytest no longer lets it). Each worker writes the groups it collected to the run's
folder before it reports its collection; the scheduler, in the controller, reads them.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from pathlib import Path
from typing import IO, Any, Iterator

import pytest
from xdist.scheduler import LoadScopeScheduling

from workshop.running.processes import keep_niceness_in_own_session

ALONE = "alone"
APART = "apart"
GROUP = "apart"  # the xdist group of the apart and alone checks
GROUP_WORKER = "gw0"  # the worker that runs that group, at the priority the run started with
# The niceness the other workers take when the run has such a group: the lowest there is. A check
# at niceness 0 outweighs one at 19 by 1024 to 15 when they want the same core (Linux's CFS).
LOWEST_PRIORITY = 19
# Workers a run starts for `-n auto` per core: measured on 2 cores (docs/checks.md), where the
# suite waits more than it computes.
WORKERS_PER_CORE = 2
GROUPS_FILE = "xdist-groups-{worker}.json"
# What each worker's lock saw, summed in the controller for the run's summary.
ACCOUNTS: list[dict[str, float]] = []


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{APART}: asserts a recovery bound; runs one at a time with the other apart and alone checks "
        "(tests/harness/scheduling.py)",
    )
    config.addinivalue_line(
        "markers",
        f"{ALONE}: loads the CPU on purpose; runs with no other check beside it (tests/harness/scheduling.py)",
    )
    if hasattr(config, "workerinput"):
        config.pluginmanager.register(SideBySide(_workers_folder(config)), "workshop-side-by-side")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Apart and alone checks into one group; the alone ones last (in a serial run too), so that
    the other workers drain once for all of them."""
    for item in items:
        if _alone(item) or item.get_closest_marker(APART) is not None:
            item.add_marker(pytest.mark.xdist_group(GROUP))
    items.sort(key=_alone)  # stable: the order is otherwise the collection's


@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """In a worker, before xdist reports the collection: each grouped check's group, to a file."""
    config = session.config
    if not hasattr(config, "workerinput"):
        return
    groups = {item.nodeid: group for item in session.items if (group := _group_of(item))}
    worker = config.workerinput["workerid"]
    path = _workers_folder(config) / GROUPS_FILE.format(worker=worker)
    written = path.with_suffix(".partial")
    written.write_text(json.dumps(groups))
    written.replace(path)  # whole or not at all, for the controller that reads it
    if GROUP in groups.values() and worker != GROUP_WORKER:
        _lower_this_worker()
        config.workeroutput["lowered"] = True  # type: ignore[attr-defined]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """With -n (xdist's default `--dist load`, or `loadgroup`): the groups honoured."""
    if config.getoption("dist") not in ("load", "loadgroup"):
        return None  # another distribution asked for by name: xdist's own
    return GroupedScheduling(config, log)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: WORKERS_PER_CORE per core, or PYTEST_XDIST_AUTO_NUM_WORKERS when set."""
    given = os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS")
    if given:
        return int(given)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return WORKERS_PER_CORE * cores


@pytest.fixture(scope="session")
def run_folder(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder this run's workers share, and no other run: what one worker leaves for another."""
    if hasattr(request.config, "workerinput"):
        return _workers_folder(request.config)
    return tmp_path_factory.getbasetemp()


def _lower_this_worker() -> None:
    """This worker and every process it starts from now on, at the lowest CPU priority.

    On Linux with autogroups the kernel shares the CPU out between sessions first, and niceness
    counts only within a session: the worker leaves the session it shares with the run (and gw0),
    and its new session takes its niceness (so do the sessions its servers start: processes.py).
    """
    with contextlib.suppress(OSError):
        os.setsid()  # fails only where it is a session or group leader already: nothing to leave
    os.nice(LOWEST_PRIORITY)
    keep_niceness_in_own_session()


def _alone(item: pytest.Item) -> bool:
    return item.get_closest_marker(ALONE) is not None


def _group_of(item: pytest.Item) -> str | None:
    """The item's xdist group, as xdist names it: its groups' names joined, or None."""
    names = {
        str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
        for mark in item.iter_markers("xdist_group")
    }
    return "_".join(sorted(names)) or None


def _workers_folder(config: pytest.Config) -> Path:
    """In an xdist worker: the run's temporary folder, which every worker's own lies in."""
    return Path(config.option.basetemp).parent


class GroupedScheduling(LoadScopeScheduling):
    """xdist's scheduling by scope, a scope being a check's group, or else the check itself.

    Units go out largest first (xdist's --loadscope-reorder, on by default): the alone group.
    """

    def __init__(self, config: pytest.Config, log: Any = None) -> None:
        super().__init__(config, log)
        # Where the workers' folders are made (xdist's own workermanage reads it the same way).
        self._folder: Path = config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
        self._groups: dict[str, str] | None = None

    def _split_scope(self, nodeid: str) -> str:
        if self._groups is None:  # first asked once every worker has reported its collection
            self._groups = {}
            for path in self._folder.glob(GROUPS_FILE.format(worker="*")):
                self._groups.update(json.loads(path.read_text()))
        return self._groups.get(nodeid, nodeid)

    def _assign_work_unit(self, node: Any) -> None:
        """As xdist does, except that the apart group goes to GROUP_WORKER only (the others run
        at the lowest priority); if that worker is gone, to whoever asks."""
        group_worker_up = any(_worker_id(other) == GROUP_WORKER for other in self.nodes)
        takes_group = _worker_id(node) == GROUP_WORKER or not group_worker_up
        if GROUP in self.workqueue and takes_group:
            self.workqueue.move_to_end(GROUP, last=False)
        elif GROUP in self.workqueue:
            if len(self.workqueue) == 1:
                return  # only the group is left, and it waits for its worker
            self.workqueue.move_to_end(GROUP)  # behind what this worker takes now
        super()._assign_work_unit(node)


def _worker_id(node: Any) -> str:
    return str(node.gateway.id)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """In the controller, as a worker ends: what its lock saw (SideBySide.account)."""
    output = getattr(node, "workeroutput", {})
    if output.get("side_by_side"):
        ACCOUNTS.append({**output["side_by_side"], "lowered": float(output.get("lowered", False))})


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if ACCOUNTS:
        total = {key: sum(account[key] for account in ACCOUNTS) for key in ACCOUNTS[0]}
        terminalreporter.section("Side by side")
        lowered = f", {total['lowered']:.0f} of them at the lowest CPU priority" if total["lowered"] else ""
        terminalreporter.write_line(
            f"{len(ACCOUNTS)} workers{lowered}; {total['alone']:.0f} checks ran alone, for "
            f"{total['alone_seconds']:.0f} s in all; the other workers waited {total['waited_seconds']:.0f} s "
            "in all for them"
        )


class SideBySide:
    """The readers-writer lock of one xdist worker (see the module's docstring)."""

    def __init__(self, folder: Path) -> None:
        self._turnstile = _lock_file(folder / "checks-turnstile.lock")
        self._running = _lock_file(folder / "checks-running.lock")
        self._holds_alone = False
        self.account = {"alone": 0.0, "alone_seconds": 0.0, "waited_seconds": 0.0}
        self._alone_since = 0.0

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        session.config.workeroutput["side_by_side"] = self.account  # type: ignore[attr-defined]

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[object]:
        self._enter(alone=_alone(item))
        try:
            return (yield)
        finally:
            self._leave(keep=nextitem is not None and _alone(nextitem))

    def _enter(self, *, alone: bool) -> None:
        if alone:
            self.account["alone"] += 1
            if not self._holds_alone:
                fcntl.flock(self._turnstile, fcntl.LOCK_EX)  # no check starts anywhere now
                fcntl.flock(self._running, fcntl.LOCK_EX)  # and the running ones end
                self._holds_alone, self._alone_since = True, time.monotonic()
            return
        asked = time.monotonic()
        fcntl.flock(self._turnstile, fcntl.LOCK_EX)
        fcntl.flock(self._running, fcntl.LOCK_SH)
        fcntl.flock(self._turnstile, fcntl.LOCK_UN)
        self.account["waited_seconds"] += time.monotonic() - asked

    def _leave(self, *, keep: bool) -> None:
        if self._holds_alone and keep:
            return  # the next check here is alone too: the others stay drained
        fcntl.flock(self._running, fcntl.LOCK_UN)
        if self._holds_alone:
            fcntl.flock(self._turnstile, fcntl.LOCK_UN)
            self._holds_alone = False
            self.account["alone_seconds"] += time.monotonic() - self._alone_since


def _lock_file(path: Path) -> IO[bytes]:
    """A file only ever locked, never written: opened by every worker, each its own descriptor."""
    return path.open("ab")
