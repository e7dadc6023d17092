"""Redis that fails over: primaries, each with a replica, watched by three sentinels.

Everything is the embedded server binary (valkey-server, or redis-server on Python 3.10), the
sentinels being that binary in --sentinel mode, each process our child on a free loopback port
with its files in one temporary folder. One primary is Sentinel as the channels_redis README
shows it; several are shards that each fail over on their own (docs/scaling-redis.md).

    with ReplicatedRedis(["chat"]) as redis:
        redis.hosts                          # REDIS_HOSTS, for deploy/ and the checks
        killed = redis.kill_primary("chat")  # SIGKILL, as a crash would
        redis.wait_for_promotion("chat")     # the sentinels agree on the replica: +switch-master
        redis.bring_back(killed, "chat")     # it returns as a replica of the new primary
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Sequence

import redis

from workshop.running.ports import LOOPBACK, free_port
from workshop.running.processes import LoggedProcess, ProcessFailedToStart
from workshop.running.redis_server import NO_SERVER_HELP, EmbeddedRedis, find_server_binary
from workshop.running.waiting import until

SENTINELS = 3
QUORUM = 2  # sentinels that must agree a primary is down before one of them fails it over
# Silence after which a sentinel calls a primary down: the floor of a failover. Keep it above
# Sentinel's 1 s ping period. A switch resets a sentinel's link to the new primary, and its first
# PING goes out a ping period later; at 1000 ms the sentinels called the primary they had just
# promoted down before its PONG came back (11 unprompted second failovers in 20; none at 1500),
# and meanwhile redis-py refuses a primary they flag down, so clients could not connect.
DOWN_AFTER_MS = 1500
# A failover that stalls is given up after this. Sentinel also starts no new failover of the same
# primary within twice this of the last one's start (sentinel.c): faults closer than that measure
# that rule, not a failover, so `wait_until_ready_for_a_fault` spaces them.
FAILOVER_TIMEOUT_MS = 2000
# No 5 s wait before a diskless full sync (valkey's default), so a returning server syncs at once.
SERVER_OPTIONS = ["--repl-diskless-sync-delay", "0"]
STARTUP_TIMEOUT = 20.0
FAILOVER_TIMEOUT = 30.0  # how long we wait for a promotion before calling the failover failed
# A sentinel's log line starts "PID:X 25 Nov 2026 08:46:56.750 # ...": the time the event happened.
LOG_TIME = re.compile(r"^\d+:X (\d+ \w+ \d+ [\d:.]+) ")


@dataclass
class Shard:
    """One master name: the two servers that take turns being its primary."""

    name: str
    servers: tuple[EmbeddedRedis, EmbeddedRedis]


class ReplicatedRedis:
    """Primaries with a replica each (one per name), and three sentinels watching all of them."""

    def __init__(self, names: Sequence[str] = ("chat",), binary: Path | None = None) -> None:
        found = binary or find_server_binary()
        if found is None:
            raise FileNotFoundError(NO_SERVER_HELP)
        self.binary = found
        self.names = list(names)
        self.shards: dict[str, Shard] = {}
        self.sentinels: list[LoggedProcess] = []
        self.sentinel_ports: list[int] = []
        self.folder: Path | None = None
        self._next_failover_allowed: dict[str, float] = {}  # monotonic times, by master name

    # Starting and stopping

    def start(self) -> ReplicatedRedis:
        """Primaries, then their replicas (until in sync), then the sentinels (until they know
        each other, which is when a failover can win a vote)."""
        self.folder = Path(tempfile.mkdtemp(prefix="workshop-sentinel-"))
        try:
            for name in self.names:
                primary = EmbeddedRedis(self.binary, options=SERVER_OPTIONS).start()
                replica = EmbeddedRedis(self.binary, options=self._replica_of(primary))
                self.shards[name] = Shard(name, (primary, replica))
                replica.start()
            for shard in self.shards.values():
                wait_until_replicating(shard.servers[1])
            for number in range(SENTINELS):
                self._start_sentinel(number)
            for name in self.names:
                self.wait_until_settled(name, STARTUP_TIMEOUT)
        except BaseException:
            self.close()
            raise
        return self

    def _start_sentinel(self, number: int) -> None:
        assert self.folder is not None
        for _attempt in range(3):
            port = free_port()
            config = self.folder / f"sentinel-{number}.conf"  # a sentinel rewrites its own file
            config.write_text(self._sentinel_config(port))
            process = LoggedProcess([str(self.binary), str(config), "--sentinel"], tail_lines=1000)
            try:
                process.wait_for_lines(r"\+monitor master ", len(self.names), STARTUP_TIMEOUT)
            except ProcessFailedToStart as error:
                process.stop()
                if "in use" in str(error):
                    continue  # another process took the port between asking and binding
                raise
            self.sentinels.append(process)
            self.sentinel_ports.append(port)
            return
        raise ProcessFailedToStart(f"{self.binary} --sentinel could not find a free port to bind.")

    def _sentinel_config(self, port: int) -> str:
        lines = [f"port {port}", f"bind {LOOPBACK}", "daemonize no", 'logfile ""', f"dir {self.folder}"]
        for name, shard in self.shards.items():
            primary, replica = shard.servers
            lines += [
                f"sentinel monitor {name} {LOOPBACK} {primary.port} {QUORUM}",
                f"sentinel down-after-milliseconds {name} {DOWN_AFTER_MS}",
                f"sentinel failover-timeout {name} {FAILOVER_TIMEOUT_MS}",
                # Sentinel finds replicas by asking the primary every 10 s; name it from the start,
                # as Sentinel itself writes it here, so a failover can promote it at once.
                f"sentinel known-replica {name} {LOOPBACK} {replica.port}",
            ]
        return "\n".join(lines) + "\n"

    def close(self) -> None:
        """Sentinels first (so none starts a failover as the servers stop), then the servers."""
        for sentinel in self.sentinels:
            sentinel.stop()
        self.sentinels.clear()
        for shard in self.shards.values():
            for server in shard.servers:
                server.close()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> ReplicatedRedis:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # What clients use

    @property
    def hosts(self) -> str:
        """REDIS_HOSTS (deploy/channel_layer_hosts.py): one sentinel:// entry per master name."""
        sentinels = ",".join(f"{LOOPBACK}:{port}" for port in self.sentinel_ports)
        return " ".join(f"sentinel://{sentinels}/{name}" for name in self.names)

    def primary(self, name: str) -> EmbeddedRedis:
        """The server the sentinels call `name`'s primary now."""
        with redis.Redis(host=LOOPBACK, port=self.sentinel_ports[0], decode_responses=True) as sentinel:
            _host, port = sentinel.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", name)
        return next(server for server in self.shards[name].servers if server.port == int(port))

    # Faults

    def kill_primary(self, name: str) -> EmbeddedRedis:
        """SIGKILL `name`'s primary, as a crash or the OOM killer would; return it (stopped)."""
        primary = self.primary(name)
        primary.kill()
        return primary

    def log_marks(self) -> list[int]:
        """How many lines each sentinel has printed: a mark to wait for later events after."""
        return [sentinel.line_count for sentinel in self.sentinels]

    def wait_for_promotion(self, name: str, after: list[int], timeout: float = FAILOVER_TIMEOUT) -> float:
        """Wait until every sentinel has switched `name` to its new primary (+switch-master) after
        `after` (log_marks()); return the Unix time the first one did, read from its log."""
        moments = []
        for sentinel, mark in zip(self.sentinels, after):
            line = sentinel.wait_for_line(rf"\+switch-master {re.escape(name)} ", timeout, after=mark)
            moments.append(_logged_at(line.string))
        # Twice failover-timeout, plus the up to 1 s each sentinel adds to desynchronise attempts.
        self._next_failover_allowed[name] = time.monotonic() + 2 * FAILOVER_TIMEOUT_MS / 1000 + 1
        return min(moments)

    def bring_back(self, server: EmbeddedRedis, name: str, timeout: float = FAILOVER_TIMEOUT) -> None:
        """Start a killed server of `name` again, as a replica; return once the sentinels see it so."""
        self.restart_as_replica(server, name)
        wait_until_replicating(server, timeout)
        self.wait_until_settled(name, timeout)

    def restart_as_replica(self, server: EmbeddedRedis, name: str) -> None:
        """Start a killed server of `name` again on its port, as a replica of the primary now.

        (Started as it was, it would come back as an empty primary until a sentinel noticed and
        demoted it, +convert-to-slave.) Clients never reach it: they ask the sentinels where the
        primary is. Call from the main thread: a child dies with the thread that started it.
        """
        server.options = self._replica_of(self.primary(name))
        server.start()

    @staticmethod
    def _replica_of(primary: EmbeddedRedis) -> list[str]:
        return [*SERVER_OPTIONS, "--replicaof", LOOPBACK, str(primary.port)]

    def wait_until_settled(self, name: str, timeout: float = FAILOVER_TIMEOUT) -> None:
        """Wait until every sentinel sees `name`'s primary up, its replica up and in sync, and
        the other sentinels."""
        until(
            lambda: all(_settled(port, name) for port in self.sentinel_ports),
            timeout=timeout,
            what=f"the sentinels of {name} agree it is whole",
        )

    def wait_until_ready_for_a_fault(self, name: str, timeout: float = FAILOVER_TIMEOUT) -> None:
        """Settled, and past the moment Sentinel would start a new failover of `name` (see
        FAILOVER_TIMEOUT_MS): a fault now measures a failover, not the end of the last one."""
        self.wait_until_settled(name, timeout)
        time.sleep(max(0.0, self._next_failover_allowed.get(name, 0.0) - time.monotonic()))


