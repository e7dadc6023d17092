"""`make failover`: the Sentinel failover, many times over, printing how long the chat was down.

Each run: two server processes of the last step on a Sentinel-watched primary (the toolkit's
ReplicatedRedis), six members saying a line every 150 ms, the primary killed with SIGKILL, and
back as a replica afterwards. Figures, not a pass or fail: the checks assert the bound
(tests/scaling_redis/test_sentinel.py).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass

from workshop.measuring.paced_room import PacedRoom
from workshop.protocol import unique_room_name
from workshop.running.sentinel import ReplicatedRedis
from workshop.running.step_server import StepServer, start_step_server
from workshop.steps import topic_step

MEMBERS = [f"m{number}" for number in range(6)]
NAME = "chat"


@dataclass(frozen=True)
class Failover:
    promoted: float  # seconds from the kill until the first sentinel switched to the replica
    resumed: float  # seconds from the kill until a line reached every member again
    lost: int  # deliveries a connected member missed (a gap in a sender's numbers)
    never_heard: int  # lines said into sockets that were closing
    duplicates: int


async def one_failover(replicated: ReplicatedRedis, servers: list[StepServer]) -> Failover:
    async with PacedRoom(servers, unique_room_name("failover"), MEMBERS) as chat:
        await chat.until_everyone_heard_everyone()
        marks, killed_at, killed_wall = replicated.log_marks(), time.monotonic(), time.time()
        old_primary = replicated.kill_primary(NAME)
        promoted = await asyncio.to_thread(replicated.wait_for_promotion, NAME, marks)
        await chat.until_all_back(after=killed_at, timeout=30)
        await chat.until_everyone_heard_everyone()
    replicated.restart_as_replica(old_primary, NAME)
    resumed = chat.heard_by_everyone_after(killed_at)
    summary = chat.summary()
    return Failover(
        promoted - killed_wall,
        resumed or float("nan"),
        summary["missed"],
        summary["never_heard"],
        summary["duplicates"],
    )


def failover(runs: int = 10) -> int:
    """Run `runs` failovers and print each, then min / median / max."""
    step = topic_step("scaling")  # the step the Redis topic builds on
    results: list[Failover] = []
    with ReplicatedRedis([NAME]) as replicated:
        servers = [start_step_server(step, redis_hosts=replicated.hosts) for _ in range(2)]
        try:
            for number in range(1, runs + 1):
                replicated.wait_until_ready_for_a_fault(NAME)
                result = asyncio.run(one_failover(replicated, servers))
                results.append(result)
                print(
                    f"run {number}: promoted after {result.promoted:.2f} s, chat resumed after "
                    f"{result.resumed:.2f} s; lost {result.lost}, never heard {result.never_heard}, "
                    f"duplicates {result.duplicates}",
                    flush=True,
                )
        finally:
            for server in servers:
                server.stop()
    for label, values in (
        ("promoted", [r.promoted for r in results]),
        ("chat resumed", [r.resumed for r in results]),
    ):
        print(
            f"{label}: min {min(values):.2f} s, median {statistics.median(values):.2f} s, max {max(values):.2f} s"
        )
    print(f"lost per failover: {[r.lost for r in results]}; duplicates: {sum(r.duplicates for r in results)}")
    return 1 if any(r.duplicates for r in results) else 0
