"""The steps, as steps/steps.toml lists them: everything that names a step reads it from here."""

from __future__ import annotations

import functools
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workshop.catalogue import LANGUAGES
from workshop.paths import REPO_ROOT, STEPS_DIR

MANIFEST = STEPS_DIR / "steps.toml"
# Never part of a copy of a project: caches, and the databases it makes when it runs or is tested.
NOT_PART_OF_A_PROJECT = ("__pycache__", "*.sqlite3")


def copy_project(folder: Path, target: Path) -> Path:
    """A copy of a step's (or a learner's) project to change or run apart from the original."""
    shutil.copytree(folder, target, ignore=shutil.ignore_patterns(*NOT_PART_OF_A_PROJECT))
    return target


@dataclass(frozen=True)
class Suite:
    """What a step's checks cover; its fixture is `<name>_project`, its option `--<name>-project`."""

    name: str
    covers: str
    checks: tuple[Path, ...]  # the files `make check` runs against a learner's copy
    unit: tuple[str, ...]  # in-memory tests in tests/checks/communicator/

    @property
    def fixture(self) -> str:
        return f"{self.name}_project"

    @property
    def option(self) -> str:
        return f"--{self.name}-project"


@dataclass(frozen=True)
class Step:
    """One lesson snapshot: a complete Django project (manage.py, mysite/, chat/)."""

    folder: Path
    teaches: str = ""
    starts_from: str = ""  # folder name of the step a learner copies; this one's own for the first
    starter: Path | None = None  # files laid over that copy
    edit: str = ""
    may_change: frozenset[str] = frozenset()
    must_change: frozenset[str] = frozenset()
    notebook: Path | None = None
    suites: tuple[str, ...] = ()
    # The later step whose snapshot contains this one's lesson and runs, in `make test`, the checks
    # of its suites that load the machine (slow, floods, browser) in its place; "" for none.
    heavy_checks_on: str = ""
    # `teaches` and `edit` in other languages: {"ja": {"teaches": ..., "edit": ...}}
    translated: dict[str, dict[str, str]] = field(default_factory=dict, compare=False, hash=False)

    def __repr__(self) -> str:
        return f"Step({self.name!r})"

    def says(self, what: str, language: str) -> str:
        """Its `teaches` or `edit` in `language`, in English where the manifest has no translation."""
        return self.translated.get(language, {}).get(what, getattr(self, what))

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def number(self) -> str:
        return self.name.split("_", 1)[0]

    @property
    def marker(self) -> str:
        """The pytest marker its checks carry: `pytest -m step02`."""
        return f"step{self.number}"

    @property
    def has_lesson(self) -> bool:
        """Whether it changes a step before it (the first step starts from itself)."""
        return self.starts_from not in ("", self.name)


@dataclass(frozen=True)
class Topic:
    """A notebook beyond the steps, built on one step's snapshot, changing no lesson file."""

    name: str
    teaches: str
    builds_on: str
    notebook: Path

    @property
    def marker(self) -> str:
        return self.name


@functools.cache
def _topics() -> tuple[Topic, ...]:
    return tuple(
        Topic(entry["name"], entry["teaches"], entry["builds_on"], REPO_ROOT / entry["notebook"])
        for entry in _read_manifest().get("topics", ())
    )


def all_topics() -> list[Topic]:
    return list(_topics())


def topic_step(name: str) -> Step:
    """The step a topic builds on (steps.toml's builds_on): what `make production` serves, say."""
    return find_step(next(topic.builds_on for topic in _topics() if topic.name == name))


@functools.cache
def _read_manifest() -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # the same parser before it joined the standard library (serve layer, Python 3.10)
        import tomli as tomllib
    return tomllib.loads(MANIFEST.read_text(encoding="utf-8"))


@functools.cache
def _manifest() -> tuple[tuple[Step, ...], dict[str, Suite]]:
    data = _read_manifest()
    suites = {
        name: Suite(
            name, table["covers"], tuple(REPO_ROOT / path for path in table["checks"]), tuple(table["unit"])
        )
        for name, table in data["suites"].items()
    }
    steps = tuple(
        Step(
            folder=STEPS_DIR / entry["folder"],
            teaches=entry["teaches"],
            starts_from=entry["starts_from"],
            starter=REPO_ROOT / entry["starter"] if "starter" in entry else None,
            edit=entry["edit"],
            may_change=frozenset(entry.get("may_change", ())),
            must_change=frozenset(entry.get("must_change", ())),
            notebook=REPO_ROOT / entry["notebook"] if "notebook" in entry else None,
            suites=tuple(entry["suites"]),
            heavy_checks_on=entry.get("heavy_checks_on", ""),
            translated={language: entry[language] for language in LANGUAGES if language in entry},
        )
        for entry in data["steps"]
    )
    return steps, suites


def all_steps() -> list[Step]:
    return list(_manifest()[0])


def all_suites() -> dict[str, Suite]:
    return dict(_manifest()[1])


def suite(name: str) -> Suite:
    return _manifest()[1][name]


def steps_with(suite_name: str) -> list[Step]:
    """The steps whose checks include `suite_name`."""
    return [step for step in all_steps() if suite_name in step.suites]


def last_step() -> Step:
    return all_steps()[-1]


def find_step(wanted: str) -> Step:
    """The step called `wanted`: "3", "03" or "03_async"."""
    for step in all_steps():
        if wanted in (step.name, step.number) or (wanted.isdigit() and int(wanted) == int(step.number)):
            return step
    names = ", ".join(step.number for step in all_steps())
    raise LookupError(f"There is no step {wanted!r}; the steps are {names}.")


def lessons() -> list[tuple[Step, Step]]:
    """(before, after) for every step that changes another: the diffs the workshop teaches."""
    return [(find_step(step.starts_from), step) for step in all_steps() if step.has_lesson]
