"""The board refuses a report that is not valid, in plain words, and keeps what it took."""

import json

import pytest
from harness.classroom import board_state, post_report

from workshop.classroom.reports import MAX_NAME_LENGTH, REPORTS_PER_WINDOW
from workshop.classroom.running import start_board

pytestmark = [pytest.mark.classroom, pytest.mark.live]

GOOD = {
    "name": "ann",
    "step": "02",
    "passed": False,
    "failing": ["test_member_of_another_room_receives_nothing"],
}
BAD = {
    "not JSON": b"{name: ann",
    "not an object": b'["ann", "02"]',
    "a key missing": json.dumps({"name": "ann", "step": "02", "passed": True}).encode(),
    "a key more": json.dumps({**GOOD, "admin": True}).encode(),
    "passed as a number": json.dumps({**GOOD, "passed": 1}).encode(),
    "an unknown step": json.dumps({**GOOD, "step": "99"}).encode(),
    "a step as a number": json.dumps({**GOOD, "step": 2}).encode(),
    "a name over the cap": json.dumps({**GOOD, "name": "a" * (MAX_NAME_LENGTH + 1)}).encode(),
    "markup in the name": json.dumps({**GOOD, "name": "<img src=x onerror=alert(1)>"}).encode(),
    "an empty name": json.dumps({**GOOD, "name": "  "}).encode(),
    "markup as a check": json.dumps({**GOOD, "failing": ["<script>alert(1)</script>"]}).encode(),
    "too many checks": json.dumps({**GOOD, "failing": [f"test_{n}" for n in range(51)]}).encode(),
    "a pass with failures": json.dumps({**GOOD, "passed": True}).encode(),
    "a huge body": json.dumps({**GOOD, "name": "x" * 20_000}).encode(),
}


@pytest.mark.parametrize("body", BAD.values(), ids=BAD.keys())
def test_a_report_that_is_not_valid_is_refused_with_a_reason_and_nothing_is_kept(quiet_classroom, body):
    status, answer = post_report(quiet_classroom.url, body)
    assert status == 400 and answer["error"]
    assert board_state(quiet_classroom.url)["results"] == []  # and the board still answers


def test_a_flood_from_one_name_is_capped_and_others_still_get_through(classroom):
    good = json.dumps(GOOD).encode()
    statuses = [post_report(classroom.url, good)[0] for _ in range(REPORTS_PER_WINDOW + 1)]
    assert statuses == [201] * REPORTS_PER_WINDOW + [429]
    assert post_report(classroom.url, json.dumps({**GOOD, "name": "ben"}).encode())[0] == 201


def test_a_japanese_name_is_a_name(classroom):
    status, answer = post_report(classroom.url, json.dumps({**GOOD, "name": "山田 花子"}).encode())
    assert status == 201 and answer["recorded"]["name"] == "山田 花子"


def test_a_board_restart_loses_no_ones_latest_result(classroom, tmp_path):
    post_report(classroom.url, json.dumps(GOOD).encode())
    post_report(
        classroom.url, json.dumps({**GOOD, "passed": True, "failing": []}).encode()
    )  # replaces the fail
    post_report(classroom.url, json.dumps({**GOOD, "name": "ben", "step": "03"}).encode())
    before = board_state(classroom.url)["results"]
    port = classroom.board.port
    classroom.board.stop()
    classroom.board = start_board(
        "127.0.0.1", classroom.redis, tmp_path / "classroom" / "board.sqlite3", port
    )
    after = board_state(classroom.url)["results"]
    assert sorted((r["name"], r["step"], r["passed"]) for r in after) == [
        ("ann", "02", True),
        ("ben", "03", False),
    ]
    assert after == before
