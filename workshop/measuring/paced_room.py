"""A room chatting at a steady pace while something breaks, with every delivery written down.

    async with PacedRoom(stack, room, ["ann", "bob", "cy"], interval=0.15) as chat:
        stack.workers.kill("chat_0")
        await chat.until_all_back(after=killed_at, timeout=10)
    chat.duplicates(), chat.missed(), chat.back_after(killed_at), chat.timeline()

Each member says "<name>#<n>" every `interval` seconds and, when its socket closes, reconnects
(through nginx, to whichever worker takes it) and goes on. A member's *session* is one socket,
from its handshake (the consumer joined the group before accepting it) to its close.

Losses are counted, never guessed: lines from one sender reach one receiver in order, so a
session that got bob#7 and bob#9, while another member got bob#8, missed bob#8. A line sent while
the receiver was away is not a loss (it was not in the group); a line nobody got never reached
the room (its sender's socket was closing): `never_heard` counts those apart.
"""

from __future__ import annotations

import asyncio
import collections
import json
import time
from dataclasses import dataclass, field
from typing import Any, Sequence

from websockets.exceptions import ConnectionClosed, WebSocketException

from workshop.protocol import TRY_AGAIN_LATER
from workshop.running.clients import ChatClient, ServesRooms, is_catch_up
from workshop.running.groups import group_members, process_of, wait_for_group_size
from workshop.running.waiting import eventually

RECONNECT_DELAY = 0.1  # between attempts while no server takes the socket, or Redis is away (4013)
SPREAD_ROUNDS = 5  # reconnects of every member that until_spread may try before it gives up


@dataclass
class Session:
    """One socket of one member: when it opened and closed, and what it received."""

    member: str
    opened: float
    closed: float | None = None
    close_code: int | None = None
    received: list[tuple[str, int, float]] = field(default_factory=list)  # (sender, number, at)


