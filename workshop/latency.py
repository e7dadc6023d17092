"""Fan-out latency: from one member's send until each member of the room has the message.

Every client of one room sends `messages_each` messages, paced (it waits for its own message
to come back before sending the next), while all of them read everything the room says. Each
message carries its send time; each delivery records now minus that time. Sender and
receivers share this process's clock, so the figures need no clock synchronisation.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass

from .clients import ChatClient, ServesRooms

DRAIN_TIMEOUT = 5.0  # a member that hears nothing for this long has missed something


@dataclass
class FanoutRun:
    """The figures of one run."""

    clients: int
    messages_each: int
    latencies_ms: list[float]
    seconds: float

    @property
    def expected(self) -> int:
        return self.clients * self.messages_each * self.clients

    @property
    def delivered(self) -> int:
        return len(self.latencies_ms)

    @property
    def lost(self) -> int:
        return self.expected - self.delivered

    @property
    def deliveries_per_second(self) -> float:
        return self.delivered / self.seconds

    def percentile(self, percent: float) -> float:
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[int(percent) - 1]

    def summary(self) -> str:
        return (
            f"{self.clients} clients x {self.messages_each} messages: {self.delivered}/{self.expected} delivered "
            f"in {self.seconds:.2f} s ({self.deliveries_per_second:,.0f}/s), "
            f"p50 {self.percentile(50):.1f} ms, p99 {self.percentile(99):.1f} ms"
        )


async def _member(
    client: ChatClient, index: int, messages_each: int, total: int, latencies: list[float]
) -> None:
    received = 0

    async def read_one() -> str:
        nonlocal received
        text = await client.next_message(timeout=DRAIN_TIMEOUT)
        latencies.append((time.perf_counter() - float(text.split(":")[2])) * 1000)
        received += 1
        return text

    for seq in range(messages_each):
        mine = f"{index}:{seq}:{time.perf_counter():.9f}"
        await client.say(mine)
        while await read_one() != mine:
            pass
    try:
        while received < total:
            await read_one()
    except AssertionError:
        pass  # heard nothing for DRAIN_TIMEOUT: what is missing counts as lost


async def measure_fanout(server: ServesRooms, room: str, *, clients: int, messages_each: int) -> FanoutRun:
    """Run the paced load described above against one server; return the figures."""
    members = [await ChatClient.join(server, room, f"member{index}") for index in range(clients)]
    latencies: list[float] = []
    started = time.perf_counter()
    try:
        await asyncio.gather(
            *(
                _member(member, index, messages_each, clients * messages_each, latencies)
                for index, member in enumerate(members)
            )
        )
    finally:
        seconds = time.perf_counter() - started
        for member in members:
            await member.leave()
    return FanoutRun(clients, messages_each, latencies, seconds)
