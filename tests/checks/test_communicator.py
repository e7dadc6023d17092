"""Runs each step's in-memory consumer tests (tests/checks/communicator/) in a process of its own.

Those tests use channels.testing.WebsocketCommunicator, the ecosystem's way to unit-test a
consumer. Each step is its own `mysite`, and Django settings are per process, hence one
pytest process per step: the tests every step passes, then its suites' `unit` files
(steps/steps.toml).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from workshop.running.accounts import has_users, served_copy
from workshop.steps import find_step, suite

pytestmark = pytest.mark.live

SUITE = Path(__file__).parent / "communicator"
EVERY_STEP = "test_every_step.py"


def where_it_runs(project: Path) -> Path:
    """A step with users runs in its migrated copy: its consumer may read and write the database."""
    return served_copy(project, {}).folder if has_users(project) else project


def test_the_consumer_unit_tests_pass_in_memory(any_project, redis_url):
    step = find_step(any_project.name)
    files = [EVERY_STEP, *(unit for name in step.suites for unit in suite(name).unit)]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--confcutdir", str(SUITE), "-p", "no:cacheprovider", "-q"]
        + [str(SUITE / name) for name in files],
        env={**os.environ, "WORKSHOP_STEP_DIR": str(where_it_runs(any_project)), "REDIS_URL": redis_url},
        capture_output=True,
        text=True,
        timeout=110,
    )
    assert result.returncode == 0, (
        f"{any_project.name}'s communicator tests failed:\n{result.stdout[-4000:]}{result.stderr[-2000:]}"
    )
