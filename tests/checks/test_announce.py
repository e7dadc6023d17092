"""Sending into a room from outside a consumer: `python manage.py announce ROOM MESSAGE`.

Another process, with no socket of its own, reaches every member through the project's channel
layer (async_to_sync(group_send) to the group chat_<room>), as a view or a task would. The command
is the toolkit's (workshop/announcing), added to the project's own settings; what it proves is
the project's: its layer, its group name, its chat_message. Its refusals: tests/toolkit/test_announcing.py.
"""

import pytest

from workshop.announcing import announce
from workshop.running.clients import ChatClient

pytestmark = pytest.mark.live


async def test_a_command_in_another_process_reaches_every_member_of_the_room_once(
    shared_servers, rooms_project, unique_room, redis_url
):
    server, room = shared_servers(rooms_project), unique_room("news")
    members = [await ChatClient.join(server, room, name) for name in ("alice", "bob", "carol")]
    outsider = await ChatClient.join(server, unique_room("elsewhere"), "dave")
    try:
        result = announce(rooms_project, redis_url, room, "the server restarts at noon")
        assert result.returncode == 0, result.stderr
        for member in members:
            assert await member.next_message() == "the server restarts at noon"
            assert await member.received_before_sync() == [], f"{member.name} got it twice"
        assert await outsider.received_before_sync() == [], "a member of another room got it"
    finally:
        for client in (*members, outsider):
            await client.leave()
