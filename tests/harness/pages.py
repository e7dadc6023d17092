"""Real Chromium pages for the checks: the browser, a room's page in a tab of its own, and what a
person would do and read there. Debian's Chromium through Playwright, never a downloaded build.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import io
import os
from pathlib import Path
from typing import Iterator, Sequence

import pytest

from workshop.paths import BUILD_DIR
from workshop.running.accounts import WORKSHOP_PASSWORD, WORKSHOP_USERS
from workshop.running.browser import (
    CHROMEDRIVER_HELP,
    CHROMIUM_ARGS,
    CHROMIUM_HELP,
    JAPANESE_FONT_HELP,
    PLAYWRIGHT_HELP,
    browser_required,
    find_chromedriver,
    find_chromium,
    japanese_fonts,
)
from workshop.running.processes import keep_niceness_in_sessions_below

SCREENSHOTS = BUILD_DIR / "screenshots"
WAIT_MS = 15_000  # how long a page may take to show what we wait for; only ever decides a failure


def missing(help_text):
    """Fail in CI (or when asked), else skip, saying how to get what is missing."""
    if browser_required():
        pytest.fail(help_text, pytrace=False)
    pytest.skip(help_text)


@contextlib.contextmanager
def chromium(extra_args: Sequence[str] = ()) -> Iterator[object]:
    """A headless Chromium with our flags and `extra_args` (a certificate to accept, say)."""
    found = find_chromium()
    if found is None:
        missing(CHROMIUM_HELP)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing(PLAYWRIGHT_HELP)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(found), args=[*CHROMIUM_ARGS, *extra_args])
        keep_niceness_in_sessions_below(os.getpid())  # Playwright starts it in a session of its own
        yield browser
        browser.close()


@pytest.fixture
def browser():
    """One Chromium per test. Playwright's sync API runs an event loop on this thread while it
    is open, so it must close before pytest-asyncio runs the next async test."""
    with chromium() as browser:
        yield browser


@pytest.fixture
def open_room(browser):
    """Open a room page in a new tab (its own context, like a second browser) and wait until live.

    In a step with users, the page sends the tab to the login form first: it logs in there as
    `user`, by default the workshop's users in turn (alice, then bob, ...), one per tab. `host`
    opens it under another name of this machine ("localhost"), as a person may type it.
    """
    contexts = []

    def open_page(server, room, user=None, host=None):
        context = browser.new_context(viewport={"width": 640, "height": 520})
        contexts.append(context)
        page = context.new_page()
        page.dialogs = []  # alert() from injected markup would land here
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        url = server.room_page_url(room)
        page.goto(url.replace("127.0.0.1", host) if host else url)  # host="localhost": the same server
        if getattr(server, "accounts", None):  # a step with users (the production stack has none)
            log_in(page, user or WORKSHOP_USERS[(len(contexts) - 1) % len(WORKSHOP_USERS)])
        page.wait_for_selector('#chat-state[data-state="live"]', timeout=WAIT_MS)
        return page

    yield open_page
    for context in contexts:
        context.close()


def log_in(page, user):
    """Fill Django's login form (the ids its form fields get) and submit it, as a person would."""
    page.wait_for_selector("#login-form", timeout=WAIT_MS)
    page.fill("#id_username", user)
    page.fill("#id_password", WORKSHOP_PASSWORD)
    page.click("#login-submit")


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
    """The messages in the chat log, one per line, without their senders' names (step 04 on)."""
    return page.eval_on_selector_all("#chat-log li", "lines => lines.map(line => line.lastChild.textContent)")


def lines_of(page):
    """The chat log's lines as shown: "alice: hello" where a step has users."""
    return page.locator("#chat-log li").all_inner_texts()


def wait_for_line(page, text):
    page.locator("#chat-log li", has_text=text).first.wait_for(timeout=WAIT_MS)


def needs_a_japanese_font() -> set[str]:
    """The installed fonts that cover Japanese; missing (fail in CI, else skip) when none do."""
    fonts = japanese_fonts()
    if not fonts:
        missing(JAPANESE_FONT_HELP)
    return set(fonts)


def needs_chromium_and_chromedriver() -> None:
    """What the tutorial's Selenium tests drive; missing (fail in CI, else skip) without either."""
    if find_chromium() is None:
        missing(CHROMIUM_HELP)
    if find_chromedriver() is None:
        missing(CHROMEDRIVER_HELP)


def fonts_that_drew(page, selector: str) -> set[str]:
    """The installed font families Chromium drew `selector`'s text with (DevTools' CSS domain)."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("DOM.enable")
    devtools.send("CSS.enable")
    root = devtools.send("DOM.getDocument")["root"]["nodeId"]
    node = devtools.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = devtools.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {font["familyName"] for font in fonts if font["glyphCount"] > 0}


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
