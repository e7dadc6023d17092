"""The production stack of deploy/ for the checks: real nginx, supervisord, daphne workers, Redis.

One stack serves a whole module (starting one takes about 3 s); a check that breaks or reconfigures
it starts its own with `own_stack`. Without nginx these checks fail in CI and are skipped elsewhere,
saying how to install it.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterator

import pytest
from harness.pages import chromium, missing

from workshop.running.nginx import NGINX_HELP, find_nginx
from workshop.running.production import ProductionStack, start_production
from workshop.steps import last_step

WORKERS = 2
# A PostgreSQL of your own for a step with a database (.ci/run passes the machine's); else each stack
# starts one.
DATABASE_URL = os.environ.get("DATABASE_URL") or None


@pytest.fixture(scope="session")
def production_step():
    """The step deploy/ is written for: the last one (make production's default), with its database."""
    return last_step()


def _needs_nginx() -> None:
    if find_nginx() is None:
        missing(NGINX_HELP)


@pytest.fixture(scope="module")
def production_stack(redis_url: str, production_step) -> Iterator[ProductionStack]:
    _needs_nginx()
    with start_production(
        production_step, redis_url=redis_url, workers=WORKERS, database_url=DATABASE_URL
    ) as stack:
        yield stack
        assert not stack.workers.crashes, "a worker logged a crash:\n" + "\n".join(stack.workers.crashes)


@pytest.fixture
def own_stack(redis_url: str, production_step) -> Iterator[Callable[..., ProductionStack]]:
    """Start a stack of the test's own (to kill workers in, or with other timeouts); stopped after."""
    _needs_nginx()
    started: list[ProductionStack] = []

    def start(**options: Any) -> ProductionStack:
        started.append(
            start_production(
                production_step,
                **{"redis_url": redis_url, "workers": WORKERS, "database_url": DATABASE_URL, **options},
            )
        )
        return started[-1]

    yield start
    for stack in started:
        stack.stop()


@pytest.fixture
def browser(production_stack: ProductionStack):
    """Chromium that accepts the stack's certificate, and only that one."""
    with chromium(production_stack.certificate.chromium_args()) as browser:
        yield browser
