"""Sending into a room from outside a consumer: `python manage.py announce ROOM MESSAGE`.

Another process, with no socket of its own, reaches every member through the channel layer
(async_to_sync(group_send), chat/management/commands/announce.py), as a view or a task would.
"""

import subprocess

import pytest

from workshop.running.clients import ChatClient
from workshop.running.processes import child_environment, python_command

pytestmark = pytest.mark.live


def announce(project, redis_url, *arguments):
    return subprocess.run(
        python_command("manage.py", "announce", *arguments),
        cwd=project, env=child_environment(REDIS_URL=redis_url), capture_output=True, text=True, timeout=60,
    )  # fmt: skip


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


@pytest.mark.parametrize(
    ("room", "message", "says"),
    [
        ("no spaces", "hi", "is not a room"),
        ("lobby", "   ", '"message" is empty'),
        ("lobby", "x" * 2001, "the limit is 2000"),
    ],
    ids=["bad-room", "empty", "too-long"],
)
def test_the_command_refuses_bad_input_in_plain_words(rooms_project, redis_url, room, message, says):
    result = announce(rooms_project, redis_url, room, message)
    said = result.stderr.strip().splitlines()[-1:] or ["nothing"]
    assert "Traceback" not in result.stderr, f"a traceback, not plain words; its last line: {said[0]}"
    assert says in result.stderr, f"expected {says!r}, it said: {said[0]}"
    assert result.returncode == 1
