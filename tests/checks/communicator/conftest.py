"""Loads one step's Django project in this process, so its consumer can be driven in memory.

Each step is its own `mysite`, and Django settings are per process, so tests/checks/test_communicator.py
runs this folder once per step, with WORKSHOP_STEP_DIR naming the step (and REDIS_URL the run's
Redis: the channel layer here is the step's own RedisChannelLayer, not a stand-in).
"""

import os
import sys
from pathlib import Path

import django
import pytest
from channels.testing import WebsocketCommunicator

from workshop.protocol import unique_room_name

STEP_DIR = Path(os.environ["WORKSHOP_STEP_DIR"])
sys.path.insert(0, str(STEP_DIR))
os.environ["DJANGO_SETTINGS_MODULE"] = "mysite.settings"
django.setup()

ORIGIN = (b"origin", b"http://127.0.0.1")


@pytest.fixture
def communicator():
    """Make communicators on the step's whole ASGI application (origin check, auth, routing)."""
    from mysite.asgi import application

    def open_at(path, headers=(ORIGIN,)):
        return WebsocketCommunicator(application, path, headers=list(headers))

    return open_at


@pytest.fixture
def room():
    """A room name no other test uses, even on a shared Redis."""
    return unique_room_name("room")


@pytest.fixture
async def connected(communicator):
    """Connect to a room path and return the communicator; disconnect at the end of the test."""
    live = []

    async def connect(path):
        comm = communicator(path)
        connected, _ = await comm.connect()
        assert connected, f"{path} was not accepted"
        live.append(comm)
        return comm

    yield connect
    for comm in live:
        await comm.disconnect()
