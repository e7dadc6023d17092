"""The lesson between two steps, as a diff of their code: `make diff FROM=01 TO=02`.

Only code is compared: each step's README.md describes its own step, so it always differs and is
left out, as are caches and a local database. diffs/NN_to_MM.patch holds the same text,
committed, so the lesson can be read on a web page too; a check keeps the files up to date.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from .steps import REPO_ROOT, Step, find_step

DIFFS_DIR = REPO_ROOT / "diffs"
LESSONS = (("01", "02"), ("02", "03"))
NOT_CODE = {"README.md", "db.sqlite3"}


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file of a project by relative path, leaving out caches and a local database."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and path.name != "db.sqlite3"
    }


def changed_files(before: Path, after: Path) -> set[str]:
    """Relative paths that differ between two projects, README included."""
    old, new = files_of(before), files_of(after)
    return {path for path in old.keys() | new.keys() if old.get(path) != new.get(path)}


def lesson_diff(before: Step, after: Step) -> str:
    """A unified diff of the code that changes from `before` to `after` (paths as in the repo)."""
    old, new = files_of(before.folder), files_of(after.folder)
    parts: list[str] = []
    for path in sorted((old.keys() | new.keys()) - NOT_CODE):
        if old.get(path) == new.get(path):
            continue
        parts += difflib.unified_diff(
            old.get(path, b"").decode().splitlines(keepends=True),
            new.get(path, b"").decode().splitlines(keepends=True),
            fromfile=f"steps/{before.name}/{path}",
            tofile=f"steps/{after.name}/{path}",
        )
    return "".join(parts)


def patch_path(before: Step, after: Step) -> Path:
    return DIFFS_DIR / f"{before.number}_to_{after.number}.patch"


def show_diff(from_step: str, to_step: str) -> int:
    print(lesson_diff(find_step(from_step), find_step(to_step)), end="")
    return 0


def write_patches() -> int:
    """Regenerate diffs/*.patch from the steps (after changing a step on purpose)."""
    DIFFS_DIR.mkdir(exist_ok=True)
    for before, after in (tuple(map(find_step, lesson)) for lesson in LESSONS):
        patch_path(before, after).write_text(lesson_diff(before, after))
        print(f"wrote {patch_path(before, after).relative_to(REPO_ROOT)}")
    return 0
