"""A look inside Redis: a room's group, and the queue of messages waiting for a server process.

channels_redis keeps each group as a sorted set named `<prefix>:group:<group name>` (prefix
"asgi" by default) whose members are channel names, scored by the time they joined.

A channel name looks like `specific.<process id>!<connection id>`. All connections of one
server process share one queue, a sorted set named `<prefix><process part>` (for example
`asgispecific.3f9c…!`), which that process drains. `capacity` (default 100) caps that queue.

Each function takes `where`: one Redis URL, or a REDIS_HOSTS value (deploy/channel_layer_hosts.py:
shards, Sentinel). With several shards it looks on the one channels_redis hashes the name to
(the group name for a group; the process part, up to "!", for a queue), with channels_redis's own
hash; for a sentinel:// entry, on the primary the sentinels name now.
"""

from __future__ import annotations

import contextlib
from typing import Any, AsyncIterator, cast
from urllib.parse import urlsplit

import redis.asyncio as redis
from channels_redis.utils import _consistent_hash

from workshop.protocol import group_name
from workshop.running.waiting import eventually

GROUP_KEY_PREFIX = "asgi:group:"  # channels_redis keeps a group in the key <prefix><group name>


def group_key(room: str) -> str:
    """The Redis key of the room's group `chat_<room>`."""
    return f"{GROUP_KEY_PREFIX}{group_name(room)}"


def shard_index(hashed_name: str, shards: int) -> int:
    """Which of `shards` hosts channels_redis puts this name on (its own hash, crc32 & 0xFFF)."""
    return _consistent_hash(hashed_name, shards)


def shard_of_room(where: str, room: str) -> int:
    return shard_index(group_name(room), len(where.split()))


def shard_of_process(where: str, channel_name: str) -> int:
    return shard_index(process_of(channel_name) + "!", len(where.split()))


async def url_of_shard(where: str, index: int) -> str:
    """The redis:// URL of one host of `where`; a sentinel:// entry's primary, asked of its sentinels."""
    entry = where.split()[index]
    parts = urlsplit(entry)
    if parts.scheme != "sentinel":
        return entry
    name, _, db = parts.path.strip("/").partition("/")
    for address in parts.netloc.split(","):
        host, _, port = address.rpartition(":")
        try:
            async with redis.Redis(
                host=host, port=int(port), decode_responses=True, socket_timeout=1
            ) as sentinel:
                primary_host, primary_port = await sentinel.execute_command(
                    "SENTINEL", "GET-MASTER-ADDR-BY-NAME", name
                )
            return f"redis://{primary_host}:{primary_port}/{db or 0}"
        except (redis.ConnectionError, redis.TimeoutError, TypeError):
            continue  # this sentinel is down, or knows no primary yet: ask the next
    raise redis.ConnectionError(f"no sentinel of {entry} names a primary")


@contextlib.asynccontextmanager
async def _shard_holding(where: str, index: int, **options: Any) -> AsyncIterator[redis.Redis]:
    async with redis.Redis.from_url(await url_of_shard(where, index), **options) as client:
        yield client


def _room_shard(where: str, room: str, **options: Any) -> contextlib.AbstractAsyncContextManager[redis.Redis]:
    """A client of the Redis that holds the room's group."""
    return _shard_holding(where, shard_of_room(where, room), **options)


def _queue_shard(where: str, channel_name: str) -> contextlib.AbstractAsyncContextManager[redis.Redis]:
    """A client of the Redis that holds the queue of the channel's server process."""
    return _shard_holding(where, shard_of_process(where, channel_name))


async def group_members(where: str, room: str) -> list[str]:
    """The channel names in the room's group, oldest member first (ZRANGE key 0 -1)."""
    async with _room_shard(where, room, decode_responses=True) as client:
        return [str(member) for member in await client.zrange(group_key(room), 0, -1)]


async def group_join_times(where: str, room: str) -> dict[str, float]:
    """Each channel in the room's group with the Unix time it joined: the score group_expiry reads."""
    async with _room_shard(where, room, decode_responses=True) as client:
        scored = cast(list[tuple[str, float]], await client.zrange(group_key(room), 0, -1, withscores=True))
    return {member: float(score) for member, score in scored}


async def wait_for_group_size(where: str, room: str, size: int, timeout: float = 10.0) -> None:
    """Wait until the group holds `size` channels: joins and leaves are done server-side."""

    async def has_size() -> bool:
        return len(await group_members(where, room)) == size

    await eventually(has_size, timeout=timeout, what=f"the group of room {room!r} holds {size} channel(s)")


async def forget_group(where: str, room: str) -> None:
    """Delete one room's group: for a test's own room whose members' server was stopped."""
    async with _room_shard(where, room) as client:
        await client.delete(group_key(room))


def process_of(channel_name: str) -> str:
    """The server process a channel belongs to: its name up to "!" (`specific.<process>`)."""
    return channel_name.split("!", 1)[0]


async def group_expires_in(where: str, room: str) -> int:
    """Seconds until Redis drops the room's group key (channels_redis sets group_expiry on join)."""
    async with _room_shard(where, room) as client:
        return int(await client.ttl(group_key(room)))


def queue_key(channel_name: str) -> str:
    """The Redis key of the queue that holds messages for this channel's server process."""
    return f"asgi{process_of(channel_name)}!"


async def queued_messages(where: str, channel_name: str) -> int:
    """How many messages wait in Redis for the server process of `channel_name` (ZCARD)."""
    async with _queue_shard(where, channel_name) as client:
        return int(await client.zcard(queue_key(channel_name)))


async def wait_for_empty_queue(where: str, channel_name: str, timeout: float = 10.0) -> None:
    """Wait until the process of `channel_name` has taken every waiting message out of Redis."""

    async def is_empty() -> bool:
        return await queued_messages(where, channel_name) == 0

    await eventually(is_empty, timeout=timeout, what=f"the queue of {queue_key(channel_name)} is empty")
