"""The tutorial-contract check can fail: on step 01 (an echo, no groups) its same-room test must.

tests/checks/test_tutorial_contract.py runs it on the steps with rooms and expects a pass.
"""

import pytest
from harness.pages import needs_chromium_and_chromedriver

from workshop.learning.tutorial_contract import (
    SAME_ROOM_TEST,
    failures_of,
    run_tutorial_contract,
)
from workshop.steps import all_steps

pytestmark = [pytest.mark.live, pytest.mark.browser]

AN_ECHO = next(step for step in all_steps() if "echo" in step.suites)


def test_on_the_echo_step_the_same_room_test_fails_and_the_other_room_test_passes(redis_url, tmp_path):
    needs_chromium_and_chromedriver()
    result = run_tutorial_contract(AN_ECHO.folder, redis_url, tmp_path)
    assert result.returncode != 0
    assert f"FAIL: {SAME_ROOM_TEST}" in result.stderr, result.stderr[-3000:]
    assert "test_a_message_is_not_seen_in_another_room (chat.tests.TutorialContractTests" in result.stderr
    assert "Ran 2 tests" in result.stderr and "failures=1)" in result.stderr
    # What `make check` prints for it: the failure's own words, not the timeout it was raised from.
    assert failures_of(result.stderr).startswith(
        f"{SAME_ROOM_TEST}: the other window in the same room did not show it (the log: "
    ), failures_of(result.stderr)
