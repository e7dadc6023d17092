"""`make bench`: fan-out throughput and latency of every step, beside a raw-WebSocket baseline.

One load generator (this process, asyncio, `websockets` clients; workshop/load.py) drives each
variant's server, a fresh process per variant, all against the same Redis. Every load runs
`repeats` times; the report gives medians with min and max. CPU is read from the operating
system for the server process and from Redis's own INFO for Redis, so an external Redis counts.
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import time
from dataclasses import asdict, dataclass, field
from typing import Callable

import psutil
import redis

from workshop.measuring.baseline_server import start_baseline_server
from workshop.measuring.load import Load, run_load
from workshop.protocol import unique_room_name
from workshop.running.clients import ChatClient
from workshop.running.nginx import find_nginx
from workshop.running.production import ProductionStack, start_production
from workshop.running.step_server import StepServer, start_step_server, start_step_uvicorn
from workshop.steps import Step, find_step, steps_with


@dataclass(frozen=True)
class Variant:
    key: str
    label: str
    start: Callable[[str], StepServer | ProductionStack]  # redis_url -> a running server
    needs_nginx: bool = False  # left out, and said so, where the machine has no nginx


# Every variant with a channel layer queue gets the capacity production has (deploy/): the steps
# keep channels_redis's 100, which the bursts below would overflow (docs/delivery-guarantees.md).
ROOM_FOR_BURSTS = "burst_capacity"


def _step_variant(step: Step) -> Variant:
    return Variant(
        step.number,
        f"step {step.number} as written ({step.name}), daphne",
        lambda url: start_step_server(step, redis_url=url, settings=ROOM_FOR_BURSTS),
    )


# Ratios are to the first step with rooms (step 02, the sync consumer). The named variants change
# TUNED_STEP; the tuned consumer subclasses that step's consumer.
REFERENCE_STEP = steps_with("rooms")[0].number
TUNED_STEP = "03"
TUNED_APPLICATION = "workshop.variants.tuned_consumer:application"
VARIANTS = (
    *map(_step_variant, steps_with("rooms")),
    Variant(
        "03-pubsub",
        "step 03, RedisPubSubChannelLayer",
        lambda url: start_step_server(find_step(TUNED_STEP), redis_url=url, settings="pubsub_layer"),
    ),
    Variant(
        "03-uvicorn",
        "step 03 served by uvicorn",
        lambda url: start_step_uvicorn(find_step(TUNED_STEP), redis_url=url, settings=ROOM_FOR_BURSTS),
    ),
    Variant(
        "03-tuned",
        "step 03 with the profile's cheap fixes (not a lesson: workshop/variants/tuned_consumer.py)",
        lambda url: start_step_server(
            find_step(TUNED_STEP), redis_url=url, application=TUNED_APPLICATION, settings=ROOM_FOR_BURSTS
        ),
    ),
    Variant(
        "03-fastest",
        "the fastest combination measured: tuned step 03, Pub/Sub layer, uvicorn (a ceiling, not what "
        "deploy/ runs: docs/performance.md)",
        lambda url: start_step_uvicorn(
            find_step(TUNED_STEP), redis_url=url, settings="pubsub_layer", application=TUNED_APPLICATION
        ),
    ),
    Variant(
        "03-deployed",
        "step 03 as deploy/ serves it: nginx with TLS in front of 2 daphne workers under supervisor "
        "(server CPU counts nginx, supervisord and both workers; on 2 cores they share them with the clients)",
        lambda url: start_production(find_step(TUNED_STEP), redis_url=url, workers=2),
        needs_nginx=True,
    ),
    Variant("baseline", "plain websockets server, no Redis", lambda url: start_baseline_server()),
)

# The fastest combination, measured against the throughput targets in the report. What to run in
# production is deploy/, measured as 03-deployed (docs/performance.md says why).
FASTEST = "03-fastest"

STANDARD_LOADS = tuple(
    Load(rooms, clients, messages, mode)
    for rooms, clients, messages in ((1, 10, 50), (1, 50, 20), (10, 10, 20))
    for mode in ("paced", "burst")
)
QUICK_LOADS = (Load(1, 10, 20, "paced"), Load(1, 10, 20, "burst"))
SCALING_CLIENTS = (10, 50, 200)  # paced, one room, 200 messages per room whatever its size
SCALING_VARIANTS = (REFERENCE_STEP, TUNED_STEP)
IDLE_CONNECTIONS = 1000


@dataclass
class Sample:
    """One run of one load against one variant."""

    deliveries_per_second: float
    p50_ms: float
    p99_ms: float
    lost: int
    server_cpu_percent: float
    redis_cpu_percent: float
    cpu_us_per_delivery: float  # server CPU time spent per delivered message


@dataclass
class Measured:
    variant: str
    load: str
    samples: list[Sample] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # runs that stopped: a client never heard its echo

    def median(self, name: str) -> float:
        return statistics.median(getattr(sample, name) for sample in self.samples)

    def spread(self, name: str) -> tuple[float, float]:
        values = [getattr(sample, name) for sample in self.samples]
        return min(values), max(values)


def redis_cpu_seconds(redis_url: str) -> float:
    with redis.Redis.from_url(redis_url) as client:
        info = client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def process_cpu_seconds(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def server_cpu_seconds(server: StepServer | ProductionStack) -> float:
    """CPU of every process serving: one daphne, or nginx, supervisord and the workers."""
    roots = [server.process.pid] if isinstance(server, StepServer) else server.pids()
    processes = [psutil.Process(pid) for pid in roots]
    processes += [child for process in list(processes) for child in process.children(recursive=True)]
    return sum(process_cpu_seconds(process.pid) for process in processes)


def measure(server: StepServer | ProductionStack, load: Load, redis_url: str) -> Sample:
    """Run `load` once against `server`; read both CPU clocks around it."""
    server_before, redis_before = server_cpu_seconds(server), redis_cpu_seconds(redis_url)
    run = asyncio.run(run_load(server, load, room_prefix=unique_room_name("bench")))
    server_cpu = server_cpu_seconds(server) - server_before
    redis_cpu = redis_cpu_seconds(redis_url) - redis_before
    return Sample(
        deliveries_per_second=run.deliveries_per_second,
        p50_ms=run.percentile(50),
        p99_ms=run.percentile(99),
        lost=run.lost,
        server_cpu_percent=100 * server_cpu / run.seconds,
        redis_cpu_percent=100 * redis_cpu / run.seconds,
        cpu_us_per_delivery=1e6 * server_cpu / max(run.delivered, 1),
    )


def bench_variant(
    variant: Variant, loads: tuple[Load, ...], redis_url: str, repeats: int, echo: Callable[[str], None]
) -> list[Measured]:
    """A fresh server for the variant, every load `repeats` times, interleaved so drift is shared."""
    server = variant.start(redis_url)
    measured = {str(load): Measured(variant.key, str(load)) for load in loads}
    try:
        for _ in range(repeats):
            for load in loads:
                try:
                    sample = measure(server, load, redis_url)
                except RuntimeError as error:  # reported in the table, never hidden
                    measured[str(load)].failures.append(str(error))
                    echo(f"  {variant.key:<10} {str(load):<18} FAILED: {error}")
                    continue
                measured[str(load)].samples.append(sample)
                echo(f"  {variant.key:<10} {str(load):<18} {sample.deliveries_per_second:>9,.0f}/s")
    finally:
        server.stop()
    return list(measured.values())


def scaling_load(clients: int) -> Load:
    return Load(1, clients, max(1, 200 // clients), "paced")


async def idle_connection_kib(server: StepServer) -> float:
    """Server RSS with IDLE_CONNECTIONS open idle members, minus RSS with none, per connection."""
    before = server.memory_kib()
    clients = []
    try:
        for number in range(IDLE_CONNECTIONS):
            clients.append(await ChatClient.join(server, f"idle-{number % 10}", f"idle{number}"))
        await clients[-1].say("everyone has joined")  # the last join has been fully handled
        after = server.memory_kib()
    finally:
        for client in clients:
            await client.leave()
    return (after - before) / IDLE_CONNECTIONS


def raise_open_file_limit(needed: int) -> None:
    """1,000 sockets on each side need more descriptors than some systems allow by default."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(needed, hard), hard))


