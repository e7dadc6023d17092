"""Reads a chat message out of a WebSocket frame, or says clearly why it cannot.

The blog's `json.loads(text_data)["message"]` raises on anything unexpected, and an
exception in a consumer closes the socket with 1011. Here every bad frame becomes a
reason the consumer can send back to its sender.
"""

import json

# Longest message, in characters, that a room relays. daphne's own cap on a frame, 64 KiB as
# the workshop starts it (--websocket-max-message-size 65536), stops far larger frames first.
MAX_MESSAGE_LENGTH = 2000

EXAMPLE = 'send text like {"message": "hello"}'


class InvalidMessage(ValueError):
    """A frame the chat will not relay; str(error) is the reason for the sender."""


def read_chat_message(text_data=None, bytes_data=None):
    """Return the "message" string of a well-formed frame; raise InvalidMessage otherwise."""
    if text_data is None:
        raise InvalidMessage(f"binary frames are not accepted: {EXAMPLE}")
    try:
        data = json.loads(text_data)
    except (ValueError, RecursionError):
        raise InvalidMessage(f"the frame is not JSON: {EXAMPLE}") from None
    if not isinstance(data, dict):
        raise InvalidMessage(f"the frame is JSON but not an object: {EXAMPLE}")
    if "message" not in data:
        raise InvalidMessage(f'the object has no "message" key: {EXAMPLE}')
    message = data["message"]
    if not isinstance(message, str):
        raise InvalidMessage(f'"message" must be a string, not {type(message).__name__}: {EXAMPLE}')
    if not message.strip():
        raise InvalidMessage('"message" is empty')
    if len(message) > MAX_MESSAGE_LENGTH:
        raise InvalidMessage(
            f'"message" is {len(message)} characters long; the limit is {MAX_MESSAGE_LENGTH}'
        )
    try:
        message.encode("utf-8")
    except UnicodeEncodeError:
        # JSON can spell lone surrogates ("\ud800"); the channel layer could not encode them.
        raise InvalidMessage('"message" is not valid Unicode text') from None
    return message
