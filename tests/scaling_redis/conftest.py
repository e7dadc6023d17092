"""Redis in several pieces for the checks: a Sentinel-watched primary, and shards.

Every server and sentinel is the embedded binary, our child on a free loopback port
(workshop/running/sentinel.py); a check that breaks one brings it back or starts its own.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from workshop.running.sentinel import ReplicatedRedis


@pytest.fixture(scope="module")
def sentinel_redis() -> Iterator[ReplicatedRedis]:
    """A primary, its replica and three sentinels, for a module's checks; they fail it over."""
    with ReplicatedRedis(["chat"]) as replicated:
        yield replicated
