"""Several independent Redis servers that channels_redis shards its keys over.

Each is an EmbeddedRedis of its own (our child, a free loopback port); `hosts` is the REDIS_HOSTS
value that gives them to a step (deploy/channel_layer_hosts.py), in a fixed order: channels_redis
hashes each name onto a position in that list.
"""

from __future__ import annotations

from pathlib import Path

import redis

from workshop.running.redis_server import EmbeddedRedis

OUR_KEYS = "asgi*"  # channels_redis's default prefix: groups (asgi:group:...) and queues (asgispecific...)


class ShardedRedis:
    """`count` servers, started together and stopped together."""

    def __init__(self, count: int, binary: Path | None = None) -> None:
        self.servers = [EmbeddedRedis(binary) for _ in range(count)]

    @property
    def hosts(self) -> str:
        return " ".join(server.url for server in self.servers)

    def keys(self, pattern: str = OUR_KEYS) -> list[list[str]]:
        """The keys matching `pattern` on each shard, in shard order (SCAN, never KEYS)."""
        found = []
        for server in self.servers:
            with redis.Redis.from_url(server.url, decode_responses=True) as client:
                found.append(sorted(client.scan_iter(match=pattern, count=1000)))
        return found

    def start(self) -> ShardedRedis:
        try:
            for server in self.servers:
                server.start()
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        for server in self.servers:
            server.close()

    def __enter__(self) -> ShardedRedis:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()
