"""The commands behind the Makefile: `python -m workshop run|check|soak|lab|strip-notebooks|doctor`.

Only the standard library is imported up front, so `doctor` works before the venv exists.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
from types import FrameType

from .steps import REPO_ROOT, find_step

DEFAULT_PORT = 8000


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # the same clean shutdown as Ctrl-C


def run(step_name: str, port: int | None) -> int:
    """Serve one step with Redis until Ctrl-C, then stop both."""
    from .ports import port_is_free
    from .redis_server import workshop_redis
    from .step_server import start_step_server

    step = find_step(step_name)
    if port is None:
        port = DEFAULT_PORT if port_is_free(DEFAULT_PORT) else 0
        if port == 0:
            print(f"Port {DEFAULT_PORT} is taken; asking the OS for a free one.")
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        with workshop_redis(use_local=True) as redis:
            print(f"Redis: {redis.description}", flush=True)
            server = start_step_server(
                step,
                redis_url=redis.url,
                port=port,
                echo=lambda line: print(f"  daphne | {line}", flush=True),
            )
            try:
                print(
                    f"\n  Step {step.name} is serving at {server.http_url}/chat/\n"
                    f"  Open {server.room_page_url('lobby')} in two browser tabs and chat.\n"
                    "  Ctrl-C stops everything.\n",
                    flush=True,
                )
                code = server.process.wait()
                print(f"daphne exited with code {code}.")
                return code or 1
            finally:
                server.stop()
    except KeyboardInterrupt:
        print("\nStopped the server and Redis.", flush=True)
        return 0
    except (ConnectionError, FileNotFoundError) as error:
        print(f"Cannot start Redis: {error}", file=sys.stderr)
        return 1


def check(step_name: str, fast: bool, extra: list[str]) -> int:
    """Run one step's checks (pytest -m stepNN); `fast` keeps the behaviour checks over WebSockets
    and leaves out the silence wait, the browser and the notebook."""
    step = find_step(step_name)
    selection = f"step{step.number}" + (" and not (slow or browser or notebook)" if fast else "")
    command = [sys.executable, "-m", "pytest", "-m", selection, *extra]
    print(f"Checking {step.name}: {' '.join(command[1:])}", flush=True)
    return subprocess.call(command, cwd=REPO_ROOT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workshop", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="serve a step with Redis until Ctrl-C")
    run_parser.add_argument("--step", default="03")
    run_parser.add_argument(
        "--port", type=int, help=f"default {DEFAULT_PORT}, or a free port if that is taken"
    )
    check_parser = commands.add_parser("check", help="run one step's checks")
    check_parser.add_argument("--step", required=True)
    check_parser.add_argument(
        "--fast", action="store_true", help="leave out the silence check, the browser and the notebook"
    )
    commands.add_parser("soak", help="bigger loads on steps 02 and 03, printing figures")
    commands.add_parser("doctor", help="say what is missing or wrong, in plain words")
    commands.add_parser("lab", help="open JupyterLab on notebooks/ with this project's kernel")
    commands.add_parser("strip-notebooks", help="remove outputs from notebooks/ before committing")
    args, extra = parser.parse_known_args(argv)

    try:
        if args.command == "run":
            return run(args.step, args.port)
        if args.command == "check":
            return check(args.step, args.fast, extra)
        if args.command == "soak":
            from .soak import soak

            return soak()
        if args.command in ("lab", "strip-notebooks"):
            from .notebook_files import open_lab, strip_all

            return open_lab() if args.command == "lab" else strip_all()
        from .doctor import diagnose

        return diagnose()
    except LookupError as error:
        print(error, file=sys.stderr)
        return 2
