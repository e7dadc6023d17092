"""What keeping history costs (step 05): `make bench-history`.

    python -m workshop.measuring.history_cost [--rounds 3] [--messages 100000]

1. Deliveries side by side: steps 03, 04 and 05 on paced 1x50x20 (05 stores every message),
   alternating rounds, each on a fresh server, with the benchmark's capacity.
2. Growth: the database's size per 100,000 stored messages, in SQLite (make run) and PostgreSQL
   (make production).
3. Joining: a newcomer's and a catch-up of 1,000's time, in an empty room and in a room with a
   year of history (1,000,000 messages: the cap keeps the newcomer's share the same).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import time
from pathlib import Path

from workshop.measuring.bench import ROOM_FOR_BURSTS, measure
from workshop.measuring.load import Load
from workshop.protocol import CATCH_UP_LIMIT, HISTORY_LENGTH, unique_room_name
from workshop.running.accounts import Accounts, served_copy
from workshop.running.clients import ChatClient
from workshop.running.postgres import start_postgres
from workshop.running.processes import child_environment, python_command
from workshop.running.redis_server import EmbeddedRedis
from workshop.running.step_server import StepServer, start_step_server
from workshop.steps import find_step

SIDE_BY_SIDE = ("03", "04", "05")
PACED = Load(1, 50, 20, "paced")
A_YEAR = 1_000_000  # messages in one room: about 2,700 a day


def side_by_side(redis_url: str, rounds: int) -> dict[str, list[float]]:
    """Deliveries/s per step, each round a fresh server per step, the steps alternating."""
    rates: dict[str, list[float]] = {number: [] for number in SIDE_BY_SIDE}
    for round_number in range(rounds):
        for number in SIDE_BY_SIDE:
            server = start_step_server(find_step(number), redis_url=redis_url, settings=ROOM_FOR_BURSTS)
            try:
                sample = measure(server, PACED, redis_url)
            finally:
                server.stop()
            rates[number].append(sample.deliveries_per_second)
            print(
                f"  round {round_number + 1}, step {number}: {sample.deliveries_per_second:,.0f}/s, "
                f"p50 {sample.p50_ms:.0f} ms, {sample.cpu_us_per_delivery:.0f} us CPU/delivery, {sample.lost} lost",
                flush=True,
            )
    return rates


# Run inside the step's served copy: bulk-insert `count` messages into `room` as `alice`; print how
# much the table grew in bytes (SQLite: the file; PostgreSQL: the table with its indexes) and the
# room's newest id.
FILL = """
import os, sys, uuid
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
import django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from chat.models import Message

room, count = sys.argv[1], int(sys.argv[2])

def size():
    if connection.vendor == "sqlite":
        connection.close()
        return os.path.getsize("db.sqlite3")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size('chat_message')")
        return cursor.fetchone()[0]

before = size()
alice = get_user_model().objects.get(username="alice")
text = "a chat line of about forty characters, #"
for start in range(0, count, 10_000):
    Message.objects.bulk_create(
        Message(room=room, author=alice, text=f"{text}{n}", client_id=uuid.uuid4())
        for n in range(start, min(count, start + 10_000))
    )
newest = Message.objects.filter(room=room).order_by("-id").values_list("id", flat=True).first()
print(size() - before, newest or 0)
"""


def fill(folder: Path, env: dict[str, str], room: str, count: int) -> tuple[int, int]:
    """Store `count` messages ("... #0" to "... #<count - 1>") in `room` of the project in `folder`,
    as alice, through its own model; the bytes the database grew by, and the room's newest id."""
    done = subprocess.run(
        python_command("-c", FILL, room, str(count)),
        cwd=folder, env=child_environment(**env), capture_output=True, text=True, check=True,
    )  # fmt: skip
    grew, newest = done.stdout.strip().splitlines()[-1].split()
    return int(grew), int(newest)


async def join_seconds(server: StepServer, room: str, after: int | None) -> tuple[float, int]:
    """How long a member takes to join and read its history frame; how many messages it held."""
    started = time.perf_counter()
    async with await ChatClient.join(server, room, "bob", after=after) as bob:
        held = 0
        while "caught_up" not in json.loads(await bob.websocket.recv()):
            held += 1
    return time.perf_counter() - started, held


def joining(redis_url: str) -> None:
    step = find_step("05")
    server = start_step_server(step, redis_url=redis_url)
    try:
        assert isinstance(server.accounts, Accounts)  # a step with users, served by the toolkit
        folder, env = server.accounts.folder, server.accounts.env
        for label, count in (("an empty room", 0), ("a room with a year of history", A_YEAR)):
            room = unique_room_name("year")
            started = time.perf_counter()
            _, newest = fill(folder, env, room, count)
            if count:
                print(f"  ({count:,} messages stored in {time.perf_counter() - started:.0f} s)", flush=True)
            for what, after in (
                (f"a newcomer (the last {HISTORY_LENGTH})", None),
                (f"a catch-up of {CATCH_UP_LIMIT:,}", max(newest - CATCH_UP_LIMIT, 0) if count else 0),
            ):
                timings = []
                for _ in range(5):
                    seconds, held = asyncio.run(join_seconds(server, room, after))
                    timings.append(seconds)
                print(
                    f"  {label}, {what}: {statistics.median(timings) * 1000:.1f} ms to join and read "
                    f"{held:,} messages (median of 5)",
                    flush=True,
                )
    finally:
        server.stop()


def growth(messages: int) -> None:
    step = find_step("05")
    sqlite = served_copy(step.folder, {})
    grew, _ = fill(sqlite.folder, sqlite.env, unique_room_name("growth"), messages)
    print(f"  SQLite: {grew / messages * 100_000 / 1e6:.1f} MB per 100,000 messages", flush=True)
    with start_postgres() as postgres:
        env = {"DJANGO_SETTINGS_MODULE": "workshop.variants.postgres_database", "DATABASE_URL": postgres.url}
        on_postgres = served_copy(step.folder, env)
        grew, _ = fill(on_postgres.folder, on_postgres.env, unique_room_name("growth"), messages)
        print(f"  PostgreSQL: {grew / messages * 100_000 / 1e6:.1f} MB per 100,000 messages", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--messages", type=int, default=100_000)
    options = parser.parse_args()
    with EmbeddedRedis() as redis:
        print(f"Deliveries, {PACED}, {options.rounds} rounds alternating:", flush=True)
        rates = side_by_side(redis.url, options.rounds)
        medians = {number: statistics.median(values) for number, values in rates.items()}
        print(
            "  medians: "
            + ", ".join(
                f"{number} {rate:,.0f}/s ({rate / medians['03']:.2f}x 03)" for number, rate in medians.items()
            ),
            flush=True,
        )
        print(f"Growth, {options.messages:,} messages stored in one room:", flush=True)
        growth(options.messages)
        print("Joining:", flush=True)
        joining(redis.url)


if __name__ == "__main__":
    main()
