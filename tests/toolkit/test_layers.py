"""Each install layer is enough for its task: `make run` serves with only the serve layer, `make
check` checks a project with serve and check. Built in a venv of the test's own from the same
locks, the way the Makefile installs them; pip takes the wheels from its cache when it has them.
"""

import os
import signal
import subprocess
import sys

import pytest

from workshop.locks import BOOTSTRAP, lock_file, normalise, pinned, read_lock
from workshop.paths import REPO_ROOT
from workshop.running.clients import ChatClient
from workshop.running.processes import LoggedProcess
from workshop.running.step_server import made_by_make_run
from workshop.steps import all_steps, last_step

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def layered_venv(tmp_path_factory):
    """A new venv's Python, and a way to install one more layer into it."""
    venv = tmp_path_factory.mktemp("layers") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"

    def install(layer):
        command = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
        subprocess.run(
            [*command, "--require-hashes", "-r", str(lock_file(layer))], check=True, capture_output=True
        )

    return python, install


def frozen(python):
    """`pip freeze` of that venv, as {name: version}."""
    listed = subprocess.run([str(python), "-m", "pip", "freeze"], capture_output=True, text=True, check=True)
    return {normalise(line.split("==")[0]): line.split("==")[1] for line in listed.stdout.splitlines()}


def locked(layer):
    """What `layer`'s lock installs on this Python, as {name: version}."""
    return {name: version for name, version in pinned(read_lock(layer)).items() if name not in BOOTSTRAP}


async def test_make_run_serves_the_last_step_with_only_the_serve_layer(layered_venv, redis_url, unique_room):
    python, install = layered_venv
    install("serve")
    assert frozen(python) == locked("serve"), "the venv holds the serve layer and nothing else"
    run = LoggedProcess(
        [str(python), "-m", "workshop", "run", "--port", "0"],
        cwd=REPO_ROOT,
        env={**os.environ, "REDIS_URL": redis_url, "PYTHONUNBUFFERED": "1"},
    )
    try:
        served = run.wait_for_line(r"is serving at http://127\.0\.0\.1:(\d+)/chat/", timeout=30)
        server = made_by_make_run(last_step().folder, int(served.group(1)), run)
        async with await ChatClient.join(server, unique_room("lobby"), "alice") as alice:
            await alice.say("served from the serve layer alone")
            assert await alice.next_message() == "served from the serve layer alone"
        os.killpg(run.pid, signal.SIGINT)
        assert run.wait() == 0
    finally:
        run.stop()


def test_make_check_checks_a_project_with_the_serve_and_check_layers(layered_venv, redis_url):
    python, install = layered_venv
    install("serve")
    install("check")
    assert frozen(python) == locked("check"), "the venv holds the check layer and nothing else"
    first = all_steps()[0]
    result = subprocess.run(
        [
            str(python),
            "-m",
            "workshop",
            "check",  # as a learner types it: the whole check, in the check layer's xdist workers
            "--step",
            first.number,
            "--project",
            str(first.folder),
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "REDIS_URL": redis_url},
        capture_output=True,
        text=True,
        timeout=170,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
