"""The commands behind the Makefile: `python -m workshop run|production|check|classroom|exercise|status|diff|diffs|soak|failover|bench|profile|lab|strip-notebooks|bundle|doctor`.

Only the standard library is imported up front, so `doctor` works before the venv exists.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator

from workshop.catalogue import say
from workshop.paths import CHECKS_DIR, REPO_ROOT
from workshop.running.processes import stop_on_sigterm
from workshop.steps import all_steps, find_step, last_step

DEFAULT_PORT = 8000


def run(step_name: str | None, port: int | None, classroom: str | None = None) -> int:
    """Serve one step with Redis until Ctrl-C, then stop both; in a classroom, the learner's own
    copy on the classroom's shared Redis."""
    from workshop.running.accounts import workshop_users_line
    from workshop.running.ports import port_is_free
    from workshop.running.redis_server import workshop_redis
    from workshop.running.step_server import start_step_server

    step = find_step(step_name) if step_name else last_step()
    project: Path | None = None
    if classroom:
        from workshop.classroom.commands import learners_project
        from workshop.classroom.joining import classroom_redis_url

        step, project = learners_project(step_name)
        try:
            os.environ["REDIS_URL"] = classroom_redis_url(classroom)
        except (OSError, ValueError, KeyError) as error:
            print(f"Cannot reach the classroom at {classroom}: {error}", file=sys.stderr)
            return 1
    if port is None:
        port = DEFAULT_PORT if port_is_free(DEFAULT_PORT) else 0
        if port == 0:
            print(f"Port {DEFAULT_PORT} is taken; asking the OS for a free one.")
    stop_on_sigterm()
    try:
        with workshop_redis(use_local=True) as redis:
            print(f"Redis: {redis.description}", flush=True)
            server = start_step_server(
                project or step,
                redis_url=redis.url,
                port=port,
                echo=lambda line: print(f"  daphne | {line}", flush=True),
            )
            try:
                print(
                    f"\n  Step {step.name} ({project or 'the snapshot'}) is serving at {server.http_url}/chat/\n"
                    f"  Open {server.room_page_url('lobby')} in two browser tabs and chat.\n"
                    "  Ctrl-C stops everything.\n",
                    flush=True,
                )
                if server.accounts:
                    print(workshop_users_line(), flush=True)
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


@contextlib.contextmanager
def _production_redis(layout: str) -> Iterator[tuple[str, str, str | None]]:
    """Redis for `make production REDIS=...`: its description, a URL, and REDIS_HOSTS if several.

    one: as `make run` finds it; sentinel: a primary, a replica and three sentinels; shards:N:
    N servers (workshop/running/sentinel.py, shards.py), all embedded and stopped on exit."""
    from workshop.running.redis_server import workshop_redis
    from workshop.running.sentinel import ReplicatedRedis
    from workshop.running.shards import ShardedRedis

    if layout == "one":
        with workshop_redis(use_local=True) as redis:
            yield redis.description, redis.url, None
    elif layout == "sentinel":
        with ReplicatedRedis(["chat"]) as replicated:
            primary = replicated.primary("chat").url
            yield f"Sentinel: primary {primary}, a replica, three sentinels", primary, replicated.hosts
    elif layout.startswith("shards:") and layout[len("shards:") :].isdigit():
        with ShardedRedis(int(layout[len("shards:") :])) as shards:
            yield f"{len(shards.servers)} shards", shards.servers[0].url, shards.hosts
    else:
        raise LookupError(f"REDIS={layout!r}: choose one, sentinel or shards:N (docs/scaling-redis.md).")