class PacedRoom:
    """Members of one room, each saying a numbered line every `interval` and reconnecting."""

    def __init__(
        self,
        server: ServesRooms | Sequence[ServesRooms],
        room: str,
        members: list[str],
        *,
        interval: float = 0.15,
    ) -> None:
        """`server`: one (behind nginx, say), or several that members take in turn, one each."""
        self.servers = list(server) if isinstance(server, Sequence) else [server]
        self.room, self.members, self.interval = room, members, interval
        self.sessions: list[Session] = []
        self.sent: collections.Counter[str] = collections.Counter()
        self.failed_attempts = 0
        self._tasks: list[asyncio.Task[None]] = []
        self._clients: dict[str, ChatClient] = {}
        self.started = time.monotonic()

    async def __aenter__(self) -> PacedRoom:
        joined = [asyncio.Event() for _ in self.members]
        self._tasks = [
            asyncio.create_task(self._member(name, event)) for name, event in zip(self.members, joined)
        ]
        await asyncio.wait_for(asyncio.gather(*(event.wait() for event in joined)), timeout=30)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.gather(*(client.leave() for client in self._clients.values()), return_exceptions=True)

    def server_of(self, member: str) -> ServesRooms:
        return self.servers[self.members.index(member) % len(self.servers)]

    async def _member(self, name: str, joined: asyncio.Event) -> None:
        while True:
            try:
                client = await ChatClient.join(self.server_of(name), self.room, name)
            except (OSError, WebSocketException, asyncio.TimeoutError):
                self.failed_attempts += 1
                await asyncio.sleep(RECONNECT_DELAY)
                continue
            self._clients[name] = client
            session = Session(name, time.monotonic())
            self.sessions.append(session)
            joined.set()
            speaking = asyncio.create_task(self._speak(client, name))
            try:
                async for raw in client.websocket:
                    frame = json.loads(raw)
                    if is_catch_up(frame):
                        continue  # a step with history: what was said before this socket (not counted)
                    sender, _, number = frame.get("message", "").rpartition("#")
                    if sender and number.isdigit():
                        session.received.append((sender, int(number), time.monotonic()))
            except ConnectionClosed:
                pass
            finally:
                speaking.cancel()
            session.closed, session.close_code = time.monotonic(), client.websocket.close_code
            if session.close_code == TRY_AGAIN_LATER:
                await asyncio.sleep(RECONNECT_DELAY)  # as the page does, if sooner: Redis is away

    async def _speak(self, client: ChatClient, name: str) -> None:
        try:
            while True:
                self.sent[name] += 1
                await client.say(f"{name}#{self.sent[name]}")
                await asyncio.sleep(self.interval)
        except ConnectionClosed:
            pass

    async def reconnect(self, member: str, timeout: float = 10.0) -> None:
        """Close the member's socket from its side; return once it is in the room on a new one."""
        sessions = len(self.sessions_of(member))
        await self._clients[member].websocket.close()
        await eventually(
            lambda: len(self.sessions_of(member)) > sessions, timeout=timeout, what=f"{member} joined again"
        )

    async def until_spread(self, redis_url: str, processes: int = 2) -> None:
        """Reconnect members one at a time until the room's group holds channels of `processes`
        server processes: the kernel gives each connection to whichever worker accepts it first,
        and now and then gives one worker all of them."""

        async def spread() -> bool:
            return len({process_of(name) for name in await group_members(redis_url, self.room)}) >= processes

        # Five rounds of reconnects: on a busy machine one worker can win several in a row.
        for member in [None, *self.members * SPREAD_ROUNDS]:
            if member is not None:
                await self.reconnect(member)
            if await spread():
                # A reconnected member's old channel is discarded as its socket closes: wait for it.
                return await wait_for_group_size(redis_url, self.room, len(self.members))
        raise AssertionError(
            f"all {len(self.members)} members landed on fewer than {processes} workers, "
            f"through {SPREAD_ROUNDS} rounds of reconnects"
        )

    def sessions_of(self, member: str) -> list[Session]:
        return [session for session in self.sessions if session.member == member]

    def closed_between(self, start: float, end: float) -> list[str]:
        """Members whose socket closed in that window (a killed worker's clients)."""
        return sorted({s.member for s in self.sessions if s.closed is not None and start <= s.closed <= end})

    def back_after(self, moment: float) -> dict[str, float]:
        """For each member whose socket closed after `moment`: seconds from `moment` until it heard
        its own line again on a new socket (it chats again), if it has."""
        back = {}
        for member in self.closed_between(moment, float("inf")):
            later = [s for s in self.sessions_of(member) if s.opened >= moment]
            heard = [at for s in later for sender, _, at in s.received if sender == member]
            if heard:
                back[member] = min(heard) - moment
        return back

    async def until_all_back(
        self, *, after: float, timeout: float, expect_closes: bool = True
    ) -> dict[str, float]:
        """Wait until every member whose socket closed after `after` chats again; their times.
        `expect_closes`: first wait for at least one close (a kill must cut someone off)."""
        if expect_closes:
            await eventually(
                lambda: self.closed_between(after, float("inf")), timeout=timeout, what="a socket closed"
            )
        await eventually(
            lambda: set(self.closed_between(after, float("inf"))) <= set(self.back_after(after)),
            timeout=timeout,
            what="every member cut off chats again",
        )
        return self.back_after(after)

    async def until_everyone_heard_everyone(self, timeout: float = 10.0) -> None:
        """Wait until each member's current session has heard every member once."""

        def everyone_heard_everyone() -> bool:
            current = {s.member: s for s in self.sessions if s.closed is None}
            return len(current) == len(self.members) and all(
                {sender for sender, _, _ in s.received} >= set(self.members) for s in current.values()
            )

        await eventually(everyone_heard_everyone, timeout=timeout, what="every member heard every other")

    def heard_by_everyone_after(self, moment: float) -> float | None:
        """Seconds from `moment` until one line had reached every member on sockets opened after
        it: when everyone was cut off (Redis failed over), the moment the room chats again."""
        reached: dict[tuple[str, int], dict[str, float]] = collections.defaultdict(dict)
        for session in self.sessions:
            if session.opened <= moment:
                continue
            for sender, number, at in session.received:
                reached[(sender, number)].setdefault(session.member, at)
        complete = [max(by.values()) for by in reached.values() if len(by) == len(self.members)]
        return min(complete) - moment if complete else None

    def duplicates(self) -> int:
        """Lines a member received more than once, over all its sessions (must be 0)."""
        counts = collections.Counter(
            (s.member, sender, number) for s in self.sessions for sender, number, _ in s.received
        )
        return sum(count - 1 for count in counts.values() if count > 1)

    def _heard_by_someone(self) -> set[tuple[str, int]]:
        return {(sender, number) for s in self.sessions for sender, number, _ in s.received}

    def missed(self, members: list[str] | None = None) -> int:
        """Lines a receiver's session skipped between two it received from the same sender, while
        another member did receive them: the channel layer had them, this member lost them."""
        heard = self._heard_by_someone()
        gaps = 0
        for session in self.sessions:
            if members is not None and session.member not in members:
                continue
            by_sender: dict[str, set[int]] = collections.defaultdict(set)
            for sender, number, _ in session.received:
                by_sender[sender].add(number)
            for sender, numbers in by_sender.items():
                skipped = set(range(min(numbers), max(numbers) + 1)) - numbers
                gaps += sum(1 for number in skipped if (sender, number) in heard)
        return gaps

    def never_heard(self) -> int:
        """Lines said that no member received: sent into a socket that was closing, or in flight
        when the run ended. Not a loss of the layer (it never had them); counted all the same."""
        heard = self._heard_by_someone()
        return sum(
            1 for name, count in self.sent.items() for n in range(1, count + 1) if (name, n) not in heard
        )

    def deliveries(self) -> int:
        return sum(len(s.received) for s in self.sessions)

    def timeline(self, bucket: float = 0.1) -> list[tuple[float, int]]:
        """Deliveries per `bucket` seconds since the start: (bucket start, count), gaps included."""
        times = [at - self.started for s in self.sessions for _, _, at in s.received]
        if not times:
            return []
        counts = collections.Counter(int(t // bucket) for t in times)
        return [(index * bucket, counts.get(index, 0)) for index in range(int(max(times) // bucket) + 1)]

    def summary(self) -> dict[str, Any]:
        return {
            "members": len(self.members),
            "sent": sum(self.sent.values()),
            "deliveries": self.deliveries(),
            "sessions": len(self.sessions),
            "missed": self.missed(),
            "never_heard": self.never_heard(),
            "duplicates": self.duplicates(),
            "failed_attempts": self.failed_attempts,
        }
