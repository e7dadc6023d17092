"""What a notebook starts: one Redis and any number of step servers, all stopped with the kernel.

workshop = NotebookWorkshop()
server = workshop.start("02")                              # daphne on a free port
other = workshop.start("02", settings="in_memory_layer")   # a variant, see workshop/variants/
stack = workshop.start_production("03")                    # nginx, TLS, 2 workers (deploy/)
sentinel = workshop.start_sentinel()                       # a primary, a replica, 3 sentinels
on_it = workshop.start("03", redis_hosts=sentinel.hosts)   # its channel layer through them
workshop.stop(other)
workshop.close()                                           # also runs when the kernel exits
"""

from __future__ import annotations

import atexit
import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from workshop.running.processes import keep_niceness_in_own_session
from workshop.running.redis_server import workshop_redis
from workshop.running.step_server import StepServer, start_step_server
from workshop.steps import find_step

if TYPE_CHECKING:
    from workshop.running.production import ProductionStack
    from workshop.running.sentinel import ReplicatedRedis
    from workshop.running.shards import ShardedRedis


class NotebookWorkshop:
    """Starts Redis (REDIS_URL, else an embedded server) on first use, and servers on demand."""

    def __init__(self) -> None:
        keep_niceness_in_own_session()  # Jupyter starts each kernel in a session of its own
        self._resources = contextlib.ExitStack()
        self._redis_url: str | None = None
        self.redis_description = ""
        self.servers: list[StepServer] = []
        atexit.register(self.close)

    @property
    def redis_url(self) -> str:
        if self._redis_url is None:
            choice = self._resources.enter_context(workshop_redis(use_local=False))
            self._redis_url, self.redis_description = choice.url, choice.description
        return self._redis_url

    def step_folder(self, step: str) -> Path:
        """Where `step` ("02", say) lives: its manage.py and mysite/."""
        return find_step(step).folder

    def start(self, step: str, *, settings: str | None = None, redis_hosts: str | None = None) -> StepServer:
        """Start one daphne process of `step` ("02", say) and return once it listens; its channel
        layer on the workshop's Redis, or on `redis_hosts` (Sentinel, shards)."""
        server = start_step_server(
            find_step(step),
            settings=settings,
            redis_hosts=redis_hosts,
            redis_url=None if redis_hosts else self.redis_url,
        )
        self.servers.append(server)
        return server

    def start_production(self, step: str, *, workers: int = 2) -> ProductionStack:
        """Start `step` the production way (workshop/running/production.py); stopped on close()."""
        from workshop.running.production import start_production

        stack = start_production(find_step(step), redis_url=self.redis_url, workers=workers)
        self._resources.callback(stack.stop)
        return stack

    def start_sentinel(self, names: tuple[str, ...] = ("chat",)) -> ReplicatedRedis:
        """A primary and a replica per name, three sentinels watching (workshop/running/sentinel.py)."""
        from workshop.running.sentinel import ReplicatedRedis

        return self._resources.enter_context(ReplicatedRedis(names))

    def start_shards(self, count: int) -> ShardedRedis:
        """`count` independent Redis servers for a sharded channel layer (workshop/running/shards.py)."""
        from workshop.running.shards import ShardedRedis

        return self._resources.enter_context(ShardedRedis(count))

    def stop(self, server: StepServer) -> None:
        server.stop()
        self.servers.remove(server)

    def close(self) -> None:
        for server in list(self.servers):
            self.stop(server)
        self._resources.close()
        self._redis_url = None
