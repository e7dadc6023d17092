"""The toolkit's `announce` command (workshop/announcing) refuses bad input in plain words.

What it reaches is a learner check (tests/checks/test_announce.py); these refusals are the
toolkit's own, the same for every project, so they run against a step's snapshot.
"""

import pytest

from workshop.announcing import announce
from workshop.steps import find_step

pytestmark = pytest.mark.live


@pytest.mark.parametrize(
    ("room", "message", "says"),
    [
        ("no spaces", "hi", "is not a room"),
        ("lobby", "   ", '"message" is empty'),
        ("lobby", "x" * 2001, "the limit is 2000"),
    ],
    ids=["bad-room", "empty", "too-long"],
)
def test_the_command_refuses_bad_input_in_plain_words(redis_url, room, message, says):
    result = announce(find_step("02").folder, redis_url, room, message)
    said = result.stderr.strip().splitlines()[-1:] or ["nothing"]
    assert "Traceback" not in result.stderr, f"a traceback, not plain words; its last line: {said[0]}"
    assert says in result.stderr, f"expected {says!r}, it said: {said[0]}"
    assert result.returncode == 1
