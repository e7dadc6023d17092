"""The class board in real headless Chromium: learners' `make check` reports arrive live, the stuck
first, each failing check's hint a click away; it rides out a Redis restart and a board restart."""

import subprocess

import pytest
from harness.pages import WAIT_MS, screenshot

from workshop.catalogue import catalogue
from workshop.classroom.running import start_board
from workshop.paths import REPO_ROOT
from workshop.steps import copy_project, find_step

pytestmark = [pytest.mark.classroom, pytest.mark.live, pytest.mark.browser]

BROKEN_ECHO = ('json.dumps({"message": message})', 'json.dumps({"message": message.upper()})')


@pytest.fixture
def copies(tmp_path):
    """A finished step 01 and one whose echo shouts, as two learners' work/ copies."""
    finished = copy_project(find_step("01").folder, tmp_path / "finished")
    broken = copy_project(find_step("01").folder, tmp_path / "broken")
    consumer = broken / "chat" / "consumers.py"
    consumer.write_text(consumer.read_text().replace(*BROKEN_ECHO))
    return {"finished": finished, "broken": broken}


def make_check(classroom, name, project):
    """What a learner types, `make check STEP=01 ... CLASSROOM=... NAME=...`; what it printed."""
    command = ["make", "--no-print-directory", "check", "STEP=01", "FAST=1", f"PROJECT={project}"]
    command += [f"CLASSROOM={classroom.url}", f"NAME={name}"]
    result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    return result.stdout + result.stderr


def cell(page, name, step="01"):
    return page.locator(f'tr[data-name="{name}"] td[data-step="{step}"]')


def test_three_learners_reports_show_live_the_stuck_first_with_hints(browser, classroom, copies, tmp_path):
    page = browser.new_page(viewport={"width": 900, "height": 420})
    page.goto(f"{classroom.url}/")
    page.wait_for_selector("#connection:text('live')", timeout=WAIT_MS)

    assert "Reported to the class board as ann" in make_check(classroom, "ann", copies["finished"])
    assert "Reported to the class board as ben" in make_check(classroom, "ben", copies["broken"])
    assert "Reported to the class board as carl" in make_check(classroom, "carl", copies["finished"])
    cell(page, "ben").and_(page.locator('[data-state="failed"]')).wait_for(timeout=WAIT_MS)
    cell(page, "carl").and_(page.locator('[data-state="passed"]')).wait_for(timeout=WAIT_MS)
    assert page.locator("tbody tr").evaluate_all("rows => rows.map(row => row.dataset.name)") == [
        "ben",
        "ann",
        "carl",
    ]

    failing = cell(page, "ben").locator("details")
    check = failing.first.get_attribute("data-check")
    failing.first.locator("summary").click()
    assert failing.first.locator("p").inner_text() == catalogue().HINTS[check]
    shot = screenshot("class-board", page)
    print(f"the board with a stuck learner: {shot.relative_to(REPO_ROOT)}")

    consumer = copies["broken"] / "chat" / "consumers.py"
    consumer.write_text(consumer.read_text().replace(*reversed(BROKEN_ECHO)))
    make_check(classroom, "ben", copies["broken"])
    cell(page, "ben").and_(page.locator('[data-state="passed"]')).wait_for(
        timeout=WAIT_MS
    )  # the pass replaced the fail
    assert cell(page, "ben").locator("details").count() == 0


def test_the_board_rides_out_a_redis_restart_and_a_board_restart(browser, classroom, copies, tmp_path):
    page = browser.new_page()
    page.goto(f"{classroom.url}/")
    page.wait_for_selector("#connection:text('live')", timeout=WAIT_MS)
    make_check(classroom, "ann", copies["broken"])
    cell(page, "ann").and_(page.locator('[data-state="failed"]')).wait_for(timeout=WAIT_MS)

    classroom.redis.server.stop()
    page.wait_for_selector("#connection:text('reconnecting')", timeout=WAIT_MS)
    classroom.redis.server.start()  # same port, same users: they are part of its arguments
    page.wait_for_selector("#connection:text('live')", timeout=WAIT_MS)
    make_check(classroom, "ben", copies["finished"])
    cell(page, "ben").and_(page.locator('[data-state="passed"]')).wait_for(timeout=WAIT_MS)  # live again

    port = classroom.board.port
    classroom.board.stop()
    page.wait_for_selector("#connection:text('reconnecting')", timeout=WAIT_MS)
    classroom.board = start_board(
        "127.0.0.1", classroom.redis, tmp_path / "classroom" / "board.sqlite3", port
    )
    page.wait_for_selector("#connection:text('live')", timeout=WAIT_MS)
    cell(page, "ann").and_(page.locator('[data-state="failed"]')).wait_for(timeout=WAIT_MS)
    cell(page, "ben").and_(page.locator('[data-state="passed"]')).wait_for(timeout=WAIT_MS)
