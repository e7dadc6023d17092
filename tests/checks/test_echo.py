"""Step 01: the server answers each message to its sender, and only to its sender."""

import pytest

from workshop.running.clients import ChatClient

pytestmark = pytest.mark.live


@pytest.fixture
def server(shared_servers, echo_project):
    return shared_servers(echo_project)


@pytest.mark.hint(
    'alice sent {"message": "hello, echo"} and got nothing back: does receive() end with self.send(text_data=json.dumps({"message": message}))?'
)
async def test_sender_gets_its_own_message_back(server, unique_room):
    async with await ChatClient.join(server, unique_room("echo"), "alice") as alice:
        await alice.say("hello, echo")
        assert await alice.next_message() == "hello, echo"


@pytest.mark.hint(
    "alice should hear her echo and bob, in the same room, nothing: step 01 answers only the sender, with self.send (no group)."
)
async def test_another_client_in_the_same_room_sees_nothing(server, unique_room):
    room = unique_room("lobby")
    async with (
        await ChatClient.join(server, room, "alice") as alice,
        await ChatClient.join(server, room, "bob") as bob,
    ):
        await alice.say("only for me")
        assert await alice.next_message() == "only for me"
        assert await bob.received_before_sync() == []


@pytest.mark.hint(
    "alice's messages (Japanese, markup, spaces, a line break) should come back exactly as sent: "
    'send the "message" string through json.dumps, unchanged.'
)
async def test_unicode_and_markup_come_back_unchanged(server, unique_room):
    async with await ChatClient.join(server, unique_room("echo"), "alice") as alice:
        for text in ["こんにちは 🌸", "<img src=x onerror=alert(1)>", "  spaces kept  ", "line\nbreak"]:
            await alice.say(text)
            assert await alice.next_message() == text
