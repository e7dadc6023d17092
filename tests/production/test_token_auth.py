"""deploy/token_auth.py on the first step with users: a client with no cookie speaks as the user its
token names; a forged or expired token is no user (refused, 4401), and a token in the URL is not read.
"""

import subprocess

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from workshop.protocol import LOGIN_REQUIRED
from workshop.running.clients import ChatClient
from workshop.running.processes import python_command
from workshop.steps import steps_with

pytestmark = pytest.mark.live

MINT = """
import sys, time
from unittest import mock
from deploy.token_auth import MAX_AGE, token_for
from django.contrib.auth import get_user_model
alice = get_user_model().objects.get(username="alice")
print(token_for(alice))
with mock.patch("time.time", return_value=time.time() - MAX_AGE - 60):
    print(token_for(alice))
"""


@pytest.fixture
def server(fresh_server):
    return fresh_server(steps_with("users")[0].folder, application="deploy.token_auth:application")


def tokens_of_alice(server):
    """A fresh token and an expired one, made in the server's own project and database."""
    made = subprocess.run(
        python_command("-c", MINT),
        cwd=server.accounts.folder,
        env=server.accounts.env,  # the server's: its settings, and the repository on PYTHONPATH
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    fresh, expired = made.stdout.split()
    return fresh, expired


async def refused(client):
    with pytest.raises(ConnectionClosed):
        await client.next_frame()
    return client.websocket.close_code


async def test_a_token_in_the_header_speaks_as_its_user_and_a_bad_one_is_refused(server, unique_room):
    fresh, expired = tokens_of_alice(server)
    room = unique_room("lobby")
    async with await ChatClient.join(server, room, "bob") as bob:
        bearer = {"Authorization": f"Bearer {fresh}"}
        async with await ChatClient.join(server, room, "app", additional_headers=bearer) as app:
            await app.say("from the phone")
            assert (await app.next_frame()) == {"message": "from the phone", "user": "alice"}
        for token in (expired, fresh[:-4] + "abcd", "not-a-token"):
            bad = {"Authorization": f"Bearer {token}"}
            async with await ChatClient.join(server, room, "bad", additional_headers=bad) as client:
                assert await refused(client) == LOGIN_REQUIRED
        heard = await bob.received_before_sync()
        assert [(frame.get("user"), frame["message"]) for frame in heard] == [("alice", "from the phone")]


async def test_a_token_in_the_url_is_not_read(server, unique_room):
    fresh, _ = tokens_of_alice(server)
    url = server.room_socket_url(unique_room("lobby")) + f"?token={fresh}"
    async with connect(url, origin=server.origin) as socket:
        with pytest.raises(ConnectionClosed):
            await socket.recv()
        assert socket.close_code == LOGIN_REQUIRED
