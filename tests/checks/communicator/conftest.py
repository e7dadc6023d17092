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
from channels.layers import DEFAULT_CHANNEL_LAYER, channel_layers
from channels.testing import WebsocketCommunicator

from workshop.protocol import unique_room_name

STEP_DIR = Path(os.environ["WORKSHOP_STEP_DIR"])
sys.path.insert(0, str(STEP_DIR))
os.environ["DJANGO_SETTINGS_MODULE"] = "mysite.settings"
django.setup()

ORIGIN = (b"origin", b"http://127.0.0.1")
WAIT = 10  # seconds a communicator waits for the consumer; it only ever decides a failure


class PatientCommunicator(WebsocketCommunicator):
    """A WebsocketCommunicator that waits up to WAIT seconds where its default is 1 s: on a busy
    machine (the suite runs checks side by side) a consumer is slower, never wrong."""

    async def connect(self, timeout=WAIT):
        return await super().connect(timeout)

    async def receive_from(self, timeout=WAIT):
        return await super().receive_from(timeout)

    async def receive_json_from(self, timeout=WAIT):
        return await super().receive_json_from(timeout)

    async def disconnect(self, code=1000, timeout=WAIT):
        return await super().disconnect(code, timeout)


@pytest.fixture(autouse=True)
async def own_channel_layer():
    """Each test its own channel layer. Channels keeps one per process, and channels_redis's holds
    state of the event loop it ran in (its receive lock, its connection pools): carried into the
    next test's loop, a leftover makes that test fail ("bound to a different event loop";
    django/channels#876, channels_redis#367). Closed at the end, in the loop that used it."""
    yield
    layer = channel_layers.backends.pop(DEFAULT_CHANNEL_LAYER, None)
    if layer is not None and hasattr(layer, "close_pools"):
        await layer.close_pools()


def member(name):
    from django.contrib.auth import get_user_model

    if "chat.Message" in _models():
        # A step that stores messages (05 on) needs their author in its database: the run gave
        # this process the step's migrated copy (workshop/running/accounts.py).
        return get_user_model().objects.get_or_create(username=name)[0]
    # Before that, a user never saved, so no database is needed.
    return get_user_model()(username=name)


def _models():
    from django.apps import apps

    return {model._meta.label for model in apps.get_models()}


@pytest.fixture
def communicator():
    """Make communicators on the step's whole ASGI application (origin check, auth, routing)."""
    from mysite.asgi import application

    # A logged-in member, as AuthMiddlewareStack leaves a user already in the scope alone (steps
    # before 04 ignore it). Fetched here, outside the event loop the tests run in.
    alice = member("alice")

    def open_at(path, headers=(ORIGIN,)):
        opened = PatientCommunicator(application, path, headers=list(headers))
        opened.scope["user"] = alice
        return opened

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
        if "chat.Message" in _models():  # a step with history first sends what the room said before
            while "caught_up" not in (frame := await comm.receive_json_from()):
                assert frame.get("history") is True, f"{path} sent {frame} before its catch-up ended"
        live.append(comm)
        return comm

    yield connect
    for comm in live:
        await comm.disconnect()
        # asgiref cancels a consumer still running after the wait, and says nothing: say it here.
        assert not comm.future.cancelled(), f"the consumer did not end within {WAIT} s of its client leaving"
