"""The official Channels tutorial's part 4 contract, as the workshop checks it: copied into a copy of
a step as `chat/tests.py` and run the tutorial's way, `python manage.py test chat.tests`.

Not the tutorial's code: the same selectors (`#chat-log`, typing into the focused input), the same
keys (a room name and Enter on /chat/, a message and Enter in the room) and the same read
(`#chat-log`'s `value`), in ChannelsLiveServerTestCase with Selenium. The browser is Debian's
Chromium through Debian's chromium-driver, headless (CHROMIUM and CHROMEDRIVER override them).

In a step with users (its settings name LOGIN_URL: step 04 on), each test first logs in as a person
would, through the login form, as a user it makes in the test database; the tutorial has no users,
so this is the one step it would have to add (docs/testing-your-consumer.md).
"""

import os
import shutil

from channels.testing import ChannelsLiveServerTestCase
from django.conf import settings
from django.contrib.auth import get_user_model
from django.shortcuts import resolve_url
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

PASSWORD = "tutorial-contract"  # the test database's only user, alice
WAIT_SECONDS = 10  # how long a page may take; only ever decides a failure (the tutorial waits 2)
HEADLESS_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]


def debian_chromium():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    for argument in HEADLESS_ARGS:
        options.add_argument(argument)
    driver = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"
    return webdriver.Chrome(options=options, service=Service(executable_path=driver))


class TutorialContractTests(ChannelsLiveServerTestCase):
    serve_static = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.driver = debian_chromium()
        except Exception:
            super().tearDownClass()
            raise

    def setUp(self):
        super().setUp()
        if settings.is_overridden("LOGIN_URL"):
            self.log_in("alice")

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        super().tearDownClass()

    def test_a_message_is_seen_by_everyone_in_the_same_room(self):
        try:
            self.enter_room("room_1")
            self.open_another_window()
            self.enter_room("room_1")
            self.switch_to_window(0)
            self.say("hello")
            self.wait_for_log_to_show("hello", "the sender's own window did not show its message")
            self.switch_to_window(1)
            self.wait_for_log_to_show("hello", "the other window in the same room did not show it")
        finally:
            self.close_other_windows()

    def test_a_message_is_not_seen_in_another_room(self):
        try:
            self.enter_room("room_1")
            self.open_another_window()
            self.enter_room("room_2")
            self.switch_to_window(0)
            self.say("hello")
            self.wait_for_log_to_show("hello", "the sender's own window did not show its message")
            self.switch_to_window(1)
            self.say("world")
            self.wait_for_log_to_show("world", "room_2's window did not show its own message")
            self.assertNotIn("hello", self.chat_log_value, "room_2's window showed room_1's message")
        finally:
            self.close_other_windows()

    # What a person does, and what the tutorial's tests read.

    def log_in(self, username):
        get_user_model().objects.create_user(username, password=PASSWORD)
        self.driver.get(self.live_server_url + resolve_url(settings.LOGIN_URL))
        self.driver.find_element(By.NAME, "username").send_keys(username)
        self.driver.find_element(By.NAME, "password").send_keys(PASSWORD, Keys.ENTER)
        WebDriverWait(self.driver, WAIT_SECONDS).until(
            lambda _: "login" not in self.driver.current_url,
            f"logging in as {username} did not leave the login page (at {self.driver.current_url})",
        )

    def enter_room(self, room_name):
        self.driver.get(self.live_server_url + "/chat/")
        ActionChains(self.driver).send_keys(room_name, Keys.ENTER).perform()
        WebDriverWait(self.driver, WAIT_SECONDS).until(
            lambda _: room_name in self.driver.current_url,
            f"typing {room_name!r} and Enter on /chat/ did not open the room (at {self.driver.current_url})",
        )
        # The room's socket is open once the page says so; typing before that would be refused.
        WebDriverWait(self.driver, WAIT_SECONDS).until(
            lambda _: self.driver.find_element(By.ID, "chat-state").get_attribute("data-state") == "live",
            f"the room's socket did not open: the page says {self.page_state()!r}",
        )

    def page_state(self):
        return self.driver.find_element(By.ID, "chat-state").text

    def say(self, message):
        ActionChains(self.driver).send_keys(message, Keys.ENTER).perform()

    def wait_for_log_to_show(self, text, failure):
        try:
            WebDriverWait(self.driver, WAIT_SECONDS).until(lambda _: text in self.chat_log_value)
        except TimeoutException:
            self.fail(f"{failure} (the log: {self.chat_log_value!r})")  # a failure, not an error

    @property
    def chat_log_value(self):
        return self.driver.find_element(By.CSS_SELECTOR, "#chat-log").get_property("value")

    def open_another_window(self):
        self.driver.execute_script('window.open("about:blank", "_blank");')
        self.switch_to_window(-1)

    def switch_to_window(self, index):
        self.driver.switch_to.window(self.driver.window_handles[index])

    def close_other_windows(self):
        while len(self.driver.window_handles) > 1:
            self.switch_to_window(-1)
            self.driver.execute_script("window.close();")
        self.switch_to_window(0)
