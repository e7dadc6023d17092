"""A chat member that does what step 05's page does, for checks and notebooks that count messages.

    alice = RememberingMember(server, room, "alice")
    await alice.start()
    await alice.say("hello")          # kept until it comes back live; sent again after a reconnect
    await alice.drop()                # the socket dies as on a Wi-Fi blip (no close frame)
    alice.resume()                    # it reconnects with ?after=<last id> and catches up
    alice.timeline                    # [(id, user, message)], each id once, in id order

It reconnects by itself whenever its socket closes (a Redis restart, a killed worker), as the page
does, and counts what the page would hide: ids that arrived more than once.

A Conversation is such members talking, and its account once it is over:

    async with Conversation(members, within=30) as chat:
        await chat.talk(6)                # paced: each line shown by every speaker before the next
        await chat.say_at_once()          # one line each, without waiting (into an outage)
    for member in chat.accounts():        # said, shown, lost, doubled, lines out of order
        ...
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass
from typing import Any

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from workshop.running.clients import RECEIVE_TIMEOUT, ChatClient, ServesRooms

RECONNECT_DELAY = 0.2  # seconds between attempts; the page waits longer, growing


class RememberingMember:
    """One member of a room with history: shown ids, the last of them, and what it has not seen confirmed."""

    def __init__(self, server: ServesRooms, room: str, name: str) -> None:
        self.server, self.room, self.name = server, room, name
        self.shown: dict[int, tuple[str, str]] = {}  # id -> (user, message)
        self.last_id: int | None = None
        self.unconfirmed: dict[str, str] = {}  # client_id -> message, until it comes back live
        self.arrived_again = 0  # frames for an id already shown: a catch-up overlapping, a resend
        self.connections = 0
        self.older_left_out = False
        self.client: ChatClient | None = None
        self._may_connect = asyncio.Event()
        self._may_connect.set()
        self._changed = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None
        self._connected = asyncio.Event()

    @property
    def timeline(self) -> list[tuple[int, str, str]]:
        return [(id, *self.shown[id]) for id in sorted(self.shown)]

    async def start(self) -> None:
        self._task = asyncio.create_task(self._keep_connected())
        try:
            await asyncio.wait_for(self._connected.wait(), RECEIVE_TIMEOUT)
        except asyncio.TimeoutError:
            raise AssertionError(
                f"{self.name} was sent no history on joining within {RECEIVE_TIMEOUT:g} s"
            ) from None

    async def say(self, message: str) -> str:
        client_id = str(uuid.uuid4())
        self.unconfirmed[client_id] = message
        await self._send(message, client_id)
        return client_id

    async def drop(self) -> None:
        """Cut the socket without a close frame, and stay away until resume()."""
        self._may_connect.clear()
        if self.client is not None:
            self.client.websocket.transport.abort()
            await self.client.websocket.wait_closed()

    def resume(self) -> None:
        self._may_connect.set()

    async def wait_until_shown(self, messages: set[str], timeout: float) -> None:
        """Until every one of `messages` is in the timeline; fails after `timeout` seconds."""

        async def shown_all() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: messages <= {text for _, text in self.shown.values()})

        try:
            await asyncio.wait_for(shown_all(), timeout)
        except asyncio.TimeoutError:
            missing = messages - {text for _, text in self.shown.values()}
            raise AssertionError(
                f"{self.name} has not shown {sorted(missing)} within {timeout:g} s"
            ) from None

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self.client is not None:
            await self.client.leave()

    async def _send(self, message: str, client_id: str) -> None:
        if self.client is None:
            return  # sent after the reconnect
        try:
            await self.client.websocket.send(json.dumps({"message": message, "client_id": client_id}))
        except ConnectionClosed:
            pass  # the socket died under it: still unconfirmed, so sent again after the reconnect

    async def _keep_connected(self) -> None:
        while True:
            await self._may_connect.wait()
            try:
                self.client = await ChatClient.join(self.server, self.room, self.name, after=self.last_id)
            except (OSError, InvalidHandshake, InvalidStatus, asyncio.TimeoutError):
                await asyncio.sleep(RECONNECT_DELAY)
                continue
            self.connections += 1
            try:
                async for raw in self.client.websocket:
                    await self._read(json.loads(raw))
            except ConnectionClosed:
                pass
            self.client = None
            await asyncio.sleep(RECONNECT_DELAY)

    async def _read(self, frame: dict[str, Any]) -> None:
        if frame.get("history") is True:
            self._show(frame)
        elif "caught_up" in frame:
            self.older_left_out |= bool(frame.get("older_left_out"))
            self.last_id = self.last_id or 0
            self._connected.set()
            for client_id, message in list(self.unconfirmed.items()):
                await self._send(message, client_id)
        elif "id" in frame:
            self.unconfirmed.pop(frame.get("client_id") or "", None)
            self._show(frame)
        async with self._changed:
            self._changed.notify_all()

    def _show(self, message: dict[str, Any]) -> None:
        if message["id"] in self.shown:
            self.arrived_again += 1
            return
        self.shown[message["id"]] = (message["user"], message["message"])
        self.last_id = max(self.last_id or 0, message["id"])


@dataclass
class Account:
    """What one member's page shows at the end of a conversation, against what was said."""

    name: str
    said: int
    shown: int
    lost: list[str]
    doubled: int  # texts shown under two ids: stored twice
    out_of_order: list[str]  # speakers whose lines this page shows in another order than said
    connections: int
    arrived_again: int

    def summary(self) -> str:
        return (
            f"{self.name}: {self.said} said, {self.shown} shown, {len(self.lost)} lost, {self.doubled} doubled, "
            f"{self.connections} connections, {self.arrived_again} frames again for an id already shown"
        )


