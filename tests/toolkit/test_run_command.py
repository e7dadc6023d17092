"""`make run` (python -m workshop run) serves a step, says where, and stops everything on Ctrl-C."""

import os
import re
import signal
import subprocess

import pytest

from workshop.paths import REPO_ROOT
from workshop.running.clients import ChatClient
from workshop.running.groups import wait_for_group_size
from workshop.running.ports import port_is_free
from workshop.running.processes import LoggedProcess, python_command
from workshop.running.step_server import made_by_make_run
from workshop.steps import all_steps

pytestmark = pytest.mark.live


@pytest.mark.parametrize("step", all_steps(), ids=lambda step: step.name)
async def test_run_serves_the_step_and_ctrl_c_stops_it(step, redis_url, unique_room):
    run = LoggedProcess(
        python_command("-m", "workshop", "run", "--step", step.number, "--port", "0"),
        cwd=REPO_ROOT,
        env={**os.environ, "REDIS_URL": redis_url, "PYTHONUNBUFFERED": "1"},
    )
    try:
        served = run.wait_for_line(r"is serving at http://127\.0\.0\.1:(\d+)/chat/", timeout=30)
        server = made_by_make_run(step.folder, int(served.group(1)), run)
        room = unique_room("lobby")
        async with (
            await ChatClient.join(server, room, "alice") as alice,
            await ChatClient.join(server, room, "bob") as bob,
        ):
            await alice.say("two tabs, one room")
            assert await alice.next_message() == "two tabs, one room"
            expected_for_bob = ["two tabs, one room"] if step.suites != ("echo",) else []
            assert [frame["message"] for frame in await bob.received_before_sync()] == expected_for_bob
        await wait_for_group_size(redis_url, room, 0)  # both left: nothing of ours stays in Redis

        os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends
        assert run.wait() == 0
        assert re.search(r"Stopped the server and Redis", run.tail())
        assert port_is_free(server.port)
    finally:
        run.stop()


def test_run_refuses_an_unknown_step_in_plain_words():
    result = subprocess.run(
        python_command("-m", "workshop", "run", "--step", "09"), cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 2
    numbers = ", ".join(step.number for step in all_steps())
    assert f"There is no step '09'; the steps are {numbers}." in result.stderr
