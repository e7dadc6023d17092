"""The lesson snapshots under steps/, found by number ("2", "02") or folder name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
STEPS_DIR = REPO_ROOT / "steps"


@dataclass(frozen=True)
class Step:
    """One lesson snapshot: a complete Django project (manage.py, mysite/, chat/)."""

    folder: Path

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def number(self) -> str:
        return self.name.split("_", 1)[0]


def all_steps() -> list[Step]:
    return [Step(folder) for folder in sorted(STEPS_DIR.iterdir()) if (folder / "manage.py").exists()]


def find_step(wanted: str) -> Step:
    """The step called `wanted`: "3", "03" or "03_async"."""
    for step in all_steps():
        if wanted in (step.name, step.number) or (wanted.isdigit() and int(wanted) == int(step.number)):
            return step
    names = ", ".join(step.number for step in all_steps())
    raise LookupError(f"There is no step {wanted!r}; the steps are {names}.")
