"""Step 01: the server answers each message to its sender, and only to its sender."""

import pytest

from workshop.running.clients import ChatClient

pytestmark = pytest.mark.live


@pytest.fixture
def server(shared_servers, echo_project):
    return shared_servers(echo_project)


async def test_sender_gets_its_own_message_back(server, unique_room):
    async with await ChatClient.join(server, unique_room("echo"), "alice") as alice:
        await alice.say("hello, echo")
        assert await alice.next_message() == "hello, echo"


async def test_another_client_in_the_same_room_sees_nothing(server, unique_room):
    room = unique_room("lobby")
    async with (
        await ChatClient.join(server, room, "alice") as alice,
        await ChatClient.join(server, room, "bob") as bob,
    ):
        await alice.say("only for me")
        assert await alice.next_message() == "only for me"
        assert await bob.received_before_sync() == []


async def test_unicode_and_markup_come_back_unchanged(server, unique_room):
    async with await ChatClient.join(server, unique_room("echo"), "alice") as alice:
        for text in ["こんにちは 🌸", "<img src=x onerror=alert(1)>", "  spaces kept  ", "line\nbreak"]:
            await alice.say(text)
            assert await alice.next_message() == text
