"""Which project a check runs against, from steps/steps.toml.

A check takes `<suite>_project` (echo_project, rooms_project, ...): by default each snapshot whose
step names that suite, marked with the step's marker; with `--<suite>-project PATH`, that project
instead (a learner's copy, or step 01 to prove the room checks can fail). `any_project` is every
step.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workshop.paths import STEPS_DIR
from workshop.steps import Step, all_steps, all_suites, find_step, steps_with

# What steps/ held when the run started (bytecode caches aside), and what the run added to it.
FILES_AT_START: set[Path] = set()
WRITTEN_INTO_STEPS: list[Path] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("workshop")
    for suite in all_suites().values():
        group.addoption(
            suite.option, help=f"check this Django project with the {suite.name} suite: {suite.covers}"
        )


def files_in(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file() and "__pycache__" not in path.parts}


def pytest_sessionstart(session: pytest.Session) -> None:
    FILES_AT_START.update(files_in(STEPS_DIR))


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """In the controller (or a serial run), once every check has ended: the snapshots as they were."""
    if hasattr(session.config, "workerinput"):
        return
    WRITTEN_INTO_STEPS[:] = sorted(files_in(STEPS_DIR) - FILES_AT_START)
    if WRITTEN_INTO_STEPS:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if WRITTEN_INTO_STEPS:
        terminalreporter.section("Written into the lesson snapshots", red=True)
        for path in WRITTEN_INTO_STEPS:
            terminalreporter.write_line(
                f"{path.relative_to(STEPS_DIR.parent)}: a check that writes into a project must run on a copy"
            )


def pytest_configure(config: pytest.Config) -> None:
    for step in all_steps():
        config.addinivalue_line("markers", f"{step.marker}: checks step {step.number} ({step.name})")


def _snapshots(steps: list[Step]) -> list:
    return [
        pytest.param(step.folder, id=step.name, marks=getattr(pytest.mark, step.marker)) for step in steps
    ]


HEAVY_MARKERS = ("slow", "floods", "browser")


def _runs_here(step: Step, metafunc: pytest.Metafunc) -> bool:
    """Whether `make test` runs this check on `step`: a heavy check of a suite the later step named
    by `heavy_checks_on` shares runs there instead (steps/steps.toml), unless WORKSHOP_EVERY_STEP=1."""
    if not step.heavy_checks_on or os.environ.get("WORKSHOP_EVERY_STEP") == "1":
        return True
    heavy = any(metafunc.definition.get_closest_marker(name) for name in HEAVY_MARKERS)
    suites = {suite.name for suite in all_suites().values() if suite.fixture in metafunc.fixturenames}
    introduced = set(step.suites) - set(find_step(step.starts_from).suites)
    shared = suites <= set(find_step(step.heavy_checks_on).suites) and not suites & introduced
    return not (heavy and shared)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    for suite in all_suites().values():
        if suite.fixture in metafunc.fixturenames:
            given = metafunc.config.getoption(suite.option)
            if given:
                folder = Path(given).resolve()
                params = [pytest.param(folder, id=folder.name)]
            else:
                params = _snapshots([step for step in steps_with(suite.name) if _runs_here(step, metafunc)])
            metafunc.parametrize(suite.fixture, params, scope="session")
    if "any_project" in metafunc.fixturenames:
        metafunc.parametrize("any_project", _snapshots(all_steps()), scope="session")
