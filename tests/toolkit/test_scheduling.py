"""Checks run side by side; those marked `apart` one at a time in the first worker, ahead of the
others for the CPU; those marked `alone` with nothing beside them (tests/harness/scheduling.py).

A small session of its own, in a scratch folder, with the harness's scheduling and three xdist
workers: each of its checks writes when it starts and ends, in which worker and at which CPU
priority, and the log says who ran beside whom.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from workshop.paths import REPO_ROOT

# A pytest session with xdist workers of its own. Apart, so it runs in the worker whose priority is
# the run's own: from a worker already at the lowest, no worker of its session could be lowered.
pytestmark = [pytest.mark.live, pytest.mark.apart]
PLUGINS_LEFT_OUT = ["-p", "no:anyio", "-p", "no:valkey", "-p", "no:hypothesispytest"]

INNER_CHECKS = '''
import json, os, time
from pathlib import Path

import pytest

LOG = Path(os.environ["SIDE_BY_SIDE_LOG"])
WINDOW = 0.5  # seconds each check stays, watching who else runs; only what it sees decides
SIDES = 6


def write(event, name):
    with LOG.open("a") as log:
        log.write(json.dumps({
            "event": event, "name": name, "worker": os.environ["PYTEST_XDIST_WORKER"],
            "niceness": os.getpriority(os.PRIO_PROCESS, 0),
        }) + "\\n")


def events():
    return [json.loads(line) for line in LOG.read_text().splitlines()]


def running_besides(me):
    started = {e["name"] for e in events() if e["event"] == "start"}
    ended = {e["name"] for e in events() if e["event"] == "end"}
    return started - ended - {me}


@pytest.fixture(autouse=True)
def logged(request):
    write("start", request.node.name)
    yield
    write("end", request.node.name)


def watch(me):
    """What ran beside `me` during WINDOW seconds."""
    seen, deadline = set(), time.monotonic() + WINDOW
    while time.monotonic() < deadline:
        seen |= running_besides(me)
        time.sleep(0.01)  # a look every 10 ms, not a core spent looking
    return seen


def wait_for_another_side(me):
    """Until another side check runs beside `me` (up to 20 windows), or every one has started."""
    deadline = time.monotonic() + 20 * WINDOW
    while time.monotonic() < deadline:
        if any(name.startswith("test_side") for name in running_besides(me)):
            return
        if len({e["name"] for e in events() if e["name"].startswith("test_side")}) == SIDES:
            return
        time.sleep(0.01)


@pytest.mark.parametrize("n", range(SIDES))
def test_side(n):
    wait_for_another_side(f"test_side[{n}]")  # an apart check beside it would prove nothing here


@pytest.mark.alone
@pytest.mark.parametrize("n", range(3))
def test_alone(n):
    assert watch(f"test_alone[{n}]") == set()


@pytest.mark.apart
@pytest.mark.parametrize("n", range(3))
def test_apart(n):
    beside = watch(f"test_apart[{n}]")
    assert not {name for name in beside if name.startswith(("test_apart", "test_alone"))}, beside


@pytest.mark.xdist_group("pair")
def test_pair_first():
    pass


@pytest.mark.xdist_group("pair")
def test_pair_second():
    pass
'''


def test_alone_checks_run_with_nothing_beside_them_apart_ones_one_at_a_time_the_rest_side_by_side_below_them(
    tmp_path,
):
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["harness.scheduling"]\n')
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(INNER_CHECKS))
    log = tmp_path / "log.jsonl"
    result = subprocess.run(
        # Outside the repository, so without its pyproject.toml: its choice of plugins given here.
        [
            sys.executable,
            "-m",
            "pytest",
            "-n",
            "3",
            "-p",
            "no:cacheprovider",
            *PLUGINS_LEFT_OUT,
            "-q",
            str(tmp_path),
        ],
        cwd=tmp_path,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "tests"), str(REPO_ROOT)]),
            "SIDE_BY_SIDE_LOG": str(log),
        },
        capture_output=True,
        text=True,
        timeout=110,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    events = [json.loads(line) for line in log.read_text().splitlines()]
    order = [(event["event"], event["name"]) for event in events]
    worker = {event["name"]: event["worker"] for event in events}

    niceness = {event["name"]: event["niceness"] for event in events}

    alone = [name for name in worker if name.startswith("test_alone")]
    apart = [name for name in worker if name.startswith("test_apart")]
    assert {worker[name] for name in alone + apart} == {"gw0"}, f"apart and alone not all in gw0: {worker}"
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    assert {niceness[name] for name in alone + apart} == {ours}, f"apart or alone lowered: {niceness}"
    lowered = {name for name in worker if worker[name] != "gw0"}
    assert lowered and {niceness[name] for name in lowered} == {19}, (
        f"other workers not at the lowest: {niceness}"
    )
    for name in alone:  # from its start to its end, nothing else started or was running
        start, end = order.index(("start", name)), order.index(("end", name))
        assert order[start + 1 : end] == [], f"beside {name}: {order[start + 1 : end]}"
    assert max(order.index(("end", name)) for name in apart) < min(order.index(("start", n)) for n in alone)
    assert worker["test_pair_first"] == worker["test_pair_second"]
    assert order.index(("end", "test_pair_first")) < order.index(("start", "test_pair_second"))
    side_by_side = [
        name
        for name in worker
        if name.startswith("test_side")
        and any(
            e[0] == "start" and e[1].startswith("test_side")
            for e in order[order.index(("start", name)) + 1 : order.index(("end", name))]
        )
    ]
    assert side_by_side, f"no two checks ran at once: {order}, on workers {worker}"
