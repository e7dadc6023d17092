"""Files a lesson does not touch are byte-identical between steps, so `diff -ru` shows only the lesson."""

from pathlib import Path

import pytest

from workshop.steps import find_step

# What each lesson is allowed to change (paths inside the step folder).
LESSONS = {
    ("01", "02"): {"chat/consumers.py", "mysite/settings.py", "README.md"},
    ("02", "03"): {"chat/consumers.py", "README.md"},
}


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file of a step by relative path, leaving out caches and a local database."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.name != "db.sqlite3"
    }


def changed_files(before: Path, after: Path) -> set[str]:
    old, new = files_of(before), files_of(after)
    return {path for path in old.keys() | new.keys() if old.get(path) != new.get(path)}


@pytest.mark.parametrize(("before", "after"), LESSONS, ids=lambda number: number)
def test_a_lesson_changes_only_its_own_files(before, after):
    assert changed_files(find_step(before).folder, find_step(after).folder) == LESSONS[(before, after)]
