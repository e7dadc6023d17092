"""The Pythons the workshop supports: pyproject.toml says so once, in its classifiers, and the
README, `make doctor`, noxfile.py and the CI matrix follow (tests/materials/test_pythons.py).

Standard library only, and no TOML parser: `make doctor` reads this on a bare Python 3.10.
"""

from __future__ import annotations

import re

from workshop.paths import REPO_ROOT

PYPROJECT = REPO_ROOT / "pyproject.toml"


def supported_pythons() -> list[tuple[int, int]]:
    """Every (major, minor) the checks run on, oldest first: the `Python :: 3.N` classifiers."""
    found = re.findall(r'"Programming Language :: Python :: (\d+)\.(\d+)"', PYPROJECT.read_text())
    return sorted((int(major), int(minor)) for major, minor in found)


def requires_python() -> str:
    """pyproject.toml's `requires-python`, such as ">=3.10"."""
    match = re.search(r'^requires-python = "([^"]+)"', PYPROJECT.read_text(), re.MULTILINE)
    return match.group(1) if match else ""


def dotted(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"
