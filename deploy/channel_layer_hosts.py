"""The channel layer's Redis, read from the environment: one server, Sentinel, or several shards.

REDIS_HOSTS holds one entry per shard, separated by spaces. channels_redis hashes each group
name and each server process's queue name onto one of them, so every process must be given the
same list in the same order, and changing it moves keys (docs/scaling-redis.md). An entry is

  redis://HOST:PORT/DB                           one Redis server (rediss:// for TLS)
  sentinel://HOST:PORT,HOST:PORT,.../NAME[/DB]   the primary that these sentinels call NAME

Without REDIS_HOSTS, the step's own host stands (REDIS_URL, as `make run` uses it). Either way
mysite/guards.py gives each host its retry after a Redis restart, as it does in the steps.
"""

import os
from urllib.parse import urlsplit

from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import SentinelManagedConnection
from redis.backoff import NoBackoff

# Room for a burst: a group_send to a server process whose queue in Redis already holds
# `capacity` messages is dropped without an error (channels_redis's default: 100). 2000 holds
# 10 rooms x 10 clients x 20 messages sent at once (docs/delivery-guarantees.md). Production has it
# (make_production_layer); the checks and the benchmark load the steps with it too
# (workshop/variants/burst_capacity.py).
BURST_CAPACITY = 2000

# Asking a sentinel where the primary is must be quick. redis-py's defaults for a sentinel client
# are a 5 s timeout and retries with backoff, before it asks the next sentinel: seconds lost
# to one dead sentinel. Here one try each, one second at most; the other sentinels answer.
SENTINEL_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1, "retry": Retry(NoBackoff(), 0)}


class ReconnectsThroughSentinels(SentinelManagedConnection):
    """A connection to the primary that, whenever it reconnects, asks the sentinels where to.

    redis-py asks them when a pool hands a connection out, but a command retried after an error
    (the `retry_on_error` mysite/guards.py gives it) reconnects to the address the connection last had
    (redis-py#3874). After a failover that is the old primary; once it is back as a replica the
    retry reaches it, fails READONLY ("The previous master is now a slave") and the socket
    closes. Seen in the failover check under load; tests/scaling_redis/test_sentinel.py shows it.
    """

    async def connect_check_health(
        self, check_health: bool = True, retry_socket_connect: bool = True
    ) -> None:
        if retry_socket_connect and self.connection_pool.is_master and not self.is_connected:
            await self.connect()  # the checkout's way: the sentinels' primary, then its handshake
            return
        await super().connect_check_health(
            check_health=check_health, retry_socket_connect=retry_socket_connect
        )


def make_production_layer(config: dict, connection_class: type | None = None) -> None:
    """Turn a step's channel layer CONFIG into production's, in place: its hosts from the
    environment (hosts_from_environment), room for a burst (BURST_CAPACITY). deploy/settings.py
    calls it, and so does the checks' redis_hosts settings variant, so both run the same layer."""
    config["hosts"] = hosts_from_environment(config["hosts"][0], connection_class=connection_class)
    config["capacity"] = BURST_CAPACITY


def hosts_from_environment(step_host: dict, connection_class: type | None = None) -> list[dict]:
    """The `hosts` of CHANNEL_LAYERS: REDIS_HOSTS's entries, each with the step's host options
    (timeouts, pool size), or the step's own host without REDIS_HOSTS. Every host connects with
    `connection_class` when one is given (the steps': mysite/guards.py)."""
    options = dict(step_host)
    if connection_class is not None:
        options["connection_class"] = connection_class
    value = os.environ.get("REDIS_HOSTS", "").strip()
    if not value:
        return [options]
    options.pop("address", None)
    return [{**options, **_host(entry, options.get("connection_class"))} for entry in value.split()]


def through_sentinels(step_connection: type | None) -> type:
    """ReconnectsThroughSentinels, keeping what the step's own connection class adds (its
    cancellations, mysite/guards.py), when it names one: in the connection to the primary,
    and in the clients that ask the sentinels where the primary is. A cancellation lost while one
    asked them (Python 3.10 and 3.11) kept a consumer whose client had left reading on, 5 s at a
    time, and a handshake to its server unanswered until daphne dropped it: after a shard's
    failover, one member came back 2-4 s after the others."""
    if step_connection is None:
        return ReconnectsThroughSentinels

    class StepConnectionThroughSentinels(ReconnectsThroughSentinels, step_connection):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            # redis-py makes the sentinels' clients itself, with no connection class to give it.
            for sentinel in self.connection_pool.sentinel_manager.sentinels:
                sentinel.connection_pool.connection_class = step_connection

    StepConnectionThroughSentinels.__name__ = f"{step_connection.__name__}ThroughSentinels"
    return StepConnectionThroughSentinels


def _host(entry: str, step_connection: type | None = None) -> dict:
    parts = urlsplit(entry)
    if parts.scheme in ("redis", "rediss"):
        return {"address": entry}
    if parts.scheme != "sentinel":
        raise ValueError(f"REDIS_HOSTS: {entry!r} is neither redis://... nor sentinel://...")
    name, _, db = parts.path.strip("/").partition("/")
    if not name or not parts.netloc:
        raise ValueError(f"REDIS_HOSTS: {entry!r} needs sentinel://HOST:PORT,.../NAME")
    sentinels = []
    for address in parts.netloc.split(","):
        host, _, port = address.rpartition(":")
        sentinels.append((host.strip("[]"), int(port)))  # [::1]:26379 is the IPv6 host ::1
    return {
        "sentinels": sentinels,
        "master_name": name,
        "db": int(db or 0),
        "sentinel_kwargs": SENTINEL_OPTIONS,
        "connection_class": through_sentinels(step_connection),
    }
