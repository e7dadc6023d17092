"""A new step is one entry in steps/steps.toml: nothing else needs editing for the toolkit to see it.

In a copy of the repository, step 03 is copied to steps/NN_again (NN: the number after the last
step) with one change to its consumer (and its notebook copied too), and one [[steps]] entry is
appended to the manifest. Then, in that copy, the commands a maintainer and a learner type see the
new step: the diffs, the lesson-shape check, learner mode (exercise, check, status), the checks'
markers and parameters, the benchmark.
"""

import os
import shutil
import subprocess
import sys

import pytest

from workshop.paths import REPO_ROOT
from workshop.steps import last_step

pytestmark = pytest.mark.live

NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", ".nox", "build", "work", "__pycache__", ".pytest_cache", ".hypothesis"
)
NEW = f"{int(last_step().number) + 1:02d}"  # the new step's number
NEW_STEP = f"""
[[steps]]
folder = "{NEW}_again"
teaches = "step 03 once more, with a new docstring: the step a check adds to prove one entry is enough"
starts_from = "03_async"
edit = "chat/consumers.py: change the docstring."
may_change = ["chat/consumers.py"]
must_change = ["chat/consumers.py"]
notebook = "notebooks/{NEW}_again.ipynb"
suites = ["rooms", "async"]
"""


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    """The repository as it is on disk, plus a fourth step made only of new files and one entry."""
    root = tmp_path_factory.mktemp("repository") / "channels-workshop"
    shutil.copytree(REPO_ROOT, root, ignore=NOT_COPIED)
    shutil.copytree(root / "steps/03_async", root / f"steps/{NEW}_again", ignore=NOT_COPIED)
    consumer = root / f"steps/{NEW}_again/chat/consumers.py"
    consumer.write_text(
        consumer.read_text().replace(
            "# Receive message from room group", f"# Step {NEW}: receive message from room group", 1
        )
    )
    shutil.copy(root / "notebooks/03_async.ipynb", root / f"notebooks/{NEW}_again.ipynb")
    with (root / "steps/steps.toml").open("a") as manifest:
        manifest.write(NEW_STEP)
    return root


@pytest.fixture
def run_in(copy, tmp_path, redis_url):
    """Run `python <args>` in the copy, importing the copy's toolkit, with work/ in a scratch folder."""
    env = {
        **os.environ,
        "PYTHONPATH": str(copy),
        "WORKSHOP_WORK_DIR": str(tmp_path / "work"),
        "WORKSHOP_LANG": "en",
    }
    env |= {"REDIS_URL": redis_url, "WORKSHOP_RECEIVE_TIMEOUT": "3"}

    def run(*args):
        result = subprocess.run(
            [sys.executable, *args], cwd=copy, env=env, capture_output=True, text=True, timeout=170
        )
        return result.returncode, result.stdout + result.stderr

    run.work = tmp_path / "work"
    return run


def test_make_diffs_writes_the_new_lesson_and_make_diff_shows_it(copy, run_in):
    code, output = run_in("-m", "workshop", "diffs")
    assert code == 0 and f"diffs/03_to_{NEW}.patch" in output, output
    patch = (copy / f"diffs/03_to_{NEW}.patch").read_text()
    assert (
        f"+++ steps/{NEW}_again/chat/consumers.py" in patch
        and f"+    # Step {NEW}: receive message from room group" in patch
    )
    assert run_in("-m", "workshop", "diff", "--to", NEW) == (0, patch)


def test_the_lesson_shape_check_covers_the_new_lesson(run_in):
    run_in("-m", "workshop", "diffs")
    code, output = run_in(
        "-m", "pytest", "tests/materials/test_lesson_shape.py", "-p", "no:cacheprovider", "-v"
    )
    assert code == 0, output
    assert f"test_a_lesson_changes_only_its_own_files[03-{NEW}] PASSED" in output
    assert f"test_the_committed_patch_is_the_lesson_as_it_is_now[03-{NEW}] PASSED" in output


def test_learner_mode_starts_checks_and_lists_the_new_step(copy, run_in):
    code, output = run_in("-m", "workshop", "exercise", "--step", NEW)
    assert code == 0, output
    work_copy = run_in.work / f"{NEW}_again"
    assert (work_copy / "chat/consumers.py").read_text() == (
        copy / "steps/03_async/chat/consumers.py"
    ).read_text()

    code, output = run_in("-m", "workshop", "check", "--step", NEW, "--fast")
    assert code == 0, output  # a copy of step 03 passes the rooms and async suites the new step names
    assert f"with the step {NEW} checks (rooms, async)." in output and "checks passed" in output

    code, output = run_in("-m", "workshop", "status")
    assert [line.split()[2] for line in output.splitlines() if line.startswith(f"{NEW}_again")] == ["PASS"], (
        output
    )


def test_the_checks_and_the_notebook_check_take_the_new_step_and_its_marker(run_in):
    code, output = run_in(
        "-m", "pytest", "tests", "-m", f"step{NEW}", "--collect-only", "-q", "-p", "no:cacheprovider"
    )
    assert code == 0, output
    collected = output.splitlines()
    for expected in (
        f"tests/checks/test_rooms.py::test_every_member_receives_each_message_exactly_once_including_the_sender[{NEW}_again]",
        f"tests/checks/test_async_consumer.py::test_every_handler_is_a_coroutine[{NEW}_again]",
        f"tests/checks/test_bad_input.py::test_message_at_the_cap_is_relayed_whole[{NEW}_again]",
        f"tests/materials/test_notebooks.py::test_the_notebook_runs_top_to_bottom_with_jupyter_nbconvert[{NEW}_again]",
    ):
        assert expected in collected, output


def test_the_benchmark_measures_the_new_step_beside_the_others(run_in):
    code, output = run_in(
        "-c", "from workshop.measuring.bench import VARIANTS; print([v.key for v in VARIANTS])"
    )
    assert code == 0 and f"'{NEW}'" in output, output
