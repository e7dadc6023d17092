"""The chat page in a real headless Chromium: what a learner sees first.

The browser and the page helpers are tests/harness/pages.py. Without a Chromium the page checks
fail in CI and are skipped, with the install command, elsewhere. Screenshots land in
build/screenshots/ for a person to look at.
"""

import pytest
from harness.pages import (
    WAIT_MS,
    fonts_that_drew,
    lines_of,
    log_of,
    needs_a_japanese_font,
    outside_playwrights_loop,
    screenshot,
    send,
    wait_for_line,
)

from workshop.protocol import MAX_MESSAGE_LENGTH, ROOM_REFUSED, TRY_AGAIN_LATER
from workshop.running.clients import ChatClient
from workshop.running.groups import forget_group, wait_for_group_size
from workshop.running.step_server import start_step_server

pytestmark = [pytest.mark.live, pytest.mark.browser]


def test_two_pages_in_one_room_see_each_others_messages(
    shared_servers, rooms_project, unique_room, open_room
):
    server, room = shared_servers(rooms_project), unique_room("lobby")
    first, second = open_room(server, room), open_room(server, room)

    send(first, "hello from the first tab")  # Enter
    wait_for_line(second, "hello from the first tab")
    send(second, "and hello from the second", with_button=True)  # the button
    wait_for_line(first, "and hello from the second")
    wait_for_line(second, "and hello from the second")  # its own echo may come after first's copy

    assert log_of(first) == log_of(second) == ["hello from the first tab", "and hello from the second"]
    assert first.input_value("#chat-message-input") == ""  # sent, so cleared
    screenshot(f"{rooms_project.name}-two-tabs", first, second)


JAPANESE = "こんにちは、Channels！ ルームの Group に「日本語」を送ります。漢字・ひらがな・カタカナ"


def test_japanese_text_arrives_intact_in_both_tabs_drawn_in_a_japanese_font(
    shared_servers, rooms_project, unique_room, open_room
):
    japanese_fonts = needs_a_japanese_font()
    server, room = shared_servers(rooms_project), unique_room("lobby")
    first, second = open_room(server, room), open_room(server, room)

    send(first, JAPANESE)
    wait_for_line(second, "こんにちは")
    send(second, "届きました。ありがとう！")
    wait_for_line(first, "届きました")
    wait_for_line(second, "届きました")  # its own echo may come after first's copy

    assert log_of(first) == log_of(second) == [JAPANESE, "届きました。ありがとう！"]
    # Drawn with glyphs, not boxes: Chromium says which installed fonts drew the line.
    drawn_with = fonts_that_drew(second, "#chat-log li")
    assert drawn_with & japanese_fonts, f"the Japanese line was drawn with {sorted(drawn_with)} only"
    screenshot(f"{rooms_project.name}-two-tabs-japanese", first, second)


def test_a_page_in_another_room_sees_nothing(shared_servers, rooms_project, unique_room, open_room):
    server = shared_servers(rooms_project)
    lobby, kitchen = open_room(server, unique_room("lobby")), open_room(server, unique_room("kitchen"))

    send(lobby, "lobby only")
    wait_for_line(lobby, "lobby only")
    send(kitchen, "kitchen here")  # its own message comes back after anything sent to it before
    wait_for_line(kitchen, "kitchen here")
    assert log_of(kitchen) == ["kitchen here"]


def test_markup_in_a_message_shows_as_text(shared_servers, rooms_project, unique_room, open_room):
    server, room = shared_servers(rooms_project), unique_room("lobby")
    sender, reader = open_room(server, room), open_room(server, room)
    markup = "<img src=x onerror=alert(1)><b>bold?</b>"

    send(sender, markup)
    wait_for_line(reader, "<img src=x")
    assert log_of(reader) == [markup]
    assert reader.locator("#chat-log img, #chat-log b").count() == 0
    assert reader.dialogs == [] and sender.dialogs == []


def test_the_servers_error_answer_is_shown(shared_servers, any_project, unique_room, open_room):
    page = open_room(shared_servers(any_project), unique_room("lobby"))
    page.eval_on_selector("#chat-message-input", "input => input.removeAttribute('maxlength')")
    send(page, "x" * (MAX_MESSAGE_LENGTH + 1))  # past the page's own maxlength, as a script could
    wait_for_line(page, "Server:")
    assert f"limit is {MAX_MESSAGE_LENGTH}" in log_of(page)[-1]


