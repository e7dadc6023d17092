"""The locked installs: requirements/<layer>.in holds the pins a person edits, <layer>.txt the lock
`make lock` generates from it (uv pip compile --universal: every transitive package, its hashes,
and environment markers where Python versions need different releases).

Each layer includes the one before: serve (make run), check (make check), lab (make lab), dev
(make setup, make test). Standard library only, but for `packaging` to read markers, which pip
itself carries when nothing else does, so `make doctor` can use this before `make setup`.
"""

from __future__ import annotations

import importlib.metadata
import re
from dataclasses import dataclass
from pathlib import Path

from workshop.paths import REQUIREMENTS_DIR, VENV_DIR

LAYERS = ("serve", "check", "lab", "dev")
# What every venv starts with, and `pip freeze` leaves out unless a lock pins it.
BOOTSTRAP = {"pip", "setuptools", "wheel", "distribute"}


@dataclass(frozen=True)
class Pin:
    name: str  # normalised: lower case, runs of "-", "_", "." as one "-"
    version: str
    marker: str  # "" when it applies everywhere
    via: tuple[str, ...] = ()  # what asks for it, as the lock's "# via" lines say


def lock_file(layer: str) -> Path:
    return REQUIREMENTS_DIR / f"{layer}.txt"


def install_stamp(layer: str) -> Path:
    """The file the Makefile touches once a layer is installed ($(VENV)/.installed-<layer>)."""
    return VENV_DIR / f".installed-{layer}"


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement(line: str) -> tuple[str, str, str] | None:
    """(name, version, marker) of a `name==version ; marker` line, or None for anything else."""
    match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#\\]+)\s*(?:;([^#\\]*))?", line)
    if match is None:
        return None
    return normalise(match.group(1)), match.group(2), (match.group(3) or "").strip()


def read_in(layer: str) -> list[Pin]:
    """The pins a layer's .in file adds itself (not those of the layer it includes)."""
    pins = []
    for line in (REQUIREMENTS_DIR / f"{layer}.in").read_text().splitlines():
        found = _requirement(line)
        if found:
            pins.append(Pin(*found))
    return pins


def read_lock(layer: str, folder: Path = REQUIREMENTS_DIR) -> list[Pin]:
    """Every pin of a layer's lock, with the `# via` annotations uv writes under it."""
    pins: list[Pin] = []
    current: tuple[str, str, str] | None = None
    via: list[str] = []
    for line in (folder / f"{layer}.txt").read_text().splitlines():
        found = _requirement(line)
        if found:
            if current:
                pins.append(Pin(*current, tuple(via)))
            current, via = found, []
        elif line.strip().startswith("#") and current and not line.strip().startswith("# via"):
            via.append(line.strip().lstrip("#").strip())
        elif line.strip().startswith("# via ") and current:
            via.append(line.strip().removeprefix("# via ").strip())
    if current:
        pins.append(Pin(*current, tuple(via)))
    return pins


def applies(marker: str, environment: dict[str, str] | None = None) -> bool:
    """Whether a PEP 508 marker holds here, or in `environment` (keys as packaging names them)."""
    if not marker:
        return True
    try:
        from packaging.markers import Marker
    except ImportError:  # a bare interpreter: pip carries its own copy
        from pip._vendor.packaging.markers import Marker  # type: ignore[no-redef,assignment]
    return bool(Marker(marker).evaluate(environment))  # type: ignore[arg-type]


def pinned(pins: list[Pin], environment: dict[str, str] | None = None) -> dict[str, str]:
    """name -> version of the pins whose markers hold here (or in `environment`)."""
    return {pin.name: pin.version for pin in pins if applies(pin.marker, environment)}


def installed() -> dict[str, str]:
    """name -> version of every distribution this interpreter sees."""
    return {normalise(dist.metadata["Name"]): dist.version for dist in importlib.metadata.distributions()}


def differences_from_lock(layer: str = "dev") -> list[str]:
    """What this environment holds that `layer`'s lock does not pin, or pins at another version."""
    locked = pinned(read_lock(layer))
    problems = []
    for name, version in sorted(installed().items()):
        if name not in locked:
            if name not in BOOTSTRAP:
                problems.append(f"{name} {version} (not in requirements/{layer}.txt)")
        elif locked[name] != version:
            problems.append(f"{name} {version} (locked: {locked[name]})")
    return problems
