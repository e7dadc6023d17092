"""Every step serves the tutorial's two pages; a room name the socket would refuse is a 404 page.

In a step with users the pages are fetched logged in, as alice (her session cookie).
"""

import json
import urllib.error
import urllib.request

import pytest

from hostile_input import BAD_ROOM_NAMES

pytestmark = pytest.mark.live


@pytest.fixture
def server(shared_servers, any_project):
    return shared_servers(any_project)


@pytest.fixture
def logged_in(server):
    return server.handshake_headers("alice")


def get(url: str, headers: dict[str, str]) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_index_page_asks_for_a_room(server, logged_in):
    status, body = get(f"{server.http_url}/chat/", logged_in)
    assert status == 200
    assert 'id="room-name-input"' in body


def test_the_site_root_leads_to_the_index(server, logged_in):
    status, body = get(f"{server.http_url}/", logged_in)
    assert status == 200 and 'id="room-name-input"' in body


def test_the_room_page_carries_the_room_name_as_json_and_builds_the_socket_url_from_location(
    server, logged_in
):
    status, body = get(server.room_page_url("lobby"), logged_in)
    assert status == 200
    assert '<script id="room-name" type="application/json">"lobby"</script>' in body
    assert "location.host" in body and "encodeURIComponent(roomName)" in body
    assert 'location.protocol === "https:" ? "wss" : "ws"' in body


@pytest.mark.parametrize("room", BAD_ROOM_NAMES.values(), ids=BAD_ROOM_NAMES.keys())
def test_a_bad_room_name_page_is_404(server, logged_in, room):
    status, _ = get(server.room_page_url(room), logged_in)
    assert status == 404


def test_json_script_keeps_the_room_name_out_of_the_markup(server, logged_in):
    # The one punctuation allowed in names that HTML cares about is ".", so a valid name
    # cannot inject markup; this checks json_script stays in place as the guard.
    status, body = get(server.room_page_url("a.b-c_d"), logged_in)
    assert status == 200
    assert json.dumps("a.b-c_d") in body
