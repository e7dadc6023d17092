"""Learner mode: a step done in work/ is checked, kindly, and its status shows.

These run the same commands a learner types (`python -m workshop exercise|check|status`, what the
make targets call) in a scratch work/ folder, so a real work/ is never touched.
"""

import importlib.util
import inspect
import os
import shutil
import subprocess
import sys

import pytest

from workshop.learning.hints import NO_CHANNEL_LAYER, NO_GROUP_ADD
from workshop.paths import REPO_ROOT
from workshop.steps import all_suites, find_step


@pytest.fixture
def learner(tmp_path, redis_url):
    """Run `python -m workshop ...` as a learner would, with work/ in a scratch folder."""
    env = {
        **os.environ,
        "WORKSHOP_WORK_DIR": str(tmp_path),
        "REDIS_URL": redis_url,
        "WORKSHOP_RECEIVE_TIMEOUT": "2",
    }

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "workshop", *args],
            cwd=REPO_ROOT,
            env=env,
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


@pytest.mark.live
def test_the_untouched_copy_fails_with_a_hint_and_the_finished_one_passes(learner):
    learner("exercise", "--step", "02")
    unfinished = learner("check", "--step", "02", "--fast")
    assert unfinished.returncode == 1
    lines = unfinished.stdout.splitlines()
    # The causes first, then one line per failing check; no traceback, and short.
    first = lines.index("What to look at first:")
    assert lines[first + 1 : first + 3] == [f"  - {NO_CHANNEL_LAYER}", f"  - {NO_GROUP_ADD}"]
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


def test_every_learner_check_has_a_hint():
    for suite in all_suites().values():
        for path in suite.checks:
            spec = importlib.util.spec_from_file_location(f"suite_{path.stem}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            for name, function in inspect.getmembers(module, inspect.isfunction):
                if name.startswith("test_"):
                    marks = [mark for mark in getattr(function, "pytestmark", []) if mark.name == "hint"]
                    assert len(marks) == 1 and len(marks[0].args[0]) > 20, f"{path.name}::{name} has no hint"
