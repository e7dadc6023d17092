"""The lesson between two steps, as a diff of their code: `make diff STEP=02` (or FROM=01 TO=02).

Only code is compared: each step's READMEs describe their own step, so they always differ and are
left out, as are caches and a local database. diffs/NN_to_MM.patch holds the same text for each
lesson of steps/steps.toml, committed, so it can be read on a web page too; a check keeps them
up to date.
"""

from __future__ import annotations

import difflib
import fnmatch
from pathlib import Path

from workshop.paths import DIFFS_DIR, REPO_ROOT
from workshop.steps import Step, find_step, lessons

NOT_CODE = ("README*.md",)  # a step's own description, in any language


def is_code(path: str) -> bool:
    return not any(fnmatch.fnmatch(path, pattern) for pattern in NOT_CODE)


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
    for path in sorted(filter(is_code, old.keys() | new.keys())):
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


def show_diff(from_step: str | None, to_step: str) -> int:
    """The diff from `from_step` to `to_step`; without `from_step`, the lesson of `to_step`."""
    after = find_step(to_step)
    if from_step is None and not after.has_lesson:
        print(f"Step {after.number} is where the workshop starts: it has no lesson diff.")
        return 0
    print(lesson_diff(find_step(from_step or after.starts_from), after), end="")
    return 0


def write_patches() -> int:
    """Regenerate diffs/*.patch from the steps (after changing a step on purpose)."""
    DIFFS_DIR.mkdir(exist_ok=True)
    wanted = {patch_path(before, after) for before, after in lessons()}
    for stale in set(DIFFS_DIR.glob("*.patch")) - wanted:
        stale.unlink()
        print(f"removed {stale.relative_to(REPO_ROOT)}: no such lesson in steps/steps.toml")
    for before, after in lessons():
        patch_path(before, after).write_text(lesson_diff(before, after))
        print(f"wrote {patch_path(before, after).relative_to(REPO_ROOT)}")
    return 0