@dataclass
class BenchRun:
    started: str
    seconds: float
    quick: bool
    repeats: int
    redis: str
    results: list[Measured]
    scaling: list[Measured]
    idle_kib_per_connection: float | None
    cpu_count: int

    def as_json(self) -> dict:
        return asdict(self)


def run_bench(
    redis_url: str, redis_description: str, *, quick: bool, echo: Callable[[str], None]
) -> BenchRun:
    started, clock = time.strftime("%Y-%m-%d %H:%M %Z"), time.monotonic()
    repeats, loads = 3, QUICK_LOADS if quick else STANDARD_LOADS
    results: list[Measured] = []
    for variant in VARIANTS:
        if variant.needs_nginx and find_nginx() is None:
            echo(
                f"{variant.key} left out: it needs nginx, and this machine has none (sudo apt-get install nginx)"
            )
            continue
        echo(f"{variant.label}")
        results += bench_variant(variant, loads, redis_url, repeats, echo)
    scaling: list[Measured] = []
    idle_kib = None
    if not quick:
        scaling_loads = tuple(map(scaling_load, SCALING_CLIENTS))
        for variant in (v for v in VARIANTS if v.key in SCALING_VARIANTS):
            echo(f"scaling: {variant.label}")
            scaling += bench_variant(variant, scaling_loads, redis_url, repeats, echo)
        raise_open_file_limit(4 * IDLE_CONNECTIONS)
        server = start_step_server(find_step(TUNED_STEP), redis_url=redis_url)
        try:
            idle_kib = asyncio.run(idle_connection_kib(server))
        finally:
            server.stop()
    return BenchRun(
        started=started,
        seconds=time.monotonic() - clock,
        quick=quick,
        repeats=repeats,
        redis=redis_description,
        results=results,
        scaling=scaling,
        idle_kib_per_connection=idle_kib,
        cpu_count=psutil.cpu_count() or 0,
    )
