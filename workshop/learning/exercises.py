"""Learner mode: do a step yourself in work/, check it, see where you stand.

    make exercise STEP=02    work/02_rooms/ starts as a copy of steps/01_echo, where the blog starts
    make check STEP=02       checks work/02_rooms/ (else the snapshot) with the step's black-box checks
    make status              pass or fail of each work/ copy, from its last check

steps/steps.toml says, per step, where the learner starts, what to edit, and which suites of
checks judge it. Each check carries its own hint (`@pytest.mark.hint`), printed when it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from workshop.catalogue import language, say
from workshop.learning.exercise_sheet import sheet_name, write_sheets
from workshop.learning.first_causes import first_causes
from workshop.paths import REPO_ROOT, WORK_DIR
from workshop.steps import NOT_PART_OF_A_PROJECT, Step, all_steps, find_step, suite

STATUS_FILE = ".check-status.json"
# Workers a learner's whole check runs in (pytest-xdist): the 21 s silence and the tutorial's
# browser tests go side by side, and two are as many as a dozen checks fill. `--fast` leaves both
# out, and runs in one process: a worker would cost more to start than it saves.
LEARNER_WORKERS = 2
# Copied to a work copy: the project, not its README (which describes the finished step).
LEFT_OUT = shutil.ignore_patterns(*NOT_PART_OF_A_PROJECT, "README*.md")


def work_copy(step: Step) -> Path:
    return WORK_DIR / step.name


def create_exercise(step_name: str, force: bool) -> int:
    """Copy the starting point into work/<step>; never over the learner's work unless forced."""
    step = find_step(step_name)
    target = work_copy(step)
    if target.exists() and not force:
        print(
            f"{target} already exists: your work is kept. `make exercise STEP={step.number} FORCE=1` starts over."
        )
        return 1
    shutil.rmtree(target, ignore_errors=True)
    source = find_step(step.starts_from)
    shutil.copytree(source.folder, target, ignore=LEFT_OUT)
    if step.starter is not None:
        shutil.copytree(step.starter, target, dirs_exist_ok=True, ignore=LEFT_OUT)
    write_sheets(step, target)
    shown = _shown(target)
    if step.has_lesson:
        print(f"Created {shown}, a copy of {source.folder.relative_to(REPO_ROOT)}.")
        print(f"The lesson, once done, as a diff: make diff STEP={step.number}")
    else:
        print(f"Created {shown} from the step {step.number} starter (look for the TODO).")
    print(f"What to do, and why: {_shown(target / sheet_name(language()))}")
    print(f"Start editing {step.edit}\nThen: make check STEP={step.number}")
    return 0


def check_project(
    step_name: str,
    project: str | None,
    fast: bool,
    extra: list[str],
    on_result: Callable[[bool, list[str]], None] | None = None,
) -> int | None:
    """Run the step's checks against `project`, or the learner's work copy; None: neither, check the snapshot.

    A learner reads a compact account first: the cause the code itself shows (no channel layer,
    say), then one line per failing check: what it did, what it saw, the hint. pytest's own
    output, tracebacks included, only with -v (`make check STEP=02 ARGS=-v`).
    """
    step = find_step(step_name)
    folder = Path(project).resolve() if project else work_copy(step)
    if not folder.exists():
        if project:
            print(say("check.no_project", folder=folder), file=sys.stderr)
            return 2
        return None
    verbose = any(argument in ("-v", "-vv", "--verbose") for argument in extra)
    with tempfile.TemporaryDirectory(prefix="workshop-check-") as scratch:
        report = Path(scratch) / "report.json"
        command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly"]
        command += ["-n", "0" if fast else str(LEARNER_WORKERS)]
        for name in step.suites:
            command += [*map(str, suite(name).checks), suite(name).option, str(folder)]
        command += [
            *(["-m", "not (slow or browser)"] if fast else []),
            "--learner-report",
            str(report),
            *extra,
        ]
        if not verbose:
            command += ["-q", "--tb=no", "-rN", "--no-header", "-p", "no:warnings"]
        print(
            say("check.checking", folder=_shown(folder), step=step.number, suites=", ".join(step.suites)),
            flush=True,
        )
        # A finished step answers in milliseconds; an unfinished one should not make each check wait 10 s.
        env = {**os.environ, "WORKSHOP_RECEIVE_TIMEOUT": os.environ.get("WORKSHOP_RECEIVE_TIMEOUT", "3")}
        run = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=not verbose, text=True)
        if not verbose and run.returncode not in (0, 1):  # pytest itself could not run: say why
            print(run.stdout[-3000:] + run.stderr[-2000:])
        account = json.loads(report.read_text()) if report.exists() else None
        print_account(account, folder, step)
    if on_result is not None:  # the class board: passed or not, and the failing checks' names
        failing = [record["check"].split("[")[0] for record in (account or {}).get("failed", [])]
        on_result(run.returncode == 0, list(dict.fromkeys(failing)))
    if not project or folder == work_copy(step):
        _record(step, run.returncode == 0)
    return run.returncode


