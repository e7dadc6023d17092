"""Room names no other test uses, and a check that each test leaves its rooms empty in Redis."""

from __future__ import annotations

import asyncio
from typing import Callable, Iterator

import pytest

from workshop.protocol import unique_room_name
from workshop.running.groups import wait_for_group_size


@pytest.fixture
def unique_room(redis_url: str) -> Iterator[Callable[[str], str]]:
    """Room names no other test (or another run on a shared Redis) uses.

    At teardown, after the test's clients and pages have closed, each room's group must be
    empty in Redis: every consumer ran disconnect() and group_discard, and nothing of ours
    stays behind in a shared Redis. (A server stopped while a socket is open never runs that
    consumer's disconnect(), so servers are stopped after this check, never before.)
    """
    rooms: list[str] = []

    def name(base: str) -> str:
        rooms.append(unique_room_name(base))
        return rooms[-1]

    yield name
    for room in rooms:
        asyncio.run(wait_for_group_size(redis_url, room, 0))
