"""What a run tells a person besides pass and fail: a hint per failed check, figures it measured."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable, Iterator

import pytest

from workshop.catalogue import hint as hint_for
from workshop.catalogue import say
from workshop.running.processes import ProcessFailedToStart

HINTS: list[tuple[str, str]] = []
FIGURES: list[str] = []
# For `make check` (--learner-report FILE): each failed check, what it did, what it saw, its hint.
FAILED: list[dict[str, object]] = []
OUTCOMES_BY_CHECK: dict[str, str] = {}
SEVERITY = ["passed", "skipped", "failed"]
# A check runs where xdist puts it, a worker; the run's summary is written by the controller. What
# a worker learns travels on the check's reports as user properties under these keys, and every
# record below is taken from the reports (pytest_runtest_logreport), in a worker run or a serial one.
FAILURE_PROPERTY = "workshop.failure"
FIGURE_PROPERTY = "workshop.figure"
# The checks in the order they were collected, for a learner's account in a stable order.
COLLECTED: list[str] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("workshop").addoption(
        "--learner-report", help="write the failed checks, one record each, to this JSON file (make check)"
    )


def _what_it_did(item: pytest.Item) -> str:
    """The check's name, which is written as the behaviour it specifies."""
    return item.name.split("[")[0].removeprefix("test_").replace("_", " ")


def _what_it_saw(excinfo: pytest.ExceptionInfo[BaseException]) -> str:
    """One line: the assertion's own words, or for a server that did not start, its error line."""
    text = str(excinfo.value).strip()
    if excinfo.errisinstance(ProcessFailedToStart):
        lines = text.splitlines()
        errors = [n for n, line in enumerate(lines) if re.match(r"\s*\w*(Error|Exception)\b", line)]
        if errors:
            # Python's last error line, with the file and line it names ("File ..., line 3").
            where = [line.strip() for line in lines[: errors[-1]] if line.strip().startswith('File "')]
            text = (f"{where[-1]}: " if where else "") + lines[errors[-1]].strip()
    first = text.splitlines()[0] if text else excinfo.typename
    return first if len(first) <= 200 else first[:197] + "..."


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    """A failed check says, in one line of plain words, what to look at (its hint in workshop/catalogue)."""
    report = yield
    if report.failed:
        hint = hint_for(item.name.split("[")[0])  # workshop/catalogue: in the learner's language
        did_not_start = call.excinfo is not None and call.excinfo.errisinstance(ProcessFailedToStart)
        if did_not_start:
            hint = say("check.did_not_start_hint")
        elif hint:
            report.sections.append(("Hint", hint))
        saw = _what_it_saw(call.excinfo) if call.excinfo is not None else "it failed"
        record = {
            "check": item.name,
            "did": _what_it_did(item),
            "saw": saw,
            "hint": hint,
            "did_not_start": did_not_start,
        }
        report.user_properties.append((FAILURE_PROPERTY, record))
    return report


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Each phase's report, where the run's summary is written: outcomes, hints, figures."""
    outcome = "failed" if report.failed else "skipped" if report.skipped else "passed"
    if report.when == "call" or outcome != "passed":
        # A check's outcome is its worst phase's: a failed teardown fails a passed call.
        worst = max(OUTCOMES_BY_CHECK.get(report.nodeid, "passed"), outcome, key=SEVERITY.index)
        OUTCOMES_BY_CHECK[report.nodeid] = worst
    for key, value in report.user_properties:
        if key == FAILURE_PROPERTY and not any(record["check"] == value["check"] for record in FAILED):
            # The first phase to fail says why; a teardown failing after it is its consequence.
            FAILED.append({**value, "nodeid": report.nodeid})
            if value["did_not_start"]:
                HINTS.append((value["check"], say("check.did_not_start_verbose")))
            elif value["hint"]:
                HINTS.append((value["check"], value["hint"]))
        elif key == FIGURE_PROPERTY and report.when == "teardown":  # the last report holds them all
            FIGURES.append(f"{report.nodeid}\n    {value}")


def pytest_collection_finish(session: pytest.Session) -> None:
    COLLECTED[:] = [item.nodeid for item in session.items]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node: object, ids: list[str]) -> None:
    """In xdist's controller, which collects nothing itself: the workers' collection (all the same)."""
    COLLECTED[:] = ids


def pytest_sessionfinish(session: pytest.Session) -> None:
    path = session.config.getoption("learner_report", None)
    if path and not hasattr(session.config, "workerinput"):  # the controller's, or a serial run's
        counts = {outcome: list(OUTCOMES_BY_CHECK.values()).count(outcome) for outcome in SEVERITY}
        order = {nodeid: index for index, nodeid in enumerate(COLLECTED)}
        failed = sorted(FAILED, key=lambda record: order.get(str(record["nodeid"]), len(order)))
        Path(path).write_text(json.dumps({"failed": failed, "outcomes": counts}, indent=1))


@pytest.fixture
def report_figure(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Print a measured figure in the run's summary ("Figures"), whatever the test's outcome."""

    def report(line: str) -> None:
        request.node.user_properties.append((FIGURE_PROPERTY, line))

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
