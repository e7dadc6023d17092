"""Runs each step's in-memory consumer tests (tests/communicator/) in a process of its own.

Those tests use channels.testing.WebsocketCommunicator, the ecosystem's way to unit-test a
consumer. Each step is its own `mysite`, and Django settings are per process, hence one
pytest process per step.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.live

SUITE = Path(__file__).parent / "communicator"
SUITE_FILES = {
    "01": ["test_every_step.py", "test_echo_consumer.py"],
    "02": ["test_every_step.py", "test_room_consumer.py"],
    "03": ["test_every_step.py", "test_room_consumer.py"],
}


def test_the_consumer_unit_tests_pass_in_memory(any_project, redis_url):
    number = any_project.name.split("_", 1)[0]
    files = [str(SUITE / name) for name in SUITE_FILES[number]]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--confcutdir", str(SUITE), "-p", "no:cacheprovider", "-q", *files],
        env={**os.environ, "WORKSHOP_STEP_DIR": str(any_project), "REDIS_URL": redis_url},
        capture_output=True,
        text=True,
        timeout=110,
    )
    assert result.returncode == 0, (
        f"{any_project.name}'s communicator tests failed:\n{result.stdout[-4000:]}{result.stderr[-2000:]}"
    )
