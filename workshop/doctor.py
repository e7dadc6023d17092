"""`make doctor`: checks what the workshop needs and says, in plain words, what to do about it.

Runs on the plain system Python too (before `make setup`), so it imports only the standard
library up front and treats every missing piece as something to report, not a crash.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import socket
import sys
from pathlib import Path

from workshop.running.ports import port_is_free
from workshop.running.redis_server import LOCAL_REDIS_URL, NO_SERVER_HELP, find_server_binary
from workshop.steps import REPO_ROOT

VENV = REPO_ROOT / ".venv"
REQUIREMENTS = REPO_ROOT / "requirements.txt"
INSTALLED_STAMP = VENV / ".installed"

OK, PROBLEM, NOTE = "ok  ", "FIX ", "note"


def _say(mark: str, text: str) -> None:
    print(f"  [{mark}] {text}")


def _applies_here(marker: str) -> bool | None:
    """Whether a requirement's environment marker holds here; None if we cannot tell."""
    try:
        from packaging.markers import Marker
    except ImportError:  # a bare interpreter, before `make setup`
        return None
    return Marker(marker).evaluate()


def _pinned_versions() -> dict[str, str]:
    """name -> version for each pin that applies to this Python and platform."""
    pins = {}
    for line in REQUIREMENTS.read_text().splitlines():
        requirement, _, marker = line.split("#", 1)[0].partition(";")
        if marker.strip() and not _applies_here(marker.strip()):
            continue
        if "==" in requirement:
            name, version = requirement.split("==", 1)
            pins[name.strip()] = version.strip()
    return pins


def _raw_ping(host: str, port: int) -> bool:
    """PING without redis-py, so this works before the venv exists."""
    try:
        with socket.create_connection((host, port), timeout=1.0) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def diagnose() -> int:
    problems = 0
    print("Workshop doctor: what `make run` and `make test` need.\n")

    version = sys.version_info
    if version >= (3, 10):
        _say(OK, f"Python {version.major}.{version.minor}.{version.micro} ({sys.executable})")
        if version < (3, 12):
            _say(
                NOTE,
                "fine for the workshop; in production prefer Python 3.12+: on 3.10 and 3.11 a closing "
                "RedisChannelLayer consumer can hang in its read and, rarely, drop a message "
                "(README, 'Delivery guarantees').",
            )
    else:
        problems += 1
        _say(
            PROBLEM,
            f"Python {version.major}.{version.minor} is too old: install 3.10 or newer, then `make run PYTHON=python3.12`.",
        )

    if not (VENV / "bin" / "python").exists():
        problems += 1
        _say(PROBLEM, "No virtual environment yet: `make setup` creates .venv and installs requirements.txt.")
    elif not INSTALLED_STAMP.exists() or INSTALLED_STAMP.stat().st_mtime < REQUIREMENTS.stat().st_mtime:
        problems += 1
        _say(PROBLEM, ".venv is older than requirements.txt: `make setup` brings it up to date.")
    else:
        _say(OK, ".venv is set up from requirements.txt")

    if _in_venv():
        wrong = []
        for name, pinned in _pinned_versions().items():
            try:
                installed = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                continue  # a package for another platform or Python (see the markers)
            if installed != pinned:
                wrong.append(f"{name} {installed} (pinned {pinned})")
        if wrong:
            problems += 1
            _say(
                PROBLEM,
                "Installed versions differ from the pins: " + ", ".join(wrong) + ". Run `make setup`.",
            )
        else:
            _say(OK, "installed packages match the pins in requirements.txt")

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
    elif not _in_venv() and VENV.exists():
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

    if shutil.which("docker"):
        _say(NOTE, "docker is installed: `docker compose up` is another way to run the steps.")

    print()
    print("All good." if problems == 0 else f"{problems} thing(s) to fix, above.")
    return 0 if problems == 0 else 1
