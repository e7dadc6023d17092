"""Every step serves the tutorial's two pages; a room name the socket would refuse is a 404 page."""

import json
import urllib.error
import urllib.request

import pytest

from hostile_input import BAD_ROOM_NAMES

pytestmark = pytest.mark.live


@pytest.fixture
def server(shared_servers, any_project):
    return shared_servers(any_project)


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_index_page_asks_for_a_room(server):
    status, body = get(f"{server.http_url}/chat/")
    assert status == 200
    assert 'id="room-name-input"' in body


def test_the_site_root_leads_to_the_index(server):
    status, body = get(f"{server.http_url}/")
    assert status == 200 and 'id="room-name-input"' in body


def test_the_room_page_carries_the_room_name_as_json_and_builds_the_socket_url_from_location(server):
    status, body = get(server.room_page_url("lobby"))
    assert status == 200
    assert '<script id="room-name" type="application/json">"lobby"</script>' in body
    assert "location.host" in body and "encodeURIComponent(roomName)" in body
    assert 'location.protocol === "https:" ? "wss" : "ws"' in body


@pytest.mark.parametrize("room", BAD_ROOM_NAMES.values(), ids=BAD_ROOM_NAMES.keys())
def test_a_bad_room_name_page_is_404(server, room):
    status, _ = get(server.room_page_url(room))
    assert status == 404


def test_json_script_keeps_the_room_name_out_of_the_markup(server):
    # The one punctuation allowed in names that HTML cares about is ".", so a valid name
    # cannot inject markup; this checks json_script stays in place as the guard.
    status, body = get(server.room_page_url("a.b-c_d"))
    assert status == 200
    assert json.dumps("a.b-c_d") in body
