"""Named chat members for tests and notebooks: a few `websockets` calls, given names.

    alice = await ChatClient.join(server, "lobby", "alice")
    await alice.say("hello")
    await alice.next_message()        # "hello": in a room, the sender hears itself too
    await alice.received_before_sync()  # everything that arrived before a marker came back
    alice.messages                      # every chat message alice has read so far

In a step with history (05 on) the server first sends a joining socket what it has not seen, a
frame per message marked "history": true, then {"caught_up": true, ...}; a client keeps those
apart (`alice.catch_ups`), never read as live messages, so every room check reads the same on
every step.

`received_before_sync` is how we prove that something did *not* arrive without sleeping:
the client sends a marker message through the same path (its room's group, or the echo) and
collects everything that reaches it before the marker. Anything the server sent this client
earlier is delivered before the marker, because each client's messages arrive in order.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
from typing import Any, Protocol

from websockets.asyncio.client import ClientConnection, connect

from workshop.protocol import SYNC_MARKER_PREFIX

# How long a client waits for a frame before the check fails. Generous, because a timeout only
# ever decides a failure; the ratchet test lowers it to fail fast against a step that never answers.
RECEIVE_TIMEOUT = float(os.environ.get("WORKSHOP_RECEIVE_TIMEOUT", "10"))
_marker_numbers = itertools.count(1)


class ServesRooms(Protocol):
    @property
    def origin(self) -> str: ...

    def room_socket_url(self, room: str) -> str: ...

    @property
    def websocket_options(self) -> dict[str, Any]: ...


def is_sync_marker(frame: dict[str, Any]) -> bool:
    message = frame.get("message")
    return isinstance(message, str) and message.startswith(SYNC_MARKER_PREFIX)


def is_catch_up(frame: dict[str, Any]) -> bool:
    """What a step with history sends a socket as it joins: the messages it has not seen, then the end."""
    return frame.get("history") is True or "caught_up" in frame


def _not_live(frame: dict[str, Any]) -> bool:
    return is_sync_marker(frame) or is_catch_up(frame)


class ChatClient:
    """One member of one room, holding one WebSocket."""

    def __init__(self, name: str, room: str, websocket: ClientConnection) -> None:
        self.name = name
        self.room = room
        self.websocket = websocket
        self.history: list[dict[str, Any]] = []  # every frame read, sync markers left out
        self.catch_ups: list[dict[str, Any]] = []  # a step with history: its catch-up frames, kept apart

    @classmethod
    async def join(
        cls,
        server: ServesRooms,
        room: str,
        name: str = "",
        *,
        origin: str | None = None,
        after: int | None = None,
        **options: Any,
    ) -> ChatClient:
        """Open a socket to `room`, sending the Origin header a page of this server would send.

        `after`: the last message id seen, for a step with history to catch up from (?after=).

        The server's `websocket_options` (a TLS context) and `options` go to websockets' connect().
        """
        name = name or room
        url = server.room_socket_url(room) + (f"?after={after}" if after is not None else "")
        # In a step with users, `name` is who logs in: the server hands out that session's cookie.
        handshake_headers = getattr(server, "handshake_headers", None)
        if handshake_headers is not None and "additional_headers" not in options:
            options["additional_headers"] = handshake_headers(name)
        # A member may join a room with history and never read its catch-up. websockets stops
        # reading after 16 unread frames, and its close then waits 10 s for a close frame stuck
        # behind them: a member keeps every frame instead, as a page does.
        options.setdefault("max_queue", None)
        websocket = await connect(
            url,
            origin=origin or server.origin,  # type: ignore[arg-type]
            **{**server.websocket_options, **options},
        )
        return cls(name, room, websocket)

    async def say(self, message: str) -> None:
        await self.websocket.send(json.dumps({"message": message}))

    async def send_frame(self, frame: str | bytes) -> None:
        """Send a raw text or binary frame, well-formed or not."""
        await self.websocket.send(frame)

    @property
    def caught_up(self) -> list[dict[str, Any]]:
        """The catch-ups' ends so far: {"caught_up": true, "older_left_out": ...}, one per join."""
        return [frame for frame in self.catch_ups if "caught_up" in frame]

    @property
    def backlog(self) -> list[dict[str, Any]]:
        """The messages the catch-ups held, in the order they came."""
        return [frame for frame in self.catch_ups if "caught_up" not in frame]

    async def wait_until_caught_up(self, timeout: float = RECEIVE_TIMEOUT) -> list[dict[str, Any]]:
        """A step with history: read until the joining catch-up has ended; the messages it held."""
        while not self.caught_up:
            await self._read(timeout)
        return self.backlog

    @property
    def messages(self) -> list[str]:
        """The chat messages read so far, in the order they arrived."""
        return [frame["message"] for frame in self.history if "message" in frame]

    async def _read(self, timeout: float) -> dict[str, Any]:
        try:
            raw = await asyncio.wait_for(self.websocket.recv(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"{self.name} received nothing (more) within {timeout:g} s") from None
        frame = json.loads(raw)
        if is_catch_up(frame):
            self.catch_ups.append(frame)
        elif not is_sync_marker(frame):
            self.history.append(frame)
        return frame

    async def next_frame(self, timeout: float = RECEIVE_TIMEOUT) -> dict[str, Any]:
        """The next JSON object the server sends, sync markers and catch-ups skipped."""
        while _not_live(frame := await self._read(timeout)):
            pass
        return frame

    async def next_message(self, timeout: float = RECEIVE_TIMEOUT) -> str:
        """The next chat message; fails on an error frame, so a test sees the reason."""
        frame = await self.next_frame(timeout)
        if "message" not in frame:
            raise AssertionError(f"{self.name} expected a chat message but got {frame}")
        return frame["message"]

    async def next_error(self, timeout: float = RECEIVE_TIMEOUT) -> str:
        frame = await self.next_frame(timeout)
        if "error" not in frame:
            raise AssertionError(f"{self.name} expected an error answer but got {frame}")
        return frame["error"]

    async def read_until(self, message: str, timeout: float = RECEIVE_TIMEOUT) -> list[dict[str, Any]]:
        """Read until `message` arrives; return the frames that came before it."""
        before = []
        while (frame := await self._read(timeout)).get("message") != message:
            if not _not_live(frame):
                before.append(frame)
        return before

    async def say_and_wait(self, message: str, timeout: float = RECEIVE_TIMEOUT) -> list[dict[str, Any]]:
        """Say `message` and wait until it comes back: by then the room has been sent it too."""
        await self.say(message)
        return await self.read_until(message, timeout)

    async def received_before_sync(self, timeout: float = RECEIVE_TIMEOUT) -> list[dict[str, Any]]:
        """Send a marker and return every frame that arrives before it comes back."""
        marker = f"{SYNC_MARKER_PREFIX}{self.name}:{next(_marker_numbers)}"
        return await self.say_and_wait(marker, timeout)

    async def close_code(self, timeout: float = RECEIVE_TIMEOUT) -> int | None:
        """Wait for the server to close this socket; return its close code."""
        await asyncio.wait_for(self.websocket.wait_closed(), timeout)
        return self.websocket.close_code

    async def leave(self) -> None:
        await self.websocket.close()

    async def __aenter__(self) -> ChatClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.leave()


async def first_to_close(clients: list[ChatClient], within: float) -> ChatClient | None:
    """The first of `clients` whose socket closes within `within` seconds, else None.

    For checks whose point is a silence: they wait on the close that must not come, not on a
    clock, so they fail the moment it comes.
    """
    waits = {asyncio.ensure_future(client.websocket.wait_closed()): client for client in clients}
    done, pending = await asyncio.wait(waits, timeout=within, return_when=asyncio.FIRST_COMPLETED)
    for wait in pending:
        wait.cancel()
    return waits[next(iter(done))] if done else None
