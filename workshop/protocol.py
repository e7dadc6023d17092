"""The chat's protocol as every step speaks it: one place for each fact the toolkit and tests use.

The steps keep their own copies (mysite/guards.py, the room page), because each step is a
project that reads and runs on its own; tests/materials/test_protocol.py checks that every copy
agrees with this module.
"""

from __future__ import annotations

import re
import uuid

# A room name becomes the group "chat_<room name>", and Channels accepts group names of ASCII
# letters, digits, "-", "_" and "." shorter than 100 characters: 94 are left for the room.
GROUP_PREFIX = "chat_"
ROOM_NAME_PATTERN = r"[A-Za-z0-9_.-]{1,94}"
ROOM_NAME_RULE = 'a room name is 1 to 94 characters from A-Z, a-z, 0-9, "-", "_" and "."'

# Longest chat message the rooms relay, in characters; longer ones get {"error": ...}.
MAX_MESSAGE_LENGTH = 2000

# daphne's cap on one incoming WebSocket message, as the workshop starts it (its default: 1 MiB).
# A chat message of MAX_MESSAGE_LENGTH is under 25 KiB as JSON even with every character escaped.
WEBSOCKET_MAX_MESSAGE_SIZE = 64 * 1024

# Close codes (4000-4999 are the application's own). 4400: the address is not a room; the page
# gives up. 4013: Redis is not answering, try again later (RFC 6455's 1013, which daphne's
# WebSocket engine does not let an application send); the page reconnects.
ROOM_REFUSED = 4400
TRY_AGAIN_LATER = 4013
# 4401: a step with users (04 on) refused a socket with no logged-in user; the page says to log in.
LOGIN_REQUIRED = 4401

# A step with history (05 on): a newcomer is sent the room's last HISTORY_LENGTH messages; a socket
# opened with ?after=<id> those after that id, at most CATCH_UP_LIMIT (the newest, if more were
# missed, with "older_left_out": true). chat/consumers.py keeps its copies.
HISTORY_LENGTH = 50
CATCH_UP_LIMIT = 1000

# A message starting with this is a client's own bookkeeping (workshop/running/clients.py), not chat.
SYNC_MARKER_PREFIX = "sync-marker:"


def group_name(room: str) -> str:
    """The Channels group a room's members join."""
    return f"{GROUP_PREFIX}{room}"


def unique_room_name(base: str) -> str:
    """A room name no other test, notebook or run on the same Redis uses: `<base>-<8 hex digits>`."""
    name = f"{base}-{uuid.uuid4().hex[:8]}"
    if not re.fullmatch(ROOM_NAME_PATTERN, name):
        raise ValueError(f"{name!r} is not a room name: {ROOM_NAME_PATTERN}")
    return name