def test_the_echo_page_talks_only_to_itself(shared_servers, echo_project, unique_room, open_room):
    server, room = shared_servers(echo_project), unique_room("lobby")
    first, second = open_room(server, room), open_room(server, room)

    send(first, "echo, echo")
    wait_for_line(first, "echo, echo")
    send(second, "just me")
    wait_for_line(second, "just me")
    assert log_of(second) == ["just me"]
    screenshot(f"{echo_project.name}-two-tabs", first, second)


def test_the_page_reconnects_after_a_server_restart_and_keeps_unsent_text(
    rooms_project, redis_url, unique_room, open_room
):
    server = start_step_server(rooms_project, redis_url=redis_url)
    port, room = server.port, unique_room("lobby")
    try:
        page = open_room(server, room)
        send(page, "before the restart")
        wait_for_line(page, "before the restart")

        server.stop()
        page.wait_for_selector('#chat-state[data-state="reconnecting"]', timeout=WAIT_MS)
        send(page, "typed while down")
        wait_for_line(page, "Not connected")
        assert page.input_value("#chat-message-input") == "typed while down"  # kept, not lost

        server = start_step_server(rooms_project, redis_url=redis_url, port=port)
        page.wait_for_selector('#chat-state[data-state="live"]', timeout=WAIT_MS)
        page.press("#chat-message-input", "Enter")
        wait_for_line(page, "typed while down")
        assert page.input_value("#chat-message-input") == ""
        page.context.close()  # let this server run the page's disconnect() before it stops
        # The first server was stopped with the page connected, and daphne runs no disconnect()
        # on shutdown: that channel stays in the group until group_expiry. It is our test room,
        # so we remove it rather than leave it in a shared Redis.
        outside_playwrights_loop(wait_for_group_size(redis_url, room, 1))
        outside_playwrights_loop(forget_group(redis_url, room))
    finally:
        server.stop()


def test_the_page_says_redis_is_down_keeps_retrying_and_chats_once_it_is_back(
    rooms_project, own_redis, fresh_server, open_room
):
    page = open_room(fresh_server(rooms_project, redis_url=own_redis.url), "lobby")
    own_redis.stop()
    wait_for_line(page, "Redis")  # the server's {"error": ...}, shown before the close
    page.wait_for_selector('#chat-state[data-state="reconnecting"]', timeout=WAIT_MS)
    assert "refused" not in page.inner_text("#chat-state"), f"{TRY_AGAIN_LATER} means retry, not give up"

    own_redis.start()
    page.wait_for_selector('#chat-state[data-state="live"]', timeout=WAIT_MS)
    send(page, "Redis is back")
    wait_for_line(page, "Redis is back")


def test_the_page_stops_retrying_on_the_apps_refusal_and_says_why(shared_servers, any_project, open_room):
    page = open_room(shared_servers(any_project), "lobby")
    # Point the page's own connect() at an address the app refuses (close code ROOM_REFUSED).
    page.evaluate(
        """() => { socket.onclose = null; socket.close();
                   connect(socketUrl.replace(/chat\\/[^/]+\\/$/, "chat/two%20words/")); }"""
    )
    page.wait_for_selector('#chat-state[data-state="refused"]', timeout=WAIT_MS)
    # The 4xxx branch returns before scheduling a retry; a retry would have set "reconnecting".
    assert page.inner_text("#chat-state") == f"refused ({ROOM_REFUSED})"
    assert "not a chat room address" in log_of(page)[-1]


def test_a_user_name_with_markup_shows_as_text(shared_servers, users_project, unique_room, open_room):
    """Django's sign-up forms refuse such a name, but a user made another way (the admin, a script)
    may have one: the page shows it as typed, and runs nothing."""
    server, room = shared_servers(users_project), unique_room("lobby")
    alice = open_room(server, room, "alice")
    name = '<img src=x onerror="alert(1)">'

    async def speak():
        async with await ChatClient.join(server, room, name) as mallory:
            await mallory.say("a name to render")
            await mallory.next_message()

    outside_playwrights_loop(speak())
    wait_for_line(alice, "a name to render")
    assert lines_of(alice) == [f"{name}: a name to render"]
    assert alice.locator("#chat-log img").count() == 0 and alice.dialogs == []
