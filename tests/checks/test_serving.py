"""Each step runs on its own, from its folder, both ways the README shows."""

import pytest

from workshop.running.clients import ChatClient
from workshop.running.step_server import start_step_runserver
from workshop.steps import copy_project

pytestmark = pytest.mark.live


@pytest.fixture
def runserver(any_project, redis_url, tmp_path):
    # runserver checks migrations as it starts, which opens the project's SQLite database and so
    # creates db.sqlite3: in a copy, so the snapshot stays as committed (tests/harness/projects.py).
    server = start_step_runserver(copy_project(any_project, tmp_path / any_project.name), redis_url=redis_url)
    yield server
    server.stop()


async def test_manage_py_runserver_serves_the_chat_socket(runserver, unique_room):
    async with await ChatClient.join(runserver, unique_room("lobby"), "alice") as alice:
        await alice.say("served by runserver")
        assert await alice.next_message() == "served by runserver"


async def test_daphne_serves_the_chat_socket(shared_servers, any_project, unique_room):
    server = shared_servers(any_project)
    assert server.process.command[-1] == "mysite.asgi:application"
    async with await ChatClient.join(server, unique_room("lobby"), "alice") as alice:
        await alice.say("served by daphne")
        assert await alice.next_message() == "served by daphne"
