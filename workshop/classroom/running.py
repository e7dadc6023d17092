"""`make classroom`: the shared Redis and the board, as the toolkit's children, until Ctrl-C."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from workshop.classroom.shared_redis import ClassroomRedis, start_classroom_redis
from workshop.paths import REPO_ROOT
from workshop.running.processes import LoggedProcess, child_environment, python_command
from workshop.running.step_server import DAPHNE_OPTIONS, TROUBLE_PATTERN, StepServer, serving_where_it_says

BOARD_APPLICATION = "workshop.classroom.board.asgi:application"
DEFAULT_BOARD_PORT = 8765


@dataclass
class Classroom:
    """The shared Redis and the board; `url` is what learners pass as CLASSROOM."""

    address: str
    redis: ClassroomRedis
    board: StepServer

    @property
    def url(self) -> str:
        return f"http://{self.address}:{self.board.port}"

    def close(self) -> None:
        self.board.stop()
        self.redis.close()

    def __enter__(self) -> Classroom:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def start_board(
    address: str,
    redis: ClassroomRedis,
    database: Path,
    port: int = 0,
    echo: Callable[[str], None] | None = None,
) -> StepServer:
    """daphne serving the board on `address`, its channel layer on the shared Redis."""
    env = child_environment(
        DJANGO_SETTINGS_MODULE="workshop.classroom.board.settings",
        CLASSROOM_REDIS_URL=redis.admin_url,
        CLASSROOM_LEARNER_REDIS_URL=redis.learner_url,
        CLASSROOM_DB=str(database),
        CLASSROOM_HOSTS=",".join(dict.fromkeys([address, "127.0.0.1", "localhost"])),
    )
    command = python_command(
        "-m", "daphne", *DAPHNE_OPTIONS, "--bind", address, "--port", str(port), BOARD_APPLICATION
    )
    process = LoggedProcess(command, cwd=REPO_ROOT, env=env, echo=echo, note=TROUBLE_PATTERN)
    return serving_where_it_says(process, REPO_ROOT)


def start_classroom(
    address: str,
    folder: Path,
    board_port: int = 0,
    redis_port: int | None = None,
    echo: Callable[[str], None] | None = None,
) -> Classroom:
    """The shared Redis on `address`, then the board; results kept in `folder` across restarts."""
    folder.mkdir(parents=True, exist_ok=True)
    redis = start_classroom_redis(address, redis_port)
    try:
        board = start_board(address, redis, folder / "board.sqlite3", board_port, echo)
    except BaseException:
        redis.close()
        raise
    return Classroom(address, redis, board)


def machine_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback, for the instructor to pick from."""
    ip = shutil.which("ip")
    if ip is not None:
        listed = subprocess.run([ip, "-o", "-4", "addr", "show"], capture_output=True, text=True).stdout
        return [
            address
            for address in re.findall(r"inet (\d+\.\d+\.\d+\.\d+)", listed)
            if not address.startswith("127.")
        ]
    import socket

    found = {str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    return sorted(found - {"127.0.0.1"})
