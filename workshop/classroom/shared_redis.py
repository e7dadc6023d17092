"""The classroom's one Redis: the instructor's embedded server on an address the laptops reach.

The instructor's own user has a password; the learners get an ACL user that can do what
channels_redis does with its own keys and nothing else, so no laptop can flush, reconfigure or
stop the room's Redis, or read keys that are not the channel layer's.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import quote

from workshop.running.redis_server import EmbeddedRedis

LEARNER_USER = "learner"
# channels_redis's default prefix: every key the channel layer writes starts with it
# (asgi:group:<group>, asgi<process>!, and a receive's <channel>$inflight backup).
LAYER_KEY_PATTERN = "asgi*"
# What channels_redis 4 sends (channels_redis/core.py): a queue or a group is a sorted set; a send is
# ZCOUNT, ZADD and EXPIRE; a receive BZPOPMIN, then ZPOPMIN of its backup; group_send a MULTI/EXEC
# pipeline and a Lua script (EVAL, checked per key inside); group_discard ZREM. redis-py adds PING
# for health checks and CLIENT SETINFO on connect.
LEARNER_COMMANDS = (
    "ping",
    "zadd",
    "zcount",
    "zrange",
    "zrem",
    "zremrangebyscore",
    "zpopmin",
    "bzpopmin",
    "expire",
    "del",
    "eval",
    "evalsha",
    "multi",
    "exec",
    "discard",
    "client|setinfo",
)


def learner_acl_rule(password: str) -> list[str]:
    """The ACL SETUSER rule of the learners' user, one token per argument."""
    commands = [f"+{command}" for command in LEARNER_COMMANDS]
    return ["on", f">{password}", "resetkeys", f"~{LAYER_KEY_PATTERN}", "resetchannels", "-@all", *commands]


@dataclass
class ClassroomRedis:
    """The shared server; `learner_url` is what the laptops get, `admin_url` what the board uses."""

    server: EmbeddedRedis
    learner_password: str

    @property
    def admin_url(self) -> str:
        return self.server.url

    @property
    def learner_url(self) -> str:
        password = quote(self.learner_password, safe="")
        return f"redis://{LEARNER_USER}:{password}@{self.server.host}:{self.server.port}/0"

    def close(self) -> None:
        self.server.close()


def start_classroom_redis(address: str, port: int | None = None) -> ClassroomRedis:
    """Start the shared Redis on `address` (the instructor's LAN address), with the learners' user.

    The user is part of the server's arguments (`--user`), so a restart brings it back with it.
    """
    learner_password = secrets.token_urlsafe(12)
    server = EmbeddedRedis(
        port=port,
        host=address,
        password=secrets.token_urlsafe(16),
        options=["--user", LEARNER_USER, *learner_acl_rule(learner_password)],
    ).start()
    return ClassroomRedis(server, learner_password)
