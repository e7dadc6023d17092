"""PostgreSQL from the system, in the foreground, with its data in one temporary folder.

    with start_postgres() as database:
        database.url           # postgres://workshop@127.0.0.1:PORT/chat, for DATABASE_URL

Why a server at all: several daphne workers writing one SQLite file take turns at its write lock,
and a turn that waits past SQLite's timeout fails ("database is locked"). Why Debian's binaries
(package postgresql): the same server a machine's own service would run, maintained by the
distribution and on every Debian and Ubuntu; the PyPI packages that ship one are single-maintainer
builds for fewer platforms. They run here as our child, like nginx: `initdb` into the folder,
`postgres` on a free loopback port with its socket in the folder, trust auth for loopback only,
stopped and removed with the run. The machine's own PostgreSQL, if any, is never touched.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from workshop.catalogue import say
from workshop.running.ports import LOOPBACK, free_port
from workshop.running.processes import LoggedProcess

STARTUP_TIMEOUT = 30.0
DATABASE = "chat"
ROLE = "workshop"
READY = r"database system is ready to accept connections"
# PostgreSQL will not run as root; run by root, it runs as the user Debian's package made for it.
SERVICE_USER = "postgres"


def find_postgres_binaries() -> Path | None:
    """POSTGRES_BIN when set; else the newest /usr/lib/postgresql/*/bin (Debian's), else the folder
    of `postgres` on PATH (Homebrew's): the first that holds initdb, postgres and createdb."""
    if os.environ.get("POSTGRES_BIN"):
        candidates = [Path(os.environ["POSTGRES_BIN"])]
    else:
        debian = sorted(
            Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: _version(path.parent.name)
        )
        on_path = shutil.which("postgres")
        candidates = [*reversed(debian), *([Path(on_path).parent] if on_path else [])]
    return next((folder for folder in candidates if all((folder / tool).is_file() for tool in TOOLS)), None)


TOOLS = ("initdb", "postgres", "createdb")


def _version(name: str) -> int:
    return int(name) if name.isdigit() else 0


@dataclass
class Postgres:
    """A running PostgreSQL with one database, `chat`, owned by `workshop`; stop() ends it and its files."""

    port: int
    folder: Path
    process: LoggedProcess

    @property
    def url(self) -> str:
        return f"postgres://{ROLE}@{LOOPBACK}:{self.port}/{DATABASE}"

    def stop(self) -> None:
        self.process.stop(grace=10.0)  # SIGTERM: PostgreSQL's "smart" shutdown, then its children go
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Postgres:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_postgres(*, echo: Callable[[str], None] | None = None) -> Postgres:
    """initdb into a new temporary folder, start postgres on a free loopback port, create `chat`."""
    binaries = find_postgres_binaries()
    if binaries is None:
        raise FileNotFoundError(say("help.no_postgres"))
    folder = Path(tempfile.mkdtemp(prefix="workshop-postgres-"))
    user = SERVICE_USER if os.geteuid() == 0 else None
    if user:
        account = pwd.getpwnam(user)
        os.chown(folder, account.pw_uid, account.pw_gid)
    try:
        _run_as(
            user,
            [
                binaries / "initdb",
                "-D",
                folder / "data",
                "-U",
                ROLE,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        )
        port = free_port()
        process = LoggedProcess(
            # -k: its Unix socket in our folder, not /var/run/postgresql; -h: loopback only.
            [
                str(binaries / "postgres"),
                "-D",
                str(folder / "data"),
                "-k",
                str(folder),
                "-h",
                LOOPBACK,
                "-p",
                str(port),
            ],
            echo=echo,
            note=r"(FATAL|PANIC|ERROR):",
            user=user,
        )
        try:
            process.wait_for_line(READY, timeout=STARTUP_TIMEOUT)
            _run_as(user, [binaries / "createdb", "-h", LOOPBACK, "-p", str(port), "-U", ROLE, DATABASE])
        except BaseException as error:
            process.stop()
            raise ConnectionError(f"PostgreSQL did not start: {error}\n{process.tail()}") from None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Postgres(port, folder, process)


def _run_as(user: str | None, command: list[str | Path]) -> None:
    done = subprocess.run(
        [str(part) for part in command], user=user, group=user, capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} failed: {done.stdout}{done.stderr}")
