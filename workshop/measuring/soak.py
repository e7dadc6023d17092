"""`make soak`: the load checks' loads, bigger and longer, printing figures instead of passing.

`make test` keeps its loads small enough to run in seconds (tests/test_load.py). These run
200,000 deliveries per load, each on a fresh daphne of each step with rooms, against the workshop's Redis,
and print what arrived, what was lost, the latencies, and the server's memory afterwards.
"""

from __future__ import annotations

import asyncio

from workshop.measuring.load import Load, run_load
from workshop.protocol import unique_room_name
from workshop.running.redis_server import workshop_redis
from workshop.running.step_server import start_step_server
from workshop.steps import steps_with

SOAK_LOADS = (
    Load(rooms=10, clients=20, messages=50, mode="paced"),
    Load(rooms=10, clients=20, messages=50, mode="burst"),
    Load(rooms=1, clients=200, messages=50, mode="paced", senders=20),
)


def soak() -> int:
    """Run every soak load against every step and print what happened; losses are figures here.

    Each runs with the capacity production has (workshop/variants/burst_capacity.py). The burst
    sends 10,000 messages at once, five times that `capacity`: expect losses,
    counted, with the server's "over capacity" lines beside them. A duplicate would be a bug.
    """
    duplicated = False
    with workshop_redis(use_local=False) as redis:
        print(f"Redis: {redis.description}", flush=True)
        for step in steps_with("rooms"):
            for load in SOAK_LOADS:
                server = start_step_server(step, redis_url=redis.url, settings="burst_capacity")
                try:
                    run = asyncio.run(run_load(server, load, room_prefix=unique_room_name("soak")))
                    memory_mib = server.memory_kib() / 1024
                finally:
                    server.stop()
                over_capacity = sum("over capacity" in line for line in server.trouble)
                print(
                    f"step {step.number}: {run.summary()}; server {memory_mib:.0f} MiB after; "
                    f"{over_capacity} 'over capacity' log lines",
                    flush=True,
                )
                duplicated = duplicated or run.duplicates > 0
    return 1 if duplicated else 0
