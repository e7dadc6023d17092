"""A classroom across a real (virtual) network: the instructor and three learners as four hosts.

Each learner runs `make run CLASSROOM=...` on their own host (steps 02 and 03 mixed); every
server's channel layer reaches the instructor's shared Redis through the learners' ACL user, so
one member per laptop hears every other member's line exactly once. Then one laptop leaves the
Wi-Fi, and the others lose nothing. Hosts are network namespaces where this machine allows them;
elsewhere every host is this machine's loopback, said in the output.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from dataclasses import dataclass

import psutil
import pytest
from harness.network import classroom_network, why_namespaces_cannot_be_made

from workshop.paths import REPO_ROOT
from workshop.running.processes import LoggedProcess, child_environment

pytestmark = [pytest.mark.classroom, pytest.mark.live]

LEARNERS = {"laptop1": "02", "laptop2": "03", "laptop3": "02"}
MEMBER = str(REPO_ROOT / "tests" / "harness" / "member.py")
WAIT = 30.0  # only ever decides a failure


@dataclass(frozen=True)
class LoopbackHost:
    """Where namespaces cannot be made: every host is this machine, on 127.0.0.1."""

    name: str
    address: str = "127.0.0.1"

    def command(self, *args: str) -> list[str]:
        return list(args)


def stop_with_children(process: LoggedProcess) -> None:
    """SIGTERM (Ctrl-C's clean shutdown), then whatever it started that is still there."""
    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    process.stop(grace=20.0)
    for child in children:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()


@contextlib.contextmanager
def hosts():
    reason = why_namespaces_cannot_be_made()
    names = ["instructor", *LEARNERS]
    if reason is None:
        with classroom_network(names) as network:
            yield network, None
    else:
        yield {name: LoopbackHost(name) for name in names}, reason


def test_every_laptop_hears_every_other_once_and_a_laptop_leaving_costs_the_others_nothing(
    tmp_path, report_figure
):
    started: list[LoggedProcess] = []

    def start(host, *args: str, env: dict | None = None) -> LoggedProcess:
        process = LoggedProcess(host.command(*args), cwd=REPO_ROOT, env=env or child_environment())
        started.append(process)
        return process

    with hosts() as (network, loopback_because):
        if loopback_because:
            report_figure(f"classroom network: loopback only ({loopback_because})")
        try:
            instructor = network["instructor"]
            classroom = start(
                instructor, sys.executable, "-m", "workshop", "classroom",
                "--address", instructor.address, "--port", "0", "--folder", str(tmp_path / "board"),
            )  # fmt: skip
            url = classroom.wait_for_line(r"make run CLASSROOM=(\S+)", timeout=WAIT).group(1)

            learner_env = child_environment(
                WORKSHOP_WORK_DIR=str(tmp_path / "work")
            )  # no copies: the snapshots
            servers, members = {}, {}
            for name, step in LEARNERS.items():
                port = [] if not loopback_because else ["--port", "0"]
                servers[name] = start(
                    network[name], sys.executable, "-m", "workshop", "run", "--step", step, "--classroom", url, *port,
                    env=learner_env,
                )  # fmt: skip
            for name, server in servers.items():
                http = server.wait_for_line(r"is serving at (http://[\d.]+:\d+)/chat/", timeout=WAIT).group(1)
                room = http.replace("http://", "ws://") + "/ws/chat/lobby/"
                members[name] = start(
                    network[name], sys.executable, MEMBER, room, http, f"{name}: hi", f"{name}: still here"
                )
            for member in members.values():
                member.wait_for_line(r"^joined$", timeout=WAIT)

            for name, member in members.items():  # one at a time: each line reaches all three
                os.kill(member.pid, signal.SIGUSR1)
                for listener in members.values():
                    listener.wait_for_line(rf"^heard: {name}: hi$", timeout=WAIT)
            for listener_name, listener in members.items():
                heard = [line for line in listener.tail(200).splitlines() if line.startswith("heard: ")]
                assert sorted(heard) == sorted(f"heard: {name}: hi" for name in LEARNERS), listener_name

            leaving, staying = "laptop3", ["laptop1", "laptop2"]
            if loopback_because:
                stop_with_children(servers[leaving])  # the laptop is gone, with its server
            else:
                network[leaving].leave_the_network()
            left_at = time.monotonic()
            for name in staying:
                os.kill(members[name].pid, signal.SIGUSR1)
                for listener in staying:
                    members[listener].wait_for_line(rf"^heard: {name}: still here$", timeout=WAIT)
            report_figure(
                f"after {leaving} left the network, the other two laptops chatted on: both lines to both members "
                f"in {time.monotonic() - left_at:.2f} s"
            )
            for listener in staying:
                heard = [
                    line for line in members[listener].tail(200).splitlines() if line.startswith("heard: ")
                ]
                assert sorted(heard) == sorted(
                    [f"heard: {n}: hi" for n in LEARNERS] + [f"heard: {n}: still here" for n in staying]
                )
        finally:
            for process in reversed(started):
                stop_with_children(process)
