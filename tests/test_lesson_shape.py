"""Each lesson changes only its own files, and diffs/ shows exactly that lesson.

Files a lesson does not touch are byte-identical between steps, so `diff -ru` (or `make diff`)
shows only the lesson.
"""

import pytest

from workshop.diffs import LESSONS, changed_files, lesson_diff, patch_path
from workshop.steps import find_step

# What each lesson may change (paths inside the step folder). 01 -> 02: the consumer, the routing
# if needed, the channel layer in settings.py, and the step's README. 02 -> 03: the consumer.
ALLOWED = {
    ("01", "02"): {"chat/consumers.py", "chat/routing.py", "mysite/settings.py", "README.md"},
    ("02", "03"): {"chat/consumers.py", "README.md"},
}
REQUIRED = {("01", "02"): {"chat/consumers.py", "mysite/settings.py"}, ("02", "03"): {"chat/consumers.py"}}


@pytest.mark.parametrize(("before", "after"), LESSONS, ids=lambda number: number)
def test_a_lesson_changes_only_its_own_files(before, after):
    changed = changed_files(find_step(before).folder, find_step(after).folder)
    assert changed <= ALLOWED[(before, after)], f"outside the lesson: {changed - ALLOWED[(before, after)]}"
    assert REQUIRED[(before, after)] <= changed


@pytest.mark.parametrize(("before", "after"), LESSONS, ids=lambda number: number)
def test_the_committed_patch_is_the_lesson_as_it_is_now(before, after):
    steps = find_step(before), find_step(after)
    assert patch_path(*steps).read_text() == lesson_diff(*steps), (
        f"{patch_path(*steps).name} is out of date: run `make diffs` and commit it"
    )


def test_the_async_lesson_diff_shows_only_the_consumer():
    diff = lesson_diff(find_step("02"), find_step("03"))
    touched = {line.split()[1] for line in diff.splitlines() if line.startswith("+++ ")}
    assert touched == {"steps/03_async/chat/consumers.py"}
