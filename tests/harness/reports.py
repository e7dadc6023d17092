"""What a run tells a person besides pass and fail: a hint per failed check, figures it measured."""

from __future__ import annotations

from typing import Callable, Iterator

import pytest

from workshop.running.processes import ProcessFailedToStart

HINTS: list[tuple[str, str]] = []
FIGURES: list[str] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    """A failed check says, in one line of plain words, what to look at (its `hint` marker)."""
    report = yield
    if report.failed:
        marker = item.get_closest_marker("hint")
        if call.excinfo is not None and call.excinfo.errisinstance(ProcessFailedToStart):
            HINTS.append(
                (item.name, "the project did not start: read the server output above and fix what it says.")
            )
        elif marker is not None:
            HINTS.append((item.name, marker.args[0]))
            report.sections.append(("Hint", marker.args[0]))
    return report


@pytest.fixture
def report_figure(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Print a measured figure in the run's summary ("Figures"), whatever the test's outcome."""

    def report(line: str) -> None:
        FIGURES.append(f"{request.node.nodeid}\n    {line}")

    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if HINTS:
        terminalreporter.section("What to look at")
        for name, hint in dict(HINTS).items():
            terminalreporter.write_line(f"{name}:\n    {hint}")
    if FIGURES:
        terminalreporter.section("Figures measured by this run")
        for figure in FIGURES:
            terminalreporter.write_line(figure)
