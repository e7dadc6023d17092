"""Arbitrary frames thrown at a room: one clear answer each, and the room sees only valid messages.

Property-based (hypothesis), bounded in examples and time. Every example opens a fresh pair of
real WebSocket clients on the step's real daphne.
"""

import asyncio
import json
import uuid

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from workshop.protocol import MAX_MESSAGE_LENGTH, SYNC_MARKER_PREFIX, unique_room_name
from workshop.running.clients import ChatClient

pytestmark = pytest.mark.live

ROOM = unique_room_name("hostile")  # not shared with another run on the same Redis

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
FRAMES = st.one_of(
    st.text(max_size=300),  # arbitrary text, mostly not JSON
    st.binary(max_size=300),  # binary frames
    JSON_VALUES.map(json.dumps),  # JSON that is rarely an object with a string "message"
    st.dictionaries(st.sampled_from(["message", "type", "text", "client_id"]), JSON_VALUES, max_size=3).map(
        json.dumps
    ),
    # A chat message with the page's client_id (step 05 stores it), well-formed or not.
    st.fixed_dictionaries(
        {
            "message": st.text(max_size=20),
            "client_id": st.uuids().map(str) | st.uuids().map(lambda u: str(u).upper()) | JSON_VALUES,
        }
    ).map(json.dumps),
    st.text(max_size=MAX_MESSAGE_LENGTH + 100).map(
        lambda text: json.dumps({"message": text})
    ),  # empty, normal, over the cap
    st.integers(MAX_MESSAGE_LENGTH + 1, 60_000).map(
        lambda length: json.dumps({"message": "x" * length})
    ),  # far over it
    st.text(min_size=1, max_size=40).map(
        lambda text: json.dumps({"type": "websocket.close", "message": text})
    ),
)


def relayed_message(frame):
    """What a well-formed frame asks the room to hear; None for a frame that must be refused."""
    if isinstance(frame, bytes):
        return None
    try:
        data = json.loads(frame)
    except ValueError:
        return None
    if isinstance(data, dict) and isinstance(data.get("message"), str) and _no_or_uuid(data.get("client_id")):
        message = data["message"]
        if message.strip() and len(message) <= MAX_MESSAGE_LENGTH:
            return message
    return None


def _no_or_uuid(client_id):
    """A chat message may carry the page's id for it: a UUID string, or nothing."""
    if client_id is None:
        return True
    try:
        return isinstance(client_id, str) and str(uuid.UUID(client_id)) == client_id.lower()
    except ValueError:
        return False


# In a step that stores messages (05 on), a client_id is one message: sent again with other text,
# the room hears what was stored under it first. By (project, client_id), for this run.
FIRST_STORED = {}


@pytest.fixture
def server(shared_servers, any_project):
    return shared_servers(any_project)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frame=FRAMES)
def test_every_frame_gets_exactly_one_answer_and_the_room_hears_only_valid_messages(server, frame):
    expected = relayed_message(frame)
    # Our clients read a message starting with the sync marker as their own bookkeeping, not chat.
    assume(expected is None or not expected.startswith(SYNC_MARKER_PREFIX))
    asyncio.run(_throw(server, frame))


async def _throw(server, frame):
    async with (
        await ChatClient.join(server, ROOM, "mallory") as mallory,
        await ChatClient.join(server, ROOM, "bob") as bob,
    ):
        await mallory.send_frame(frame)
        answer = await mallory.next_frame()
        expected = relayed_message(frame)
        if expected is None:
            assert set(answer) == {"error"}, answer
        else:
            client_id = json.loads(frame).get("client_id")
            if "id" in answer and client_id is not None:
                expected = FIRST_STORED.setdefault((server.project, str(uuid.UUID(client_id))), expected)
            # the message, and in a step with users its sender's name from the session (in a step
            # with history, its id and client_id besides)
            said = {key: value for key, value in answer.items() if key not in ("id", "client_id")}
            assert said == {"message": expected, **({"user": "mallory"} if server.accounts else {})}
        # bob hears mallory's message if it was valid and it is a room (not the echo of step 01)
        heard = [frame.get("message") for frame in await bob.received_before_sync()]
        assert all(message == expected for message in heard), heard
        await mallory.say("still talking")  # the sender's socket survived whatever it sent
        assert await mallory.next_message() == "still talking"
