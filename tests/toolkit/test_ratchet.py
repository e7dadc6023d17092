"""The room checks can fail: pointed at step 01 (an echo, no groups) they must fail.

A check that passes whatever the code does teaches nothing. This runs the rooms suite
against the echo step and expects every delivery check to fail, not to error or pass.
"""

import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import pytest

from workshop.steps import all_steps, suite

pytestmark = pytest.mark.live

ROOM_CHECKS = suite("rooms").checks
AN_ECHO = next(step for step in all_steps() if "echo" in step.suites)

# The echo answers its sender, so the silence check would pass there: it proves something else.
MUST_FAIL_AGAINST_AN_ECHO = {
    "test_every_member_receives_each_message_exactly_once_including_the_sender",
    "test_member_who_left_is_removed_from_the_group_and_the_others_still_chat",
    "test_three_clients_in_two_rooms_give_the_expected_delivery_matrix",
    "test_two_server_processes_sharing_redis_deliver_to_each_others_clients",
}


def test_the_room_checks_fail_against_the_echo_step(tmp_path, redis_url):
    report = tmp_path / "report.xml"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *map(str, ROOM_CHECKS),
            "-p",
            "no:cacheprovider",
            "-q",
            "-m",
            "not slow",
            "--rooms-project",
            str(AN_ECHO.folder),
            f"--junitxml={report}",
        ],
        env={**os.environ, "REDIS_URL": redis_url, "WORKSHOP_RECEIVE_TIMEOUT": "2"},
        capture_output=True,
        text=True,
        timeout=110,
    )
    assert result.returncode == 1, (
        f"expected failing checks, got exit {result.returncode}:\n{result.stdout[-3000:]}"
    )
    outcomes = {}
    for case in ElementTree.parse(report).iter("testcase"):
        name = case.get("name", "").split("[")[0]
        outcomes[name] = (
            "failed"
            if case.find("failure") is not None
            else "error"
            if case.find("error") is not None
            else "passed"
        )
    assert {name: outcomes.get(name) for name in MUST_FAIL_AGAINST_AN_ECHO} == dict.fromkeys(
        MUST_FAIL_AGAINST_AN_ECHO, "failed"
    )
