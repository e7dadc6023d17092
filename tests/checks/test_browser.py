"""The chat page in a real headless Chromium: what a learner sees first.

Runs Debian's Chromium through Playwright (never a browser Playwright downloads). Without a
Chromium the page checks fail in CI and are skipped, with the install command, elsewhere.
Screenshots land in build/screenshots/ for a person to look at.
"""

import asyncio
import concurrent.futures
import io
from pathlib import Path

import pytest

from workshop.paths import BUILD_DIR
from workshop.protocol import MAX_MESSAGE_LENGTH, ROOM_REFUSED, TRY_AGAIN_LATER
from workshop.running.browser import (
    CHROMIUM_ARGS,
    CHROMIUM_HELP,
    PLAYWRIGHT_HELP,
    browser_required,
    find_chromium,
)
from workshop.running.groups import forget_group, wait_for_group_size
from workshop.running.step_server import start_step_server

pytestmark = [pytest.mark.live, pytest.mark.browser]

SCREENSHOTS = BUILD_DIR / "screenshots"
WAIT_MS = 15_000  # how long a page may take to show what we wait for; only ever decides a failure


def missing(help_text):
    """Fail in CI (or when asked), else skip, saying how to get what is missing."""
    if browser_required():
        pytest.fail(help_text, pytrace=False)
    pytest.skip(help_text)


@pytest.fixture
def browser():
    """One Chromium per test. Playwright's sync API runs an event loop on this thread while it
    is open, so it must close before pytest-asyncio runs the next async test."""
    chromium = find_chromium()
    if chromium is None:
        missing(CHROMIUM_HELP)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing(PLAYWRIGHT_HELP)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_room(browser):
    """Open a room page in a new tab (its own context, like a second browser) and wait until live."""
    contexts = []

    def open_page(server, room):
        context = browser.new_context(viewport={"width": 640, "height": 520})
        contexts.append(context)
        page = context.new_page()
        page.dialogs = []  # alert() from injected markup would land here
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(server.room_page_url(room))
        page.wait_for_selector('#chat-state[data-state="live"]', timeout=WAIT_MS)
        return page

    yield open_page
    for context in contexts:
        context.close()


def outside_playwrights_loop(coroutine):
    """Run a coroutine to the end while Playwright's sync API holds this thread's event loop."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def send(page, text, *, with_button=False):
    page.fill("#chat-message-input", text)
    if with_button:
        page.click("#chat-message-submit")
    else:
        page.press("#chat-message-input", "Enter")


def log_of(page):
    return page.locator("#chat-log li").all_inner_texts()


def wait_for_line(page, text):
    page.locator("#chat-log li", has_text=text).first.wait_for(timeout=WAIT_MS)


def screenshot(name: str, *pages) -> Path:
    """Save the pages side by side in one PNG, as a person would see two browser windows."""
    from PIL import Image

    shots = [Image.open(io.BytesIO(page.screenshot())) for page in pages]
    combined = Image.new(
        "RGB", (sum(shot.width for shot in shots) + 8 * (len(shots) - 1), shots[0].height), "#888"
    )
    for index, shot in enumerate(shots):
        combined.paste(shot, (index * (shot.width + 8), 0))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    combined.save(path)
    return path


def test_two_pages_in_one_room_see_each_others_messages(
    shared_servers, rooms_project, unique_room, open_room
):
    server, room = shared_servers(rooms_project), unique_room("lobby")
    first, second = open_room(server, room), open_room(server, room)

    send(first, "hello from the first tab")  # Enter
    wait_for_line(second, "hello from the first tab")
    send(second, "and hello from the second", with_button=True)  # the button
    wait_for_line(first, "and hello from the second")

    assert log_of(first) == log_of(second) == ["hello from the first tab", "and hello from the second"]
    assert first.input_value("#chat-message-input") == ""  # sent, so cleared
    screenshot(f"{rooms_project.name}-two-tabs", first, second)


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
