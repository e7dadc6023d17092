"""A classroom on this machine's loopback for the checks: the shared Redis and the board, ended with the test."""

import json
import urllib.error
import urllib.request

import pytest

from workshop.classroom.running import start_classroom


@pytest.fixture
def classroom(tmp_path):
    with start_classroom("127.0.0.1", tmp_path / "classroom") as room:
        yield room


def post_report(classroom_url: str, body: bytes) -> tuple[int, dict]:
    """POST raw bytes to the board; (HTTP status, its JSON answer)."""
    request = urllib.request.Request(
        f"{classroom_url}/reports", data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as refusal:
        return refusal.code, json.load(refusal)


def board_state(classroom_url: str) -> dict:
    with urllib.request.urlopen(f"{classroom_url}/state", timeout=10) as answer:
        return json.load(answer)


@pytest.fixture(scope="module")
def quiet_classroom(tmp_path_factory):
    """One classroom for a module's checks that leave nothing behind (refused reports)."""
    with start_classroom("127.0.0.1", tmp_path_factory.mktemp("classroom")) as room:
        yield room
