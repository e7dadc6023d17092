"""Loopback ports: is one free, and which one can we have."""

from __future__ import annotations

import socket
import time
from typing import Callable

LOOPBACK = "127.0.0.1"


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
    """A port the OS says is free right now (for servers that cannot bind port 0 themselves)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


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
