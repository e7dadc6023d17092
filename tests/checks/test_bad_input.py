"""Every step: bad input gets a clear answer, the sender's socket keeps working, the room sees nothing."""

import json
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from workshop.measuring.history_cost import fill
from workshop.protocol import (
    CATCH_UP_LIMIT,
    HISTORY_LENGTH,
    LOGIN_REQUIRED,
    MAX_MESSAGE_LENGTH,
    ROOM_REFUSED,
    WEBSOCKET_MAX_MESSAGE_SIZE,
)
from workshop.running.clients import ChatClient
from workshop.running.processes import python_command

from hostile_input import BAD_FRAMES, BAD_ROOM_NAMES

pytestmark = pytest.mark.live


@pytest.fixture
def server(shared_servers, any_project):
    return shared_servers(any_project)


@pytest.mark.parametrize("frame", BAD_FRAMES.values(), ids=BAD_FRAMES.keys())
async def test_bad_frame_gets_a_clear_error_and_the_socket_keeps_working(server, unique_room, frame):
    room = unique_room("lobby")
    async with (
        await ChatClient.join(server, room, "mallory") as mallory,
        await ChatClient.join(server, room, "bob") as bob,
    ):
        await mallory.send_frame(frame)
        error = await mallory.next_error()
        assert len(error) > 10, "the reason should say what was wrong"
        assert await bob.received_before_sync() == [], "the room must see nothing of a bad frame"

        await mallory.say("a good one after the bad one")
        assert await mallory.next_message() == "a good one after the bad one"


async def test_message_at_the_cap_is_relayed_whole(server, unique_room):
    async with await ChatClient.join(server, unique_room("lobby"), "alice") as alice:
        longest = "あ" * MAX_MESSAGE_LENGTH
        await alice.say(longest)
        assert await alice.next_message() == longest


async def test_a_client_chosen_type_does_not_choose_the_handler(server, unique_room):
    async with await ChatClient.join(server, unique_room("lobby"), "mallory") as mallory:
        await mallory.send_frame(
            json.dumps({"type": "websocket.disconnect", "message": "still just a message"})
        )
        assert await mallory.next_message() == "still just a message"


@pytest.mark.parametrize("room", BAD_ROOM_NAMES.values(), ids=BAD_ROOM_NAMES.keys())
async def test_bad_room_name_on_the_socket_is_refused_with_a_reason_and_the_refusal_code(server, room):
    async with await ChatClient.join(server, room, "mallory") as mallory:
        assert "room name" in await mallory.next_error()
        assert await mallory.close_code() == ROOM_REFUSED


async def test_socket_on_an_unknown_path_is_refused_with_4400(server):
    async with connect(f"ws://127.0.0.1:{server.port}/ws/elsewhere/", origin=server.origin) as socket:
        assert "error" in json.loads(await socket.recv())
        await socket.wait_closed()
        assert socket.close_code == ROOM_REFUSED


async def test_empty_room_name_is_refused_with_the_refusal_code(server):
    async with connect(f"ws://127.0.0.1:{server.port}/ws/chat//", origin=server.origin) as socket:
        assert "room name" in json.loads(await socket.recv())["error"]
        await socket.wait_closed()
        assert socket.close_code == ROOM_REFUSED


async def test_room_name_of_94_characters_is_accepted(server):
    async with await ChatClient.join(server, "r" * 94, "alice") as alice:
        await alice.say("the longest room")
        assert await alice.next_message() == "the longest room"


@pytest.mark.parametrize("origin", ["http://evil.example", None], ids=["foreign origin", "no origin"])
async def test_socket_from_another_origin_is_refused_with_403(server, origin):
    with pytest.raises(InvalidStatus) as refused:
        async with connect(server.room_socket_url("lobby"), origin=origin):
            pass
    assert refused.value.response.status_code == 403


async def test_a_stale_session_cookie_from_another_app_does_not_break_the_handshake(server, unique_room):
    url = server.room_socket_url(unique_room("lobby"))
    cookie = {"Cookie": "sessionid=a-session-of-some-other-django-app-on-localhost"}
    async with connect(url, origin=server.origin, additional_headers=cookie) as socket:
        if server.accounts:  # a step with users: that cookie is no session here, so a clear refusal
            with pytest.raises(ConnectionClosed):
                await socket.recv()
            assert socket.close_code == LOGIN_REQUIRED
            return
        await socket.send(json.dumps({"message": "hi"}))
        assert json.loads(await socket.recv()) == {"message": "hi"}


async def test_a_frame_over_daphnes_cap_drops_that_connection_only(server, unique_room):
    """daphne refuses a frame over 64 KiB (set on its command line) by dropping that socket."""
    room = unique_room("lobby")
    async with await ChatClient.join(server, room, "bob") as bob:
        async with await ChatClient.join(server, room, "mallory") as mallory:
            await mallory.send_frame(json.dumps({"message": "x" * WEBSOCKET_MAX_MESSAGE_SIZE}))
            # autobahn fails the connection by dropping TCP, so no close frame arrives: 1006.
            assert await mallory.close_code() in (1006, 1009)
        await bob.say("still here")
        assert await bob.next_message() == "still here"
    # unique_room then checks the group is empty: mallory's disconnect() ran too.


def test_a_login_without_its_csrf_token_is_refused_and_logs_no_one_in(shared_servers, users_project):
    """Django's LoginView is CSRF-protected: a form posted from another site carries no token."""
    server = shared_servers(users_project)
    form = urllib.parse.urlencode({"username": "alice", "password": "anything"}).encode()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{server.http_url}/accounts/login/", form, timeout=10)
    assert refused.value.code == 403
    assert "sessionid" not in (refused.value.headers.get("Set-Cookie") or "")


