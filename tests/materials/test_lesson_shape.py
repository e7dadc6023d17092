"""Each lesson changes only its own files, and diffs/ shows exactly that lesson.

Files a lesson does not touch are byte-identical between steps, so a diff of two steps (`make
diff`, or `diff -ru -x 'README*' steps/01_echo steps/02_rooms`) shows only the lesson. What each
lesson may and must change is in steps/steps.toml.
"""

import pytest

from workshop.learning.diffs import changed_files, is_code, lesson_diff, patch_path
from workshop.paths import DIFFS_DIR
from workshop.steps import find_step, lessons

LESSONS = [pytest.param(before, after, id=f"{before.number}-{after.number}") for before, after in lessons()]


@pytest.mark.parametrize(("before", "after"), LESSONS)
def test_a_lesson_changes_only_its_own_files(before, after):
    changed = set(filter(is_code, changed_files(before.folder, after.folder)))
    assert changed <= after.may_change, f"outside the lesson: {sorted(changed - after.may_change)}"
    assert after.must_change <= changed, f"the lesson leaves out: {sorted(after.must_change - changed)}"


@pytest.mark.parametrize(("before", "after"), LESSONS)
def test_the_committed_patch_is_the_lesson_as_it_is_now(before, after):
    assert patch_path(before, after).exists() and patch_path(before, after).read_text() == lesson_diff(
        before, after
    ), f"{patch_path(before, after).name} is out of date: run `make diffs` and commit it"


def test_diffs_holds_one_patch_per_lesson_and_nothing_else():
    assert sorted(DIFFS_DIR.glob("*.patch")) == sorted(patch_path(*lesson) for lesson in lessons())


def test_the_async_lesson_diff_shows_only_the_consumer():
    diff = lesson_diff(find_step("02"), find_step("03"))
    touched = {line.split()[1] for line in diff.splitlines() if line.startswith("+++ ")}
    assert touched == {"steps/03_async/chat/consumers.py"}
