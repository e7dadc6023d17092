"""Step 04: who is speaking. Only a logged-in user's socket joins a room, and every message carries
its sender's name from the session, whatever the frame says.

Each member logs in as a browser would have: the server's session cookie for that name
(workshop/running/accounts.py). `--users-project` points these at a learner's copy.
"""

import json
import urllib.request

import pytest
from harness.pages import lines_of, screenshot, send, wait_for_line
from websockets.exceptions import ConnectionClosed

from workshop.protocol import LOGIN_REQUIRED
from workshop.running.accounts import log_out_with_form
from workshop.running.clients import ChatClient


@pytest.fixture
def server(shared_servers, users_project):
    return shared_servers(users_project)


def test_the_chat_pages_send_a_visitor_who_is_not_logged_in_to_the_login_page(server):
    for page in (f"{server.http_url}/chat/", server.room_page_url("lobby")):
        with urllib.request.urlopen(page, timeout=10) as response:  # redirects followed, as a browser does
            landed, body = response.url, response.read().decode()
        assert "/accounts/login/?next=" in landed and 'id="login-form"' in body, f"{page} -> {landed}"


async def test_a_socket_without_a_login_is_refused_with_the_login_close_code(server, unique_room):
    async with await ChatClient.join(
        server, unique_room("lobby"), "anonymous", additional_headers={}
    ) as nobody:
        with pytest.raises(ConnectionClosed):
            await nobody.next_frame()
        assert nobody.websocket.close_code == LOGIN_REQUIRED


async def test_each_member_hears_each_message_once_under_its_senders_name(server, unique_room):
    room = unique_room("lobby")
    async with (
        await ChatClient.join(server, room, "alice") as alice,
        await ChatClient.join(server, room, "bob") as bob,
    ):
        heard = {"alice": [], "bob": []}
        # One speaker at a time: once a speaker's marker is back, its message is in every queue.
        for speaker, text in ((alice, "hello bob"), (bob, "hello alice")):
            await speaker.say(text)
            heard[speaker.name] += await speaker.received_before_sync()
        heard["alice"] += await alice.received_before_sync()
        for name, frames in heard.items():
            said = [(frame.get("user"), frame["message"]) for frame in frames]
            assert said == [("alice", "hello bob"), ("bob", "hello alice")], name


async def test_a_name_in_the_frame_is_ignored_the_session_says_who_spoke(server, unique_room):
    room = unique_room("lobby")
    async with (
        await ChatClient.join(server, room, "mallory") as mallory,
        await ChatClient.join(server, room, "bob") as bob,
    ):
        await mallory.send_frame(json.dumps({"message": "I am the admin", "user": "admin"}))
        assert (await mallory.next_frame())["user"] == "mallory"
        heard = await bob.received_before_sync()
        assert [(frame.get("user"), frame["message"]) for frame in heard] == [("mallory", "I am the admin")]


async def test_a_forged_session_cookie_is_refused_and_the_room_chats_on(server, unique_room):
    room = unique_room("lobby")
    async with await ChatClient.join(server, room, "alice") as alice:
        forged = {"Cookie": "sessionid=not-a-session-of-this-server"}
        async with await ChatClient.join(server, room, "forger", additional_headers=forged) as forger:
            with pytest.raises(ConnectionClosed):
                await forger.next_frame()
            assert forger.websocket.close_code == LOGIN_REQUIRED
        await alice.say("still here")
        assert [frame["message"] for frame in await alice.received_before_sync()] == ["still here"]


async def test_logging_out_in_another_tab_keeps_the_open_socket_and_refuses_the_next(server, unique_room):
    """A socket's user is read once, at its handshake: logging out ends the session in the
    database, so a reconnect is refused, and the socket already open speaks on as who it was.
    (erin is this check's own: her session ends here, for the rest of the run.)"""
    room = unique_room("lobby")
    async with (
        await ChatClient.join(server, room, "erin") as erin,
        await ChatClient.join(server, room, "bob") as bob,
    ):
        cookie = server.handshake_headers("erin")
        log_out_with_form(server.http_url, server.accounts.cookie_for("erin"))
        async with await ChatClient.join(server, room, "erin", additional_headers=cookie) as again:
            with pytest.raises(ConnectionClosed):
                await again.next_frame()
            assert again.websocket.close_code == LOGIN_REQUIRED
        await erin.say("still erin")
        assert (await erin.next_frame()).get("user") == "erin"
        heard = await bob.received_before_sync()
        assert [(frame.get("user"), frame["message"]) for frame in heard] == [("erin", "still erin")]


@pytest.mark.live
@pytest.mark.browser
def test_two_browsers_log_in_with_the_form_and_each_line_shows_who_said_it(
    shared_servers, users_project, unique_room, open_room
):
    server, room = shared_servers(users_project), unique_room("lobby")
    # bob types "localhost": his page, its cookie and its socket must all be on that host name.
    alice, bob = open_room(server, room, "alice"), open_room(server, room, "bob", host="localhost")
    assert alice.text_content("#username") == "alice" and bob.text_content("#username") == "bob"

    send(alice, "hello from alice")
    wait_for_line(bob, "hello from alice")
    send(bob, "<b>bob</b> here")
    wait_for_line(alice, "<b>bob</b> here")
    wait_for_line(bob, "<b>bob</b> here")  # his own echo may come after alice's copy

    assert lines_of(alice) == lines_of(bob) == ["alice: hello from alice", "bob: <b>bob</b> here"]
    screenshot(f"{users_project.name}-two-users", alice, bob)
