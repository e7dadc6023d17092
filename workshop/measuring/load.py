"""Room load: R rooms x C clients x M messages, and an account of what every member received.

Each client sends M messages `<room>:<sender>:<seq>:<send time>` to its room, either **paced**
(it waits for its own message to come back before sending the next) or in a **burst** (all M
back to back), while every member reads everything its room says. After the senders finish,
members keep reading until they have everything or nothing arrives for `drain_timeout`; what
is still missing then is lost. Senders and readers share this process's clock.

What Channels promises, and so what is checked: a channel layer delivers at most once (never
twice, possibly not at all: `group_send` skips a member whose queue is full); one sender's
messages arrive in the order sent; and channels_redis puts one queue entry per message per
server process, so all members on one process hear a room in one same order.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from dataclasses import dataclass, field
from typing import Any, Literal, Sequence

from workshop.running.clients import ChatClient, ServesRooms, is_catch_up

Mode = Literal["paced", "burst"]
DRAIN_TIMEOUT = 3.0  # a member that hears nothing for this long has heard all it will
ECHO_TIMEOUT = 15.0  # paced: longer than any queue here takes to drain; only ever decides a failure


@dataclass(frozen=True)
class Load:
    rooms: int
    clients: int  # per room
    messages: int  # per sending client
    mode: Mode = "paced"
    senders: int | None = None  # how many clients of each room speak; None: all of them

    @property
    def speaking(self) -> int:
        return self.clients if self.senders is None else self.senders

    @property
    def messages_per_room(self) -> int:
        return self.speaking * self.messages

    @property
    def expected_deliveries(self) -> int:
        return self.rooms * self.messages_per_room * self.clients

    def __str__(self) -> str:
        speakers = "" if self.senders is None else f" ({self.senders} speaking)"
        return f"{self.mode} {self.rooms}x{self.clients}x{self.messages}{speakers}"


@dataclass
class Member:
    """One client's view of its room: what it heard, in order."""

    client: ChatClient
    room_index: int
    index: int
    heard: list[tuple[int, int]] = field(default_factory=list)  # (sender, seq)
    latencies_ms: list[float] = field(default_factory=list)
    own_echo: asyncio.Queue[int] = field(default_factory=asyncio.Queue)

    async def listen(self, expected: int) -> None:
        """Read until `expected` different messages arrived (a duplicate must not end it early)."""
        distinct: set[tuple[int, int]] = set()
        while len(distinct) < expected:
            frame = json.loads(await self.client.websocket.recv())
            if is_catch_up(frame):
                continue  # a step with history: the room's messages before this member joined
            if "message" not in frame:
                raise RuntimeError(f"member {self.room_index}/{self.index} was told {frame}")
            _, sender, seq, sent_at = frame["message"].split(":")
            self.latencies_ms.append((time.perf_counter() - float(sent_at)) * 1000)
            self.heard.append((int(sender), int(seq)))
            distinct.add(self.heard[-1])
            if int(sender) == self.index:
                self.own_echo.put_nowait(int(seq))

    async def speak(self, load: Load) -> None:
        if self.index >= load.speaking:
            return
        for seq in range(load.messages):
            text = f"{self.room_index}:{self.index}:{seq}:{time.perf_counter():.9f}"
            await self.client.websocket.send(json.dumps({"message": text}))
            if load.mode == "paced":
                await self._hear_own(seq)

    async def _hear_own(self, seq: int) -> None:
        """Wait for our own message `seq` to come back; a lost one fails the run, it never hangs it."""
        try:
            while await asyncio.wait_for(self.own_echo.get(), ECHO_TIMEOUT) != seq:
                pass
        except asyncio.TimeoutError:
            raise RuntimeError(
                f"member {self.room_index}/{self.index} never heard its own message {seq} "
                f"within {ECHO_TIMEOUT:g} s (it heard {len(self.heard)} messages in all)"
            ) from None


@dataclass
class LoadRun:
    """The account of one run: counts, order, latencies."""

    load: Load
    seconds: float
    delivered: int
    duplicates: int
    out_of_sender_order: int  # members that heard some sender's messages out of order
    rooms_heard_differently: int  # rooms whose members disagree on the order of messages
    latencies_ms: list[float]

    @property
    def lost(self) -> int:
        return self.load.expected_deliveries - (self.delivered - self.duplicates)

    @property
    def deliveries_per_second(self) -> float:
        return self.delivered / self.seconds if self.seconds else 0.0

    def percentile(self, percent: int) -> float:
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else float("nan")
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[percent - 1]

    def summary(self) -> str:
        return (
            f"{self.load}: {self.delivered:,}/{self.load.expected_deliveries:,} delivered, "
            f"{self.lost:,} lost, {self.duplicates} duplicated, in {self.seconds:.2f} s "
            f"({self.deliveries_per_second:,.0f}/s; p50 {self.percentile(50):.0f} ms, "
            f"p99 {self.percentile(99):.0f} ms)"
        )


