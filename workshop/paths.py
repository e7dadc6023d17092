"""Where things are in the repository: one place for each folder the toolkit reads or writes."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
STEPS_DIR = REPO_ROOT / "steps"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
JAPANESE_NOTEBOOKS_DIR = NOTEBOOKS_DIR / "ja"  # the same notebooks, prose in Japanese
DIFFS_DIR = REPO_ROOT / "diffs"
BUILD_DIR = REPO_ROOT / "build"
REQUIREMENTS_DIR = REPO_ROOT / "requirements"
VENV_DIR = REPO_ROOT / ".venv"
CHECKS_DIR = REPO_ROOT / "tests" / "checks"  # what `make check` runs on a step
# The learner's own copies of the steps (make exercise); git-ignored. Tests point it elsewhere.
WORK_DIR = Path(os.environ.get("WORKSHOP_WORK_DIR", REPO_ROOT / "work"))