def production(step_name: str | None, workers: int, redis_layout: str = "one") -> int:
    """Serve one step the production way (deploy/): nginx with TLS, `workers` daphne processes under
    supervisor, Redis (one, Sentinel or shards); until Ctrl-C, then stop them all."""
    from workshop.running.nginx import NGINX_HELP, find_nginx
    from workshop.running.production import start_production

    if find_nginx() is None:
        print(NGINX_HELP, file=sys.stderr)
        return 1
    from workshop.running.accounts import has_users, workshop_users_line
    from workshop.running.postgres import find_postgres_binaries

    step = find_step(step_name) if step_name else last_step()
    database_url = os.environ.get("DATABASE_URL") or None
    if has_users(step.folder) and database_url is None and find_postgres_binaries() is None:
        print(say("help.no_postgres"), file=sys.stderr)
        return 1
    stop_on_sigterm()
    try:
        with _production_redis(redis_layout) as (description, redis_url, redis_hosts):
            print(
                f"Redis: {description}" + (f"\nREDIS_HOSTS={redis_hosts}" if redis_hosts else ""), flush=True
            )
            with start_production(
                step, redis_url=redis_url, redis_hosts=redis_hosts, workers=workers, database_url=database_url,
                echo=lambda line: print(line, flush=True),
            ) as stack:  # fmt: skip
                if stack.accounts is not None:
                    where = "PostgreSQL, started for this run" if stack.postgres else "DATABASE_URL"
                    print(
                        f"\n  Database: {where} ({stack.database_url}).\n{workshop_users_line()}", flush=True
                    )
                print(
                    f"\n  Step {step.name} is serving at {stack.url}/chat/ through nginx (TLS) and "
                    f"{workers} daphne workers: {', '.join(stack.workers.pids())}.\n"
                    f"  Open {stack.room_page_url('lobby')} in two browser tabs and chat.\n"
                    "  The certificate was made just now for localhost by a throwaway authority, so the\n"
                    f"  browser warns once; accept it, or trust {stack.certificate.ca_path} while this runs.\n"
                    "  Ctrl-C stops everything.\n",
                    flush=True,
                )
                code = stack.workers.process.wait()
                print(f"supervisord exited with code {code}.")
                return code or 1
    except KeyboardInterrupt:
        print("\nStopped nginx, the workers, Redis and any PostgreSQL started for them.", flush=True)
        return 0
    except (ConnectionError, FileNotFoundError) as error:
        print(f"Cannot start: {error}", file=sys.stderr)
        return 1


def check(
    step_name: str,
    fast: bool,
    extra: list[str],
    project: str | None = None,
    classroom: str | None = None,
    name: str | None = None,
) -> int:
    """Check a learner's work/ copy or `project` with the step's suites of checks; without either,
    run every check of the snapshot (tests/checks/ -m stepNN). `fast` keeps the behaviour checks
    over WebSockets and leaves out the silence wait, faults and loads, and the browser."""
    from workshop.learning.exercises import check_project

    on_result = None
    if classroom:
        from workshop.classroom.commands import report_to_board

        def on_result(passed: bool, failing: list[str]) -> None:
            report_to_board(classroom, name, find_step(step_name), passed, failing)

    learner_result = check_project(step_name, project, fast, extra, on_result)
    if learner_result is not None:
        return learner_result
    if classroom:
        print(say("check.snapshot_not_reported"), flush=True)
    step = find_step(step_name)
    selection = step.marker + (" and not (slow or browser or floods)" if fast else "")
    command = [sys.executable, "-m", "pytest", "-n", "auto", str(CHECKS_DIR), "-m", selection, *extra]
    print(say("check.snapshot", step=step.name, command=" ".join(command[1:])), flush=True)
    # Every check on this step, also those `make test` runs on a later one (steps.toml: heavy_checks_on).
    return subprocess.call(command, cwd=REPO_ROOT, env={**os.environ, "WORKSHOP_EVERY_STEP": "1"})