async def run_load(
    server: ServesRooms | Sequence[ServesRooms],
    load: Load,
    *,
    room_prefix: str,
    drain_timeout: float = DRAIN_TIMEOUT,
) -> LoadRun:
    """Join every client, run the load, leave; rooms are named `<room_prefix>-<n>`. Given several
    servers, each room's clients take them in turn."""
    servers = list(server) if isinstance(server, Sequence) else [server]
    rooms = [f"{room_prefix}-{number}" for number in range(load.rooms)]
    names = [f"c{index}" for index in range(load.clients)]
    for each in servers:  # in a step with users, every member logged in at once, before joining
        log_in = getattr(getattr(each, "accounts", None), "log_in", None)
        if log_in is not None:
            log_in(*names)
    members = [
        Member(await ChatClient.join(servers[index % len(servers)], room, f"c{index}"), room_number, index)
        for room_number, room in enumerate(rooms)
        for index in range(load.clients)
    ]
    expected_each = load.messages_per_room
    listening = [asyncio.create_task(member.listen(expected_each)) for member in members]
    started = time.perf_counter()
    try:
        await _speak(members, load, listening)
        await _drain(listening, members, drain_timeout)
        seconds = time.perf_counter() - started
    finally:
        for task in listening:
            task.cancel()
        await asyncio.gather(*listening, return_exceptions=True)
        for member in members:
            await member.client.leave()
    return account(load, members, seconds)


async def _speak(members: list[Member], load: Load, listening: list[asyncio.Task[None]]) -> None:
    """Let every member speak; stop at once if a listener fails (its socket closed under it)."""
    speaking: asyncio.Future[Any] = asyncio.ensure_future(
        asyncio.gather(*(member.speak(load) for member in members))
    )
    try:
        while not speaking.done():
            still_listening: list[asyncio.Future[Any]] = [task for task in listening if not task.done()]
            await asyncio.wait([speaking, *still_listening], return_when=asyncio.FIRST_COMPLETED)
            for task in listening:
                if task.done() and task.exception() is not None:
                    task.result()  # raises the listener's error
        speaking.result()
    finally:
        speaking.cancel()


async def _drain(listening: list[asyncio.Task[None]], members: list[Member], drain_timeout: float) -> None:
    """Wait for every member to hear everything, or for nothing to arrive anywhere for a while."""
    while True:
        heard_before = sum(len(member.heard) for member in members)
        finished, still_listening = await asyncio.wait(listening, timeout=drain_timeout)
        for task in finished:
            task.result()  # a member whose socket closed under it fails the run, with the reason
        if not still_listening or sum(len(member.heard) for member in members) == heard_before:
            return


def account(load: Load, members: list[Member], seconds: float) -> LoadRun:
    """Count deliveries, duplicates and order breaks from what each member heard."""
    duplicates = sum(len(member.heard) - len(set(member.heard)) for member in members)
    out_of_order = sum(not _in_sender_order(member.heard) for member in members)
    by_room: dict[int, list[Member]] = {}
    for member in members:
        by_room.setdefault(member.room_index, []).append(member)
    differing = sum(not _one_order(room_members) for room_members in by_room.values())
    return LoadRun(
        load=load,
        seconds=seconds,
        delivered=sum(len(member.heard) for member in members),
        duplicates=duplicates,
        out_of_sender_order=out_of_order,
        rooms_heard_differently=differing,
        latencies_ms=[latency for member in members for latency in member.latencies_ms],
    )


def _in_sender_order(heard: list[tuple[int, int]]) -> bool:
    last: dict[int, int] = {}
    for sender, seq in heard:
        if seq <= last.get(sender, -1):
            return False
        last[sender] = seq
    return True


def _one_order(members: list[Member]) -> bool:
    """True if every pair of messages that two members both heard came in the same order."""
    reference = max(members, key=lambda member: len(member.heard)).heard
    position = {message: index for index, message in enumerate(reference)}
    for member in members:
        places = [position[message] for message in member.heard if message in position]
        if places != sorted(places):
            return False
    return True
