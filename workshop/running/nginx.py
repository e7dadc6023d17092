"""nginx from the system, in the foreground, with every file it writes in one temporary folder.

The server block is deploy/nginx/chat.conf.template, filled in as envsubst would; the main
configuration around it is ours: `daemon off;`, a pid file, temp paths and logs in that folder,
so a user's own nginx (and /etc/nginx, /var/log/nginx) are never touched.
"""

from __future__ import annotations

import os
import re
import shutil
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from workshop.catalogue import say
from workshop.paths import REPO_ROOT
from workshop.running.ports import LOOPBACK, free_port, wait_until_listening
from workshop.running.processes import LoggedProcess

SERVER_BLOCK = REPO_ROOT / "deploy" / "nginx" / "chat.conf.template"
STARTUP_TIMEOUT = 15.0

NGINX_HELP = say("help.no_nginx")  # workshop/catalogue: in the learner's language

MAIN_CONFIG = """\
# Written by workshop/running/nginx.py for one run; the server block is deploy/nginx/chat.conf.template.
daemon off;                 # a child of the toolkit, stopped with it
pid {folder}/nginx.pid;
error_log stderr warn;
worker_processes 1;
{user}
events {{
    worker_connections 4096;
}}

http {{
    access_log off;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    types {{
        text/html html;
        text/css css;
        text/plain txt;
        application/javascript js;
        image/png png;
        image/svg+xml svg;
    }}
    default_type application/octet-stream;
    include {folder}/chat.conf;
}}
"""


def find_nginx() -> Path | None:
    """NGINX when set (None if nothing is there), else nginx on PATH or in /usr/sbin."""
    if os.environ.get("NGINX"):
        given = Path(os.environ["NGINX"])
        return given if given.is_file() else None
    found = shutil.which("nginx") or next(
        (str(path) for path in (Path("/usr/sbin/nginx"), Path("/usr/local/sbin/nginx")) if path.is_file()),
        None,
    )
    return Path(found) if found else None


def render_server_block(values: Mapping[str, str]) -> str:
    """The template with its ${NAMES} filled in; nginx's own $variables are left alone."""
    template = SERVER_BLOCK.read_text()
    wanted = set(re.findall(r"\$\{(\w+)\}", template))
    if missing := wanted - set(values):
        raise KeyError(f"{SERVER_BLOCK.name} needs {', '.join(sorted(missing))}")
    return string.Template(template).safe_substitute({name: values[name] for name in wanted})


@dataclass
class Nginx:
    """A running nginx; stop() ends it."""

    port: int
    process: LoggedProcess

    def stop(self) -> None:
        self.process.stop()


def start_nginx(
    folder: Path, values: Mapping[str, str], *, port: int = 0, echo: Callable[[str], None] | None = None
) -> Nginx:
    """Start nginx in the foreground on loopback `port` (0: a free one) and wait until it accepts.

    `values` fill the server block but NGINX_LISTEN, which is ours. nginx prints nothing when it
    is ready, so the signal is the port accepting a connection while the process still runs.
    """
    binary = find_nginx()
    if binary is None:
        raise FileNotFoundError(NGINX_HELP)
    port = port or free_port()
    (folder / "chat.conf").write_text(render_server_block({**values, "NGINX_LISTEN": f"{LOOPBACK}:{port}"}))
    # Run by root, nginx's workers drop to an unprivileged user that could not read our folder.
    user = "user root;" if os.geteuid() == 0 else ""
    config = folder / "nginx.conf"
    config.write_text(MAIN_CONFIG.format(folder=folder, user=user))
    # -e and -p: no default error log or prefix under /var or /etc is even opened.
    command = [str(binary), "-c", str(config), "-p", str(folder), "-e", "stderr"]
    process = LoggedProcess(command, echo=echo, note=r"\[(emerg|alert|crit|error)\]")
    try:
        wait_until_listening(port, timeout=STARTUP_TIMEOUT, still_starting=lambda: process.returncode is None)
    except BaseException as error:
        process.stop()
        raise ConnectionError(f"nginx did not start: {error}\n{process.tail()}") from None
    return Nginx(port, process)