EXPIRE = """
import sys
from datetime import timedelta
import django
django.setup()
from django.contrib.sessions.models import Session
from django.utils import timezone
Session.objects.filter(session_key=sys.argv[1]).update(expire_date=timezone.now() - timedelta(minutes=1))
"""


async def test_an_expired_session_is_refused_and_the_room_chats_on(
    shared_servers, users_project, unique_room
):
    """A session past its expiry date in the database is no session: the socket is refused (4401)."""
    server, room = shared_servers(users_project), unique_room("lobby")
    cookie = server.handshake_headers("grace")  # grace is this check's own: her session ends here
    subprocess.run(
        python_command("-c", EXPIRE, server.accounts.cookie_for("grace")),
        cwd=server.accounts.folder, env={**server.accounts.env, "DJANGO_SETTINGS_MODULE": "mysite.settings"},
        check=True, timeout=60,
    )  # fmt: skip
    async with await ChatClient.join(server, room, "alice") as alice:
        async with await ChatClient.join(server, room, "grace", additional_headers=cookie) as grace:
            with pytest.raises(ConnectionClosed):
                await grace.next_frame()
            assert grace.websocket.close_code == LOGIN_REQUIRED
        await alice.say("still open")
        assert await alice.next_message() == "still open"


# A step with history (05 on): the catch-up id comes from the client, so it is input like a frame.
NOT_MESSAGE_IDS = {
    "words": "after=latest",
    "negative": "after=-1",
    "a fraction": "after=1.5",
    "an exponent": "after=1e3",
    "past 64 bits": "after=" + "9" * 20,
    "huge": "after=" + "9" * 5000,
    "given twice": "after=1&after=2",
}


@pytest.mark.parametrize("query", NOT_MESSAGE_IDS.values(), ids=NOT_MESSAGE_IDS.keys())
async def test_a_catch_up_id_that_is_not_a_message_id_is_refused_and_the_room_chats_on(
    shared_servers, history_project, unique_room, query
):
    server, room = shared_servers(history_project), unique_room("lobby")
    async with await ChatClient.join(server, room, "alice") as alice:
        headers = server.handshake_headers("mallory")
        url = f"{server.room_socket_url(room)}?{query}"
        async with connect(url, origin=server.origin, additional_headers=headers) as mallory:
            answer = json.loads(await mallory.recv())
            assert "after=" in answer.get("error", ""), f"no reason given: {answer}"
            with pytest.raises(ConnectionClosed):
                await mallory.recv()
            assert mallory.close_code == ROOM_REFUSED
        await alice.say("still here")
        assert [frame["message"] for frame in await alice.received_before_sync()] == ["still here"]


async def test_a_catch_up_past_the_newest_message_or_in_a_silent_room_is_empty(
    shared_servers, history_project, unique_room
):
    server = shared_servers(history_project)
    for after in (None, 0, 10**18 - 1):  # a room no one spoke in; the largest id the guard lets through
        async with await ChatClient.join(server, unique_room("silent"), "alice", after=after) as alice:
            await alice.say("the first word")
            assert await alice.next_message() == "the first word"
            assert alice.catch_ups == [{"caught_up": True, "older_left_out": False}], after


async def test_a_history_far_larger_than_the_cap_costs_a_newcomer_only_the_cap(
    shared_servers, history_project, unique_room, report_figure
):
    """A room with a year of talk: the newcomer gets the last HISTORY_LENGTH, a page away since the
    start the newest CATCH_UP_LIMIT and the word that older ones were left out."""
    server, room = shared_servers(history_project), unique_room("year")
    stored = 3 * CATCH_UP_LIMIT
    fill(server.accounts.folder, server.accounts.env, room, stored)  # the room's past, written directly
    timings = {}
    for label, after in (("a newcomer", None), ("a page away since the start", 0)):
        started = time.perf_counter()
        async with await ChatClient.join(server, room, "bob", after=after) as bob:
            await bob.wait_until_caught_up()
        timings[label] = time.perf_counter() - started
        wanted = HISTORY_LENGTH if after is None else CATCH_UP_LIMIT
        numbers = [int(message["message"].split("#")[1]) for message in bob.backlog]
        assert numbers == list(range(stored - wanted, stored)), (
            f"{label}: not the newest {wanted}, oldest first"
        )
        assert bob.caught_up == [{"caught_up": True, "older_left_out": after is not None}], label
    report_figure(
        f"{history_project.name}, a room of {stored:,} messages: joining with its history "
        + ", ".join(f"{label} {seconds * 1000:.0f} ms" for label, seconds in timings.items())
        + " (handshake and catch-up, on a shared machine)"
    )


async def test_a_message_over_the_cap_or_with_a_bad_client_id_is_never_stored(
    shared_servers, history_project, unique_room
):
    server, room = shared_servers(history_project), unique_room("lobby")
    async with await ChatClient.join(server, room, "mallory") as mallory:
        for frame in (
            {"message": "x" * (MAX_MESSAGE_LENGTH + 1)},
            {"message": "a bad id", "client_id": "not-a-uuid"},
            {"message": "a bad id", "client_id": ["a", "list"]},
        ):
            await mallory.send_frame(json.dumps(frame))
            assert await mallory.next_error()
        await mallory.say("the only one")
        assert await mallory.next_message() == "the only one"
    async with await ChatClient.join(server, room, "bob") as bob:
        await bob.received_before_sync()
        assert [message["message"] for message in bob.backlog] == ["the only one"]