def print_account(report: dict | None, folder: Path, step: Step) -> None:
    """The causes first, then one line per failing check, then how to see more."""
    if report is None:
        return
    failed = report["failed"]  # one record per check: the first phase that failed (tests/harness/reports.py)
    outcomes = report["outcomes"]
    causes = first_causes(folder, step)
    did_not_start = [record for record in failed if record.get("did_not_start")]
    if did_not_start:
        causes.insert(0, say("check.did_not_start", saw=did_not_start[0]["saw"]))
    if causes:
        print("\n" + say("check.first_heading"))
        for cause in causes:
            print(f"  - {cause}")
    others = [record for record in failed if not record.get("did_not_start")]
    if did_not_start:
        print("\n" + say("check.did_not_start_count", count=len(did_not_start)))
    if others:
        print("\n" + say("check.failing_heading"))
        for record in others:
            hint = "" if causes or not record["hint"] else say("check.hint", hint=record["hint"])
            print(say("check.failing", did=record["did"], saw=record["saw"]) + hint)
    total = sum(outcomes.values())
    if failed:
        print("\n" + say("check.failed_count", failed=len(failed), total=total, step=step.number))
    elif outcomes.get("skipped"):
        print(
            "\n"
            + say(
                "check.all_passed_some_skipped", passed=outcomes.get("passed", 0), skipped=outcomes["skipped"]
            )
        )
    else:
        print("\n" + say("check.all_passed", passed=outcomes.get("passed", 0)))


def _shown(folder: Path) -> str:
    """A folder as a learner types it: relative to the repository when inside it."""
    return str(folder.relative_to(REPO_ROOT)) if folder.is_relative_to(REPO_ROOT) else str(folder)


def _record(step: Step, passed: bool) -> None:
    path = WORK_DIR / STATUS_FILE
    status = json.loads(path.read_text()) if path.exists() else {}
    status[step.number] = {"passed": passed, "checked_at": time.time()}
    path.write_text(json.dumps(status, indent=1))


def _last_edit(folder: Path) -> float:
    return max((path.stat().st_mtime for path in folder.rglob("*.py")), default=0.0)


def show_status() -> int:
    """A table: each step, its work copy, and the result of its last check."""
    path = WORK_DIR / STATUS_FILE
    status = json.loads(path.read_text()) if path.exists() else {}
    print(f"{'step':<10} {'work copy':<20} {'last check':<12} since then")
    for step in all_steps():
        copy, record = work_copy(step), status.get(step.number)
        if not copy.exists():
            print(f"{step.name:<10} {'-':<20} {'-':<12} make exercise STEP={step.number} to start")
            continue
        where = _shown(copy)
        if record is None:
            print(f"{step.name:<10} {where:<20} {'not checked':<12} make check STEP={step.number}")
            continue
        result = "PASS" if record["passed"] else "FAIL"
        edited = "edited: check again" if _last_edit(copy) > record["checked_at"] else "unchanged"
        print(f"{step.name:<10} {where:<20} {result:<12} {edited}")
    return 0