class Conversation:
    """Members of one room saying numbered lines ("alice #3"), and what each page shows of them."""

    def __init__(self, members: list[RememberingMember], within: float) -> None:
        self.members = members
        self.within = within  # seconds a line may take to be shown; only ever decides a failure
        self.said: list[str] = []

    async def __aenter__(self) -> Conversation:
        for member in self.members:
            await member.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        for member in self.members:
            await member.stop()

    async def talk(self, lines: int, speakers: list[RememberingMember] | None = None) -> None:
        """`lines` lines, the speakers in turn, each shown by every speaker before the next is said."""
        speakers = speakers or self.members
        for number in range(lines):
            line = await self._say(speakers[number % len(speakers)])
            for member in speakers:
                await member.wait_until_shown({line}, self.within)

    async def say_at_once(self) -> None:
        """One line from each member, none waiting: into sockets that are closing, or none."""
        for member in self.members:
            await self._say(member)

    async def until_all_shown(self) -> None:
        for member in self.members:
            await member.wait_until_shown(set(self.said), self.within)

    def accounts(self) -> list[Account]:
        return [self._account(member) for member in self.members]

    def same_timelines(self) -> bool:
        """Every member shows the same ids, with the same lines, in the same order."""
        return all(member.timeline == self.members[0].timeline for member in self.members)

    async def _say(self, speaker: RememberingMember) -> str:
        self.said.append(f"{speaker.name} #{len(self.said)}")
        await speaker.say(self.said[-1])
        return self.said[-1]

    def _account(self, member: RememberingMember) -> Account:
        texts = [text for _, _, text in member.timeline]
        # Each speaker's own lines in the order said: lines said at once are stored as each
        # speaker returns, so only a speaker's order is the conversation's.
        out_of_order = [
            speaker.name
            for speaker in self.members
            if [text for _, user, text in member.timeline if user == speaker.name]
            != [text for text in self.said if text.startswith(f"{speaker.name} #")]
        ]
        return Account(
            member.name, len(self.said), len(texts), sorted(set(self.said) - set(texts)),
            len(texts) - len(set(texts)), out_of_order, member.connections, member.arrived_again,
        )  # fmt: skip
