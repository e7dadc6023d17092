"""Steps 02 and 03: a room's group delivers each message to every member, and only to them.

One suite for both steps: the async rewrite must keep the behaviour. `--rooms-project` points
it at any other project (tests/toolkit/test_ratchet.py points it at step 01 and expects failures).
"""

import pytest

from workshop.running.clients import ChatClient, first_to_close
from workshop.running.groups import group_members, wait_for_group_size

pytestmark = pytest.mark.live

# Longer than every idle timer on the path: daphne and the websockets client both ping after
# 20 s of silence, channels_redis blocks on Redis for 5 s at a time.
SILENCE_SECONDS = 21


@pytest.fixture
def server(shared_servers, rooms_project):
    return shared_servers(rooms_project)


async def test_every_member_receives_each_message_exactly_once_including_the_sender(server, unique_room):
    room = unique_room("lobby")
    members = [await ChatClient.join(server, room, name) for name in ("alice", "bob", "carol")]
    try:
        await members[0].say("hello, room")
        for member in members:
            assert await member.next_message() == "hello, room", member.name
        for member in members:
            assert await member.received_before_sync() == [], f"{member.name} got a duplicate"
    finally:
        for member in members:
            await member.leave()


async def test_member_of_another_room_receives_nothing(server, unique_room):
    lobby, kitchen = unique_room("lobby"), unique_room("kitchen")
    async with (
        await ChatClient.join(server, lobby, "alice") as alice,
        await ChatClient.join(server, kitchen, "carol") as carol,
    ):
        await alice.say("lobby only")
        assert await alice.next_message() == "lobby only"
        assert await carol.received_before_sync() == []


async def test_member_who_left_is_removed_from_the_group_and_the_others_still_chat(
    server, unique_room, redis_url
):
    room = unique_room("lobby")
    alice, bob, carol = [await ChatClient.join(server, room, name) for name in ("alice", "bob", "carol")]
    try:
        members = await group_members(redis_url, room)
        assert len(members) == 3, f"three joined, and the room's group in Redis holds {len(members)}"
        await carol.leave()
        # disconnect() runs group_discard after the close handshake; watch Redis for it.
        await wait_for_group_size(redis_url, room, 2)

        await bob.say("carol has gone")
        assert await alice.next_message() == "carol has gone"
        assert await bob.next_message() == "carol has gone"
    finally:
        await alice.leave()
        await bob.leave()


async def test_a_member_who_leaves_as_a_message_reaches_them_is_still_removed_from_the_group(
    server, fresh_server, rooms_project, unique_room, redis_url
):
    """A message can reach a consumer just as its socket closes; then the consumer's send raises
    and, unguarded, disconnect() never runs (django/channels#1466). Repeated, as it is a race."""
    other = fresh_server(rooms_project)
    room = unique_room("busy")
    alice = await ChatClient.join(server, room, "alice")
    try:
        for round_number in range(30):
            bob = await ChatClient.join(other, room, "bob")  # one name: in a step with users, one login
            await bob.say(f"bob{round_number}: hello and goodbye")
            await alice.read_until(f"bob{round_number}: hello and goodbye")
            await bob.leave()  # bob never read his own message: it may reach him as he closes
            await wait_for_group_size(redis_url, room, 1)
    finally:
        await alice.leave()
        await wait_for_group_size(redis_url, room, 0)


async def test_three_clients_in_two_rooms_give_the_expected_delivery_matrix(server, unique_room):
    lobby, kitchen = unique_room("lobby"), unique_room("kitchen")
    clients = {
        "alice": await ChatClient.join(server, lobby, "alice"),
        "bob": await ChatClient.join(server, lobby, "bob"),
        "carol": await ChatClient.join(server, kitchen, "carol"),
    }
    try:
        for name, client in clients.items():
            await client.say_and_wait(f"from {name}")
        for client in clients.values():
            await client.received_before_sync()

        heard = {name: client.messages for name, client in clients.items()}
        assert heard == {
            "alice": ["from alice", "from bob"],
            "bob": ["from alice", "from bob"],
            "carol": ["from carol"],
        }, f"who heard what: {heard}"
    finally:
        for client in clients.values():
            await client.leave()


async def test_two_server_processes_sharing_redis_deliver_to_each_others_clients(
    server, fresh_server, rooms_project, unique_room, redis_url
):
    other = fresh_server(rooms_project)
    assert other.process.pid != server.process.pid
    room = unique_room("lobby")
    async with (
        await ChatClient.join(server, room, "alice") as alice,
        await ChatClient.join(other, room, "bob") as bob,
    ):
        assert len(await group_members(redis_url, room)) == 2, (
            "one group in Redis, members from both processes"
        )
        await alice.say("hello from process one")
        assert await bob.next_message() == "hello from process one"
        await bob.say("hello from process two")
        assert await alice.next_message() == "hello from process one"
        assert await alice.next_message() == "hello from process two"
    await wait_for_group_size(redis_url, room, 0)  # both processes ran group_discard


@pytest.mark.slow
async def test_a_silent_member_still_belongs_after_a_long_silence(server, unique_room):
    room = unique_room("quiet")
    async with (
        await ChatClient.join(server, room, "alice") as alice,
        await ChatClient.join(server, room, "bob") as bob,
    ):
        # Real silence on both connections; the check fails the moment either closes.
        closed = await first_to_close([alice, bob], within=SILENCE_SECONDS)
        assert closed is None, (
            f"{closed.name}'s socket closed during the silence (code {closed.websocket.close_code})"
        )

        await alice.say("still there?")
        assert await bob.next_message() == "still there?"
        await bob.say("yes")
        assert await alice.next_message() == "still there?"
        assert await alice.next_message() == "yes"
