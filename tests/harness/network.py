"""Laptops on a classroom's network, for the checks: one network namespace per host, all on one
virtual switch (`ip netns` and veth pairs from Debian's iproute2; root only). Nothing here touches
the machine's own network: every address lives inside a namespace made here, removed at the end.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import subprocess
from dataclasses import dataclass
from typing import Iterator, Sequence

SWITCH = "switch"


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True, timeout=10)


def why_namespaces_cannot_be_made() -> str | None:
    """None when this machine lets us make network namespaces; else the reason, for the output."""
    if shutil.which("ip") is None:
        return "iproute2's `ip` is not installed"
    if os.geteuid() != 0:
        return "network namespaces need root"
    probe = f"cwprobe{os.getpid()}"
    try:
        _ip("netns", "add", probe)
    except subprocess.CalledProcessError as error:
        return f"`ip netns add` failed: {error.stderr.strip()}"
    _ip("netns", "del", probe)
    return None


@dataclass(frozen=True)
class Host:
    """One laptop: a namespace with one link to the switch, `address` on it."""

    name: str
    namespace: str
    address: str

    def command(self, *args: str) -> list[str]:
        """`args` run on this host: inside its namespace."""
        return ["ip", "netns", "exec", self.namespace, *args]

    def leave_the_network(self) -> None:
        """The laptop's Wi-Fi drops: its link goes down; nothing tells the others."""
        _ip("-n", self.namespace, "link", "set", "eth0", "down")


@contextlib.contextmanager
def classroom_network(names: Sequence[str]) -> Iterator[dict[str, Host]]:
    """Hosts named `names` on one switch, addresses in a random private /24; all removed at the end."""
    tag = f"cw{os.getpid()}"
    subnet = f"10.{random.randint(64, 250)}.{random.randint(0, 255)}"
    switch = f"{tag}-{SWITCH}"
    made: list[str] = []
    try:
        _ip("netns", "add", switch)
        made.append(switch)
        _ip("-n", switch, "link", "add", "br0", "type", "bridge")
        _ip("-n", switch, "link", "set", "br0", "up")
        hosts = {}
        for number, name in enumerate(names, start=1):
            host = Host(name, f"{tag}-{name}", f"{subnet}.{number}")
            _ip("netns", "add", host.namespace)
            made.append(host.namespace)
            port = f"port{number}"
            _ip(
                "link",
                "add",
                "eth0",
                "netns",
                host.namespace,
                "type",
                "veth",
                "peer",
                "name",
                port,
                "netns",
                switch,
            )
            _ip("-n", switch, "link", "set", port, "master", "br0")
            _ip("-n", switch, "link", "set", port, "up")
            _ip("-n", host.namespace, "addr", "add", f"{host.address}/24", "dev", "eth0")
            _ip("-n", host.namespace, "link", "set", "eth0", "up")
            _ip("-n", host.namespace, "link", "set", "lo", "up")
            hosts[name] = host
        yield hosts
    finally:
        for namespace in reversed(made):
            subprocess.run(["ip", "netns", "del", namespace], capture_output=True, timeout=10)
