"""Learner mode: a step done in work/ is checked, kindly, and its status shows.

These run the same commands a learner types (`python -m workshop exercise|check|status`, what the
make targets call) in a scratch work/ folder, so a real work/ is never touched.
"""

import os
import shutil
import subprocess
import sys

import pytest

from workshop.catalogue import en, ja
from workshop.paths import REPO_ROOT
from workshop.steps import find_step


@pytest.fixture
def learner(tmp_path, redis_url):
    """Run `python -m workshop ...` as a learner would, with work/ in a scratch folder."""
    env = {
        **os.environ,
        "WORKSHOP_WORK_DIR": str(tmp_path),
        "REDIS_URL": redis_url,
        "WORKSHOP_RECEIVE_TIMEOUT": "2",
        "WORKSHOP_LANG": "en",
    }

    def run(*args, language="en"):
        return subprocess.run(
            [sys.executable, "-m", "workshop", *args],
            cwd=REPO_ROOT,
            env={**env, "WORKSHOP_LANG": language},
            capture_output=True,
            text=True,
            timeout=110,
        )

    run.work = tmp_path
    return run


def test_an_exercise_starts_from_the_step_before_and_never_overwrites_work(learner):
    created = learner("exercise", "--step", "02")
    assert created.returncode == 0, created.stdout + created.stderr
    copy = learner.work / "02_rooms"
    assert (copy / "chat" / "consumers.py").read_text() == (
        find_step("01").folder / "chat/consumers.py"
    ).read_text()
    assert "chat/consumers.py" in created.stdout, "it says where to start editing"

    (copy / "chat" / "consumers.py").write_text("# my work\n")
    again = learner("exercise", "--step", "02")
    assert again.returncode == 1 and "FORCE=1" in again.stdout
    assert (copy / "chat" / "consumers.py").read_text() == "# my work\n", "the learner's work is kept"
    assert learner("exercise", "--step", "02", "--force").returncode == 0


def test_an_exercise_comes_with_its_sheet_in_every_language_read_from_the_finished_step(learner):
    assert learner("exercise", "--step", "02").returncode == 0
    copy = learner.work / "02_rooms"
    english, japanese = (copy / "EXERCISE.md").read_text(), (copy / "EXERCISE.ja.md").read_text()
    finished = find_step("02").folder
    for sheet in (english, japanese):
        assert "REDIS_URL" in sheet and '("redis", 6379)' in sheet, "why the blog's host fails here"
        assert (finished / "chat/consumers.py").read_text().strip() in sheet, (
            "the finished consumer, as it is"
        )
        assert "CHANNEL_LAYERS = {" in sheet and "make check STEP=02" in sheet
    assert "変更するところ" in japanese and "What to change" in english


@pytest.mark.live
def test_the_untouched_copy_fails_with_a_hint_and_the_finished_one_passes(learner):
    learner("exercise", "--step", "02")
    unfinished = learner("check", "--step", "02", "--fast")
    assert unfinished.returncode == 1
    lines = unfinished.stdout.splitlines()
    # The causes first, then one line per failing check; no traceback, and short.
    first = lines.index("What to look at first:")
    assert lines[first + 1 : first + 3] == [
        f"  - {en.MESSAGES['cause.no_channel_layer']}",
        f"  - {en.MESSAGES['cause.no_group_add']}",
    ]
    assert any(line.startswith("  FAIL every member receives each message exactly once") for line in lines)
    assert "Traceback" not in unfinished.stdout and len(lines) <= 40, unfinished.stdout
    assert "FAIL" in learner("status").stdout

    # The learner's change, as the snapshot makes it: the consumer and the channel layer.
    for path in ("chat/consumers.py", "mysite/settings.py"):
        shutil.copy(find_step("02").folder / path, learner.work / "02_rooms" / path)
    finished = learner("check", "--step", "02", "--fast")
    assert finished.returncode == 0, finished.stdout[-3000:]
    status = learner("status").stdout
    assert [line for line in status.splitlines() if line.startswith("02_rooms")][0].split()[2] == "PASS"


@pytest.mark.live
def test_a_project_that_does_not_start_is_told_so_with_the_servers_output(learner):
    learner("exercise", "--step", "02")
    (learner.work / "02_rooms" / "chat" / "consumers.py").write_text("class ChatConsumer(:\n")
    broken = learner("check", "--step", "02", "--fast")
    assert broken.returncode != 0
    assert "  - The project did not start: " in broken.stdout
    assert 'consumers.py", line 1: SyntaxError' in broken.stdout, "daphne's own error says what is wrong"


@pytest.mark.live
@pytest.mark.translation
def test_a_learner_who_asks_for_japanese_reads_the_causes_and_hints_in_japanese(learner):
    learner("exercise", "--step", "02")
    untouched = learner("check", "--step", "02", "--fast", language="ja").stdout
    lines = untouched.splitlines()
    first = lines.index(ja.MESSAGES["check.first_heading"])
    assert lines[first + 1 : first + 3] == [
        f"  - {ja.MESSAGES['cause.no_channel_layer']}",
        f"  - {ja.MESSAGES['cause.no_group_add']}",
    ], untouched
    assert "Traceback" not in untouched and len(lines) <= 40, untouched

    # Step 03 starts from a finished step 02: no missing piece, so each failing check gives its hint.
    learner("exercise", "--step", "03")
    sync_consumer = learner("check", "--step", "03", "--fast", language="ja").stdout
    assert ja.MESSAGES["check.hint"].format(
        hint=ja.HINTS["test_the_chat_consumer_is_an_async_websocket_consumer"]
    ) in (sync_consumer), sync_consumer