def wait_until_replicating(server: EmbeddedRedis, timeout: float = STARTUP_TIMEOUT) -> None:
    """Wait until `server` is a replica whose link to its primary is up (INFO replication)."""
    with redis.Redis.from_url(server.url, decode_responses=True) as client:

        def in_sync() -> bool:
            info = client.info("replication")
            return info.get("role") == "slave" and info.get("master_link_status") == "up"

        until(in_sync, timeout=timeout, what=f"{server.url} is a replica in sync")


def _settled(sentinel_port: int, name: str) -> bool:
    """One sentinel's view of `name`: primary up, one replica up and linked, the others known."""
    with redis.Redis(host=LOOPBACK, port=sentinel_port, decode_responses=True) as sentinel:
        primary = sentinel.sentinel_master(name)
        replicas = sentinel.sentinel_slaves(name)
    linked = [
        r
        for r in replicas
        if r.get("is_slave") and not r.get("is_sdown") and r.get("master-link-status") == "ok"
    ]
    return (
        primary.get("is_master") and not (primary.get("is_sdown") or primary.get("is_odown"))
        and int(primary.get("num-other-sentinels", 0)) == SENTINELS - 1
        and len(linked) >= 1
    )  # fmt: skip


def _logged_at(line: str) -> float:
    match = LOG_TIME.match(line)
    if match is None:
        return time.time()
    return datetime.strptime(match.group(1), "%d %b %Y %H:%M:%S.%f").timestamp()
