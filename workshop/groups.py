"""A look inside Redis at a room's group: what `group_add` wrote and `group_discard` removed.

channels_redis keeps each group as a sorted set named `<prefix>:group:<group name>` (prefix
"asgi" by default) whose members are channel names, scored by the time they joined.
"""

from __future__ import annotations

import redis.asyncio as redis

from .waiting import eventually

GROUP_PREFIX = "asgi:group:"


def group_key(room: str) -> str:
    """The Redis key of the room's group `chat_<room>`."""
    return f"{GROUP_PREFIX}chat_{room}"


async def group_members(redis_url: str, room: str) -> list[str]:
    """The channel names in the room's group, oldest member first (ZRANGE key 0 -1)."""
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        return [str(member) for member in await client.zrange(group_key(room), 0, -1)]
    finally:
        await client.aclose()


async def wait_for_group_size(redis_url: str, room: str, size: int, timeout: float = 10.0) -> None:
    """Wait until the group holds `size` channels: joins and leaves are done server-side."""

    async def has_size() -> bool:
        return len(await group_members(redis_url, room)) == size

    await eventually(has_size, timeout=timeout, what=f"the group of room {room!r} holds {size} channel(s)")
