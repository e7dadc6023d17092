"""A look inside Redis: a room's group, and the queue of messages waiting for a server process.

channels_redis keeps each group as a sorted set named `<prefix>:group:<group name>` (prefix
"asgi" by default) whose members are channel names, scored by the time they joined.

A channel name looks like `specific.<process id>!<connection id>`. All connections of one
server process share one queue, a sorted set named `<prefix><process part>` (for example
`asgispecific.3f9c…!`), which that process drains. `capacity` (default 100) caps that queue.
"""

from __future__ import annotations

from typing import cast

import redis.asyncio as redis

from workshop.protocol import group_name
from workshop.running.waiting import eventually

GROUP_KEY_PREFIX = "asgi:group:"  # channels_redis keeps a group in the key <prefix><group name>


def group_key(room: str) -> str:
    """The Redis key of the room's group `chat_<room>`."""
    return f"{GROUP_KEY_PREFIX}{group_name(room)}"


async def group_members(redis_url: str, room: str) -> list[str]:
    """The channel names in the room's group, oldest member first (ZRANGE key 0 -1)."""
    async with redis.Redis.from_url(redis_url, decode_responses=True) as client:
        return [str(member) for member in await client.zrange(group_key(room), 0, -1)]


async def group_join_times(redis_url: str, room: str) -> dict[str, float]:
    """Each channel in the room's group with the Unix time it joined: the score group_expiry reads."""
    async with redis.Redis.from_url(redis_url, decode_responses=True) as client:
        scored = cast(list[tuple[str, float]], await client.zrange(group_key(room), 0, -1, withscores=True))
    return {member: float(score) for member, score in scored}


async def wait_for_group_size(redis_url: str, room: str, size: int, timeout: float = 10.0) -> None:
    """Wait until the group holds `size` channels: joins and leaves are done server-side."""

    async def has_size() -> bool:
        return len(await group_members(redis_url, room)) == size

    await eventually(has_size, timeout=timeout, what=f"the group of room {room!r} holds {size} channel(s)")


async def forget_group(redis_url: str, room: str) -> None:
    """Delete one room's group: for a test's own room whose members' server was stopped."""
    async with redis.Redis.from_url(redis_url) as client:
        await client.delete(group_key(room))


def process_of(channel_name: str) -> str:
    """The server process a channel belongs to: its name up to "!" (`specific.<process>`)."""
    return channel_name.split("!", 1)[0]


async def group_expires_in(redis_url: str, room: str) -> int:
    """Seconds until Redis drops the room's group key (channels_redis sets group_expiry on join)."""
    async with redis.Redis.from_url(redis_url) as client:
        return int(await client.ttl(group_key(room)))


def queue_key(channel_name: str) -> str:
    """The Redis key of the queue that holds messages for this channel's server process."""
    process_part = channel_name.split("!", 1)[0] + "!"
    return f"asgi{process_part}"


async def queued_messages(redis_url: str, channel_name: str) -> int:
    """How many messages wait in Redis for the server process of `channel_name` (ZCARD)."""
    async with redis.Redis.from_url(redis_url) as client:
        return int(await client.zcard(queue_key(channel_name)))


async def wait_for_empty_queue(redis_url: str, channel_name: str, timeout: float = 10.0) -> None:
    """Wait until the process of `channel_name` has taken every waiting message out of Redis."""

    async def is_empty() -> bool:
        return await queued_messages(redis_url, channel_name) == 0

    await eventually(is_empty, timeout=timeout, what=f"the queue of {queue_key(channel_name)} is empty")
