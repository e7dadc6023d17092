"""Bad frames and bad room names the checks throw at every step."""

import json

from workshop.protocol import MAX_MESSAGE_LENGTH

BAD_FRAMES = {
    "not JSON": "hello",
    "empty frame": "",
    "JSON but not an object": '["message", "hi"]',
    "JSON string": '"hi"',
    "no message key": '{"text": "hi"}',
    "message is a number": '{"message": 42}',
    "message is null": '{"message": null}',
    "message is an object": '{"message": {"nested": true}}',
    "message is empty": '{"message": ""}',
    "message is whitespace": '{"message": "   "}',
    "message over the cap": json.dumps({"message": "x" * (MAX_MESSAGE_LENGTH + 1)}),
    "lone surrogate": '{"message": "\\ud800"}',
    "deeply nested JSON": "[" * 30_000
    + "]" * 30_000,  # under daphne's 64 KiB cap, so it reaches the consumer
    "huge number": '{"message": ' + "9" * 5000 + "}",
    "binary frame": b'{"message": "hi"}',
    "client_id not a UUID": '{"message": "hi", "client_id": "not-a-uuid"}',
    "client_id a number": '{"message": "hi", "client_id": 42}',
}

BAD_ROOM_NAMES = {
    "space": "two words",
    "unicode": "日本語",
    "punctuation": "room!",
    "percent-encoded slash": "a/b",
    "95 characters": "r" * 95,
    "150 characters": "r" * 150,
    "percent sign": "100%",
    "emoji": "🌸",
}
