"""What a room may be called, and the answer a socket gets for any other name.

The consumer joins the group `chat_<room_name>`. Channels accepts a group name only if it
is ASCII letters, digits, "-", "_" or ".", shorter than 100 characters; otherwise
`group_add` raises TypeError and the socket dies with code 1011. "chat_" takes 5 of the
99 characters, which leaves 94 for the room name.
"""

import json

from channels.generic.websocket import WebsocketConsumer

ROOM_NAME_PATTERN = r"[A-Za-z0-9_.-]{1,94}"
ROOM_NAME_RULE = 'a room name is 1 to 94 characters from A-Z, a-z, 0-9, "-", "_" and "."'

# Close code for a socket opened on an address that is not a room (4000-4999 are the
# application's own codes). The page does not retry after it.
ROOM_REFUSED = 4400


class RoomRefusedConsumer(WebsocketConsumer):
    """Says why the address is not a room, then closes with ROOM_REFUSED."""

    def connect(self):
        self.accept()
        # daphne does not send close reasons, so the reason also goes out as a message.
        self.send(text_data=json.dumps({"error": f"not a chat room address: {ROOM_NAME_RULE}"}))
        self.close(code=ROOM_REFUSED, reason="not a chat room address")
