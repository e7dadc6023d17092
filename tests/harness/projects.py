"""Which project a check runs against, from steps/steps.toml.

A check takes `<suite>_project` (echo_project, rooms_project, ...): by default each snapshot whose
step names that suite, marked with the step's marker; with `--<suite>-project PATH`, that project
instead (a learner's copy, or step 01 to prove the room checks can fail). `any_project` is every
step.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from workshop.steps import Step, all_steps, all_suites, steps_with


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("workshop")
    for suite in all_suites().values():
        group.addoption(
            suite.option, help=f"check this Django project with the {suite.name} suite: {suite.covers}"
        )


def pytest_configure(config: pytest.Config) -> None:
    for step in all_steps():
        config.addinivalue_line("markers", f"{step.marker}: checks step {step.number} ({step.name})")


def _snapshots(steps: list[Step]) -> list:
    return [
        pytest.param(step.folder, id=step.name, marks=getattr(pytest.mark, step.marker)) for step in steps
    ]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    for suite in all_suites().values():
        if suite.fixture in metafunc.fixturenames:
            given = metafunc.config.getoption(suite.option)
            if given:
                folder = Path(given).resolve()
                params = [pytest.param(folder, id=folder.name)]
            else:
                params = _snapshots(steps_with(suite.name))
            metafunc.parametrize(suite.fixture, params, scope="session")
    if "any_project" in metafunc.fixturenames:
        metafunc.parametrize("any_project", _snapshots(all_steps()), scope="session")
