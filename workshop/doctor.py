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

from workshop.catalogue import say
from workshop.locks import LAYERS, differences_from_lock, install_stamp, lock_file
from workshop.paths import VENV_DIR
from workshop.pythons import dotted, supported_pythons
from workshop.running.ports import port_is_free
from workshop.running.redis_server import LOCAL_REDIS_URL, find_server_binary

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
    tested = {"oldest": dotted(supported[0]), "newest": dotted(supported[-1])}
    if here < supported[0]:
        _say(
            PROBLEM,
            say("doctor.python_too_old", python=name, **tested),
        )
        return 1
    if here > supported[-1]:
        _say(NOTE, say("doctor.python_too_new", python=name, **tested))
    else:
        _say(OK, say("doctor.python_ok", python=name, **tested))
    if here < (3, 12):
        _say(NOTE, say("doctor.python_before_312"))
    if here < (3, 11):
        _say(NOTE, say("doctor.python_310_redis"))
    return 0


def diagnose() -> int:
    problems = 0
    print(say("doctor.heading") + "\n")

    problems += _check_python()

    installed_layers = [layer for layer in LAYERS if install_stamp(layer).exists()]
    if not (VENV_DIR / "bin" / "python").exists():
        problems += 1
        _say(PROBLEM, say("doctor.no_venv"))
    elif not installed_layers:
        problems += 1
        _say(PROBLEM, say("doctor.no_layers"))
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
                say("doctor.stale_layers", locks=", ".join(f"requirements/{layer}.txt" for layer in stale)),
            )
        else:
            _say(OK, say("doctor.layers_ok", installed=", ".join(installed_layers), order=" < ".join(LAYERS)))

    if _in_venv():
        differences = differences_from_lock()
        if differences:
            problems += 1
            _say(PROBLEM, say("doctor.differs_from_lock", differences="; ".join(differences)))
        else:
            _say(OK, say("doctor.matches_lock"))

    external = os.environ.get("REDIS_URL")
    local_answers = _raw_ping("127.0.0.1", 6379)
    binary = find_server_binary()
    if external:
        _say(NOTE, say("doctor.redis_url", url=external))
    if local_answers:
        _say(OK, say("doctor.local_redis", url=LOCAL_REDIS_URL))
    else:
        _say(NOTE, say("doctor.no_local_redis", url=LOCAL_REDIS_URL))
    if binary is not None:
        _say(OK, say("doctor.redis_binary", binary=binary))
    elif not _in_venv() and VENV_DIR.exists():
        _say(NOTE, say("doctor.redis_binary_after_setup"))
    else:
        problems += 1
        _say(PROBLEM, say("help.no_redis_server").replace("\n", "\n         "))

    if port_is_free(8000):
        _say(OK, say("doctor.port_free"))
    else:
        _say(NOTE, say("doctor.port_taken"))

    from workshop.running.browser import find_chromedriver, find_chromium, japanese_fonts

    chromium = find_chromium()
    if chromium is not None:
        _say(OK, say("doctor.chromium", chromium=chromium))
    else:
        _say(NOTE, say("doctor.no_chromium"))
    chromedriver = find_chromedriver()
    if chromedriver is not None:
        _say(OK, say("doctor.chromedriver", chromedriver=chromedriver))
    else:
        _say(NOTE, say("doctor.no_chromedriver"))

    fonts = japanese_fonts()
    if fonts:
        _say(OK, say("doctor.japanese_font", font=next((f for f in fonts if f.endswith(" JP")), fonts[0])))
    else:
        _say(NOTE, say("doctor.no_japanese_font"))

    from workshop.running.nginx import find_nginx

    nginx = find_nginx()
    if nginx is not None:
        _say(OK, say("doctor.nginx", nginx=nginx))
    else:
        _say(NOTE, say("doctor.no_nginx"))
        _say(NOTE, say("help.no_nginx").split("\n", 1)[1].replace("\n", "\n         "))

    if shutil.which("docker"):
        _say(NOTE, say("doctor.docker"))

    print()
    print(say("doctor.all_good") if problems == 0 else say("doctor.problems", count=problems))
    return 0 if problems == 0 else 1
