"""Loopback ports: is one free, and which one can we have."""

from __future__ import annotations

import itertools
import os
import random
import socket
import time
from pathlib import Path
from typing import Callable, Iterator

LOOPBACK = "127.0.0.1"
# Ports we pick for servers that cannot bind port 0 start here, below the range the OS hands out.
OWN_PORTS_FROM = 20000


def port_is_free(port: int, host: str = LOOPBACK) -> bool:
    """True when nothing listens on host:port, so a server could bind it now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As servers do: connections of a server that just stopped (TIME_WAIT) do not count.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = LOOPBACK) -> int:
    """A free port for a server that cannot bind port 0 itself (runserver, uvicorn, nginx, Redis).

    Between this answer and the server's bind, nothing else may take the port. So it comes from
    below the OS's own range, which the OS never hands out for port 0 or an outgoing connection,
    and, in a pytest-xdist worker, from that worker's slice of it, apart from every other worker's.
    One process never gets the same port twice running (a stack asks for two before binding any).
    """
    for port in itertools.islice(_NEXT_PORTS, len(_own_ports())):
        if port_is_free(port, host):
            return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:  # every one taken: the OS's
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _os_ports() -> range:
    """The ports the OS picks itself: Linux's ip_local_port_range, else IANA's dynamic range."""
    try:
        low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        return range(49152, 65536)  # macOS and Windows
    return range(low, high + 1)


def _own_ports() -> range:
    """Ours: OWN_PORTS_FROM up to the OS's range, sliced per xdist worker (PYTEST_XDIST_WORKER=gwN).

    A process started by a test inherits its worker's variables, and so its slice.
    """
    ours = range(OWN_PORTS_FROM, _os_ports().start)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "").removeprefix("gw")
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if worker.isdigit() and len(ours) >= 64 * workers:
        width = len(ours) // workers
        ours = range(ours.start + int(worker) * width, ours.start + (int(worker) + 1) * width)
    return ours


def _next_ports() -> Iterator[int]:
    """This process's ports in turn, from a random place in its range."""
    ours = _own_ports()
    if not ours:
        return
    start = random.randrange(len(ours))
    for offset in itertools.count():
        yield ours[(start + offset) % len(ours)]


_NEXT_PORTS = _next_ports()


def wait_until_listening(
    port: int, *, timeout: float, still_starting: Callable[[], bool], host: str = LOOPBACK
) -> None:
    """Block until host:port accepts a connection; give up if `still_starting()` turns False."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not still_starting():
            raise ConnectionError(f"the server exited before it listened on {host}:{port}")
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.02)
    raise TimeoutError(f"nothing listened on {host}:{port} within {timeout:.0f} s")