def bench(quick: bool) -> int:
    """Run the benchmark against the workshop's Redis; print the table, write JSON and a plot."""
    from workshop.measuring.bench import run_bench
    from workshop.measuring.bench_report import report, write
    from workshop.running.redis_server import workshop_redis

    with workshop_redis(use_local=False) as redis:
        run = run_bench(redis.url, redis.description, quick=quick, echo=lambda line: print(line, flush=True))
    print("\n" + report(run))
    data, plot = write(run)
    print(f"\nWrote {data.relative_to(REPO_ROOT)} and {plot.relative_to(REPO_ROOT)}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workshop", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="serve a step with Redis until Ctrl-C")
    run_parser.add_argument("--step", help="default: the last step")
    run_parser.add_argument(
        "--port", type=int, help=f"default {DEFAULT_PORT}, or a free port if that is taken"
    )
    run_parser.add_argument(
        "--classroom", help="the class board's URL: serve your copy on the classroom's Redis"
    )
    production_parser = commands.add_parser(
        "production", help="serve a step behind nginx (TLS) with several daphne workers under supervisor"
    )
    production_parser.add_argument("--step", help="default: the last step")
    production_parser.add_argument("--workers", type=int, default=2, help="daphne processes (default 2)")
    production_parser.add_argument("--redis", default="one", help="one (default), sentinel, or shards:N")
    check_parser = commands.add_parser("check", help="run one step's checks")
    check_parser.add_argument("--step", help="default: the last step")
    check_parser.add_argument(
        "--fast", action="store_true", help="leave out the silence check, faults and loads, and the browser"
    )
    check_parser.add_argument(
        "--project", help="check this Django project instead (default: work/NN_name if it exists)"
    )
    check_parser.add_argument("--classroom", help="the class board's URL: report the result there")
    check_parser.add_argument("--name", help="your name on the class board (default: your login name)")
    classroom_parser = commands.add_parser(
        "classroom", help="the shared Redis and the class board, until Ctrl-C"
    )
    classroom_parser.add_argument("--address", help="the address learners reach this machine on")
    classroom_parser.add_argument("--port", type=int, help="the board's port (default 8765, or a free one)")
    classroom_parser.add_argument("--folder", help="where the board keeps results (default build/classroom)")
    exercise_parser = commands.add_parser("exercise", help="start a step yourself in work/")
    exercise_parser.add_argument("--step")
    exercise_parser.add_argument("--force", action="store_true", help="replace an existing work/ copy")
    commands.add_parser("status", help="pass or fail of each work/ copy")
    diff_parser = commands.add_parser("diff", help="the lesson between two steps, as a diff of their code")
    diff_parser.add_argument("--from", dest="from_step", help="default: the step the lesson starts from")
    diff_parser.add_argument("--to", dest="to_step", help="default: the last step")
    commands.add_parser("diffs", help="rewrite diffs/*.patch from the steps")
    commands.add_parser("soak", help="bigger loads on steps 02 and 03, printing figures")
    failover_parser = commands.add_parser("failover", help="Sentinel failovers under a chatting room, timed")
    failover_parser.add_argument("--runs", type=int, default=10)
    bench_parser = commands.add_parser("bench", help="throughput and latency of every step beside a baseline")
    bench_parser.add_argument("--quick", action="store_true", help="two small loads, under a minute")
    commands.add_parser("profile", help="where step 03 spends its time per delivery (py-spy)")
    commands.add_parser("doctor", help="say what is missing or wrong, in plain words")
    commands.add_parser("lab", help="open JupyterLab on notebooks/ with this project's kernel")
    commands.add_parser("strip-notebooks", help="remove outputs from notebooks/ before committing")
    translations_parser = commands.add_parser(
        "translations", help="which Japanese pages lag behind their English source; --done PATH stamps one"
    )
    translations_parser.add_argument(
        "--done", action="append", default=[], help="a Japanese page brought up to date"
    )
    bundle_parser = commands.add_parser(
        "bundle", help="one folder for USB sticks: every platform's wheels and the repository as a git bundle"
    )
    bundle_parser.add_argument("--out", help="default build/bundle")
    bundle_parser.add_argument("--platforms", default="", help="comma-separated, or here (default: all)")
    bundle_parser.add_argument("--pythons", default="", help="comma-separated, or here (default: all)")
    bundle_parser.add_argument("--layers", default="", help="comma-separated (default: serve, check, lab)")
    args, extra = parser.parse_known_args(argv)

    try:
        if args.command == "run":
            return run(args.step, args.port, args.classroom)
        if args.command == "classroom":
            from workshop.classroom.commands import serve_classroom

            return serve_classroom(args.address, args.port, Path(args.folder) if args.folder else None)
        if args.command == "production":
            return production(args.step, args.workers, args.redis)
        if args.command == "check":
            return check(
                args.step or last_step().name, args.fast, extra, args.project, args.classroom, args.name
            )
        if args.command in ("exercise", "status"):
            from workshop.learning.exercises import create_exercise, show_status

            if args.command == "status":
                return show_status()
            if args.step is None:
                numbers = ", ".join(step.number for step in all_steps())
                print(f"Which step? make exercise STEP=NN (the steps are {numbers})", file=sys.stderr)
                return 2
            return create_exercise(args.step, args.force)
        if args.command in ("diff", "diffs"):
            from workshop.learning.diffs import show_diff, write_patches

            if args.command == "diffs":
                return write_patches()
            return show_diff(args.from_step, args.to_step or last_step().name)
        if args.command == "bench":
            return bench(args.quick)
        if args.command == "profile":
            from workshop.measuring.profile import profile

            return profile()
        if args.command == "soak":
            from workshop.measuring.soak import soak

            return soak()
        if args.command == "failover":
            from workshop.measuring.failover import failover

            return failover(args.runs)
        if args.command in ("lab", "strip-notebooks"):
            from workshop.learning.notebooks import open_lab, strip_all

            return open_lab() if args.command == "lab" else strip_all()
        if args.command == "bundle":
            from workshop.bundling import bundle

            return bundle(args.out, args.platforms, args.pythons, args.layers)
        if args.command == "translations":
            from workshop.learning.translations import report

            return report(args.done)
        from workshop.doctor import diagnose

        return diagnose()
    except LookupError as error:
        print(error, file=sys.stderr)
        return 2
