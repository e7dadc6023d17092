"""The classroom's commands: `make classroom` for the instructor; CLASSROOM= for `make run` and `make check`."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from workshop.classroom.joining import send_report
from workshop.classroom.running import DEFAULT_BOARD_PORT, machine_addresses, start_classroom
from workshop.paths import REPO_ROOT
from workshop.running.ports import port_is_free
from workshop.running.processes import stop_on_sigterm
from workshop.steps import Step, all_steps, find_step

CLASSROOM_FOLDER = REPO_ROOT / "build" / "classroom"  # the board's results, kept across restarts


def serve_classroom(address: str | None, board_port: int | None, folder: Path | None = None) -> int:
    """Start the shared Redis and the board on `address` and print the learners' line; until Ctrl-C."""
    if not address:
        addresses = machine_addresses()
        print("Which address do the learners' laptops reach this machine on? Run one of:")
        for found in addresses or ["<this machine's address on the room's network>"]:
            print(f"  make classroom ADDRESS={found}")
        return 2
    if board_port is None:
        board_port = DEFAULT_BOARD_PORT if port_is_free(DEFAULT_BOARD_PORT) else 0
    folder = folder or CLASSROOM_FOLDER
    stop_on_sigterm()
    try:
        with start_classroom(
            address, folder, board_port, echo=lambda line: print(f"  board | {line}", flush=True)
        ) as room:
            print(
                f"\n  The class board: {room.url}/  (open it on the projector)\n"
                f"  The shared Redis: {address}:{room.redis.server.port} (learners get their own user from the board)\n\n"
                "  Learners run:\n"
                f"    make run CLASSROOM={room.url}\n"
                f"    make check STEP=NN CLASSROOM={room.url} NAME=<your name>\n\n"
                f"  Results are kept in {folder}. Ctrl-C stops the board and Redis.\n",
                flush=True,
            )
            code = room.board.process.wait()
            print(f"The board exited with code {code}.", file=sys.stderr)
            return code or 1
    except KeyboardInterrupt:
        print("\nStopped the board and the shared Redis.", flush=True)
        return 0


def learners_project(step_name: str | None) -> tuple[Step, Path | None]:
    """What `make run CLASSROOM=...` serves: the learner's work/ copy of STEP (or of their newest
    step when STEP is not given) when it exists; else the snapshot (None)."""
    from workshop.learning.exercises import work_copy

    if step_name:
        step = find_step(step_name)
        return step, work_copy(step) if work_copy(step).exists() else None
    started = [step for step in all_steps() if work_copy(step).exists()]
    if started:
        return started[-1], work_copy(started[-1])
    return all_steps()[-1], None


def report_to_board(classroom: str, name: str | None, step: Step, passed: bool, failing: list[str]) -> None:
    """Send one check's result to the board and say what happened (a refusal never fails the check)."""
    name = name or getpass.getuser()
    accepted, said = send_report(classroom, name, step.number, passed, failing)
    if accepted:
        print(
            f"\nReported to the class board as {said}: step {step.number} {'passed' if passed else 'failed'}."
        )
    else:
        print(f"\nThe class board did not take the report: {said}", file=sys.stderr)
