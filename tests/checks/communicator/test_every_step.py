"""Every step, in memory: frames are checked before anything is relayed, and bad rooms are refused."""

import json

import pytest

from workshop.protocol import MAX_MESSAGE_LENGTH, ROOM_REFUSED


async def test_a_good_message_comes_back(connected):
    alice = await connected("/ws/chat/lobby/")
    await alice.send_json_to({"message": "hello"})
    assert (await alice.receive_json_from())["message"] == "hello"


@pytest.mark.parametrize(
    "frame",
    [
        "not json",
        "[]",
        '{"text": "hi"}',
        '{"message": 1}',
        '{"message": ""}',
        json.dumps({"message": "x" * (MAX_MESSAGE_LENGTH + 1)}),
    ],
)
async def test_a_bad_text_frame_is_answered_with_an_error_and_the_socket_stays_open(connected, frame):
    alice = await connected("/ws/chat/lobby/")
    await alice.send_to(text_data=frame)
    assert "error" in await alice.receive_json_from()
    await alice.send_json_to({"message": "still here"})
    assert (await alice.receive_json_from())["message"] == "still here"


async def test_a_binary_frame_is_answered_with_an_error(connected):
    alice = await connected("/ws/chat/lobby/")
    await alice.send_to(bytes_data=b"\x00\x01")
    assert "binary" in (await alice.receive_json_from())["error"]


@pytest.mark.parametrize("path", ["/ws/chat/bad name/", "/ws/chat/" + "r" * 95 + "/", "/ws/nowhere/"])
async def test_a_socket_that_is_not_a_room_gets_a_reason_then_the_refusal_code(communicator, path):
    refused = communicator(path)
    connected, _ = await refused.connect()
    assert connected  # accepted, so the reason can be sent
    assert "room name" in (await refused.receive_json_from())["error"]
    assert await refused.receive_output() == {
        "type": "websocket.close",
        "code": ROOM_REFUSED,
        "reason": "not a chat room address",
    }
    await refused.disconnect()  # what daphne sends once the close handshake is done


async def test_a_socket_from_a_foreign_origin_is_rejected(communicator):
    foreign = communicator("/ws/chat/lobby/", headers=[(b"origin", b"http://evil.example")])
    connected, _ = await foreign.connect()
    assert not connected
