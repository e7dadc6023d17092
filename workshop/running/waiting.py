"""Waiting for a state we can observe (a Redis key, a process), with a deadline instead of a guess."""

from __future__ import annotations

import asyncio
import inspect
import time
from typing import Any, Callable

POLL_INTERVAL = 0.02


async def eventually(check: Callable[[], Any], *, timeout: float, what: str) -> Any:
    """Call `check` until it returns something truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"after {timeout:.0f} s, still not true: {what}")
        await asyncio.sleep(POLL_INTERVAL)


def until(check: Callable[[], Any], *, timeout: float, what: str) -> Any:
    """`eventually` for code outside an event loop (the toolkit's own start and stop)."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"after {timeout:.0f} s, still not true: {what}")
        time.sleep(POLL_INTERVAL)
    return result
