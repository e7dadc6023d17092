"""Not in the blog: what keeps the chat answering clearly when a client or Redis misbehaves.

The lesson's files (chat/consumers.py, chat/routing.py, mysite/settings.py) stay as the blog
writes them; mysite/asgi.py wraps the whole application in `guard()`, one line. This file is the
same in every step, so no step's diff shows it. The guards, outermost first:

- DropSendsToClosedSockets: a message can reach a consumer just as its client closes the
  socket. daphne then raises from `send`, which ends the consumer before the disconnect event
  reaches it, so disconnect() never runs and what it undoes stays undone (django/channels#1466,
  open). Sending to a socket that is already gone is a normal race: the send is dropped.
- RefuseOtherAddresses: a WebSocket opened on an address that is not a room (no room name, or
  one that is not 1 to 94 of the characters below) gets {"error": reason} and the close code
  4400, instead of an unrouted path's server error. The page does not retry after 4400. So does
  a room's address whose ?after= (from step 05 on, the last message id a page has shown) is not
  a message id: the consumer reads it as a number.
- CloseOnLayerOutage: when the channel layer cannot reach Redis (down, restarting), a consumer
  raises. Unhandled, daphne closes the socket with 1011 or answers the handshake with HTTP 500,
  which tells a client nothing. Here it gets {"error": reason} and 4013, "try again later": the
  page reconnects after a growing delay. It does nothing where a step uses no channel layer.
- CheckFrames: the consumer's `json.loads(text_data)["message"]` raises on any other frame,
  which closes the socket with 1011. A frame that is not a chat message is answered with
  {"error": reason} and never reaches the consumer; the socket stays open. A chat message may
  carry a "client_id" (from step 05 on, the page's id for it, stored with it): a UUID or nothing.

And two for the channel layer's Redis hosts (from step 02 on), which guard() gives each host
that settings.py writes as a dict, unless it sets them itself:

- retry_on_error: after Redis restarts, the first command on each pooled connection fails
  ("Connection closed by server"). The layer retries it once, on a new connection, rather than
  fail the handshake or the message that happened to send it.
- CancellableConnection: redis-py writes each command under asyncio.wait_for, and before Python
  3.12 wait_for loses a cancellation that arrives just as the write completes. When a client
  leaves, Channels cancels its consumer's wait on Redis; lost there, the consumer lingers until
  daphne kills it 10 s later ("took too long to shut down"): 2 of 80 pairs of clients leaving at
  once, on Python 3.11. This connection writes without wait_for. From Python 3.12 on it is
  redis-py's own connection, unchanged.
"""

import json
import logging
import re
import sys
import uuid
from urllib.parse import parse_qs

from autobahn.exception import Disconnected
from channels.security.websocket import AllowedHostsOriginValidator
from django.conf import settings
from redis.asyncio.connection import Connection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# What a room may be called. Channels accepts the names consumers register only if they are
# ASCII letters, digits, "-", "_" or "." and shorter than 100 characters; a room's name
# becomes one behind a 5-character prefix ("chat_"), which leaves 94.
ROOM_NAME_PATTERN = r"[A-Za-z0-9_.-]{1,94}"
ROOM_NAME_RULE = 'a room name is 1 to 94 characters from A-Z, a-z, 0-9, "-", "_" and "."'
ROOM_ADDRESS = re.compile(rf"/ws/chat/{ROOM_NAME_PATTERN}/")
# A message id as a page sends it back: a whole number that fits the database's 64-bit id.
MESSAGE_ID = re.compile(r"[0-9]{1,18}")
MESSAGE_ID_RULE = "after= is the id of the last message the page showed: a whole number from 0"
# Close codes are the application's own from 4000 to 4999 (daphne lets an application send 1000
# or 3000-4999 only). 4400: not a room, do not retry. 4013 mirrors RFC 6455's 1013, try again later.
ROOM_REFUSED = 4400
TRY_AGAIN_LATER = 4013

# Longest message, in characters, that a room relays. daphne's own cap on a frame, 64 KiB as
# the workshop starts it (--websocket-max-message-size 65536), stops far larger frames first.
MAX_MESSAGE_LENGTH = 2000
EXAMPLE = 'send text like {"message": "hello"}'

LAYER_OUTAGES = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)
OUTAGE_REASON = "the chat's message broker (Redis) is not answering; reconnect in a moment"

logger = logging.getLogger(__name__)


class CancellableConnection(Connection):
    """redis-py's connection, whose writes a cancellation always interrupts."""

    if sys.version_info < (3, 12):

        async def send_packed_command(self, command, check_health=True):
            if not self.is_connected:
                await self.connect()  # the handshake under socket_timeout, as redis-py does it
            if check_health:
                await self.check_health()
            # Without a socket_timeout, redis-py writes directly, with no wait_for around it.
            timeout, self.socket_timeout = self.socket_timeout, None
            try:
                await super().send_packed_command(command, check_health=False)
            finally:
                self.socket_timeout = timeout


# What each Redis host of the channel layer gets, unless settings.py gives it one of its own.
LAYER_HOST_DEFAULTS = {"connection_class": CancellableConnection, "retry_on_error": [RedisConnectionError]}


def guard(application):
    """The ASGI application with every guard above around its WebSockets, innermost first."""
    for layer in getattr(settings, "CHANNEL_LAYERS", {}).values():
        for host in layer.get("CONFIG", {}).get("hosts", ()):
            if isinstance(host, dict):  # a ("redis", 6379) pair keeps redis-py's defaults
                for option, value in LAYER_HOST_DEFAULTS.items():
                    host.setdefault(option, value)
    application = CheckFrames(application)
    application = CloseOnLayerOutage(application)
    application = RefuseOtherAddresses(application)
    return DropSendsToClosedSockets(application)


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
    client_id = data.get("client_id")
    if client_id is not None and not (isinstance(client_id, str) and _is_uuid(client_id)):
        raise InvalidMessage(
            '"client_id", when given, is a UUID string like "5f0c...-...": the page makes one per message'
        )
    try:
        message.encode("utf-8")
    except UnicodeEncodeError:
        # JSON can spell lone surrogates ("\ud800"); Redis could not carry them as text.
        raise InvalidMessage('"message" is not valid Unicode text') from None
    return message


def _is_uuid(text):
    try:
        return str(uuid.UUID(text)) == text.lower()
    except ValueError:
        return False


def catch_up_problem(query_string):
    """Why a room address's query string is not one the room can read, or None when it is."""
    after = parse_qs(query_string.decode("latin-1")).get("after")
    if after is not None and (len(after) > 1 or not MESSAGE_ID.fullmatch(after[0])):
        return MESSAGE_ID_RULE
    return None


async def _send_error(send, reason):
    await send({"type": "websocket.send", "text": json.dumps({"error": reason})})


class RefuseOtherAddresses:
    """ASGI middleware: a socket on an address that is not a room gets a reason, then 4400."""

    def __init__(self, application):
        self.application = application
        # A page of another site gets HTTP 403 here too, as it does on a room's address.
        self.refuse = AllowedHostsOriginValidator(_refuse_address)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket" or (
            ROOM_ADDRESS.fullmatch(scope["path"]) and not catch_up_problem(scope.get("query_string", b""))
        ):
            return await self.application(scope, receive, send)
        return await self.refuse(scope, receive, send)


async def _refuse_address(scope, receive, send):
    if (await receive())["type"] != "websocket.connect":
        return  # the client left before its handshake was answered
    # Accept first: a close before accept is an HTTP 403 that says nothing. daphne does not
    # send close reasons, so the reason also goes out as a message.
    await send({"type": "websocket.accept"})
    if ROOM_ADDRESS.fullmatch(scope["path"]):
        await _send_error(send, catch_up_problem(scope.get("query_string", b"")))
    else:
        await _send_error(send, f"not a chat room address: {ROOM_NAME_RULE}")
    await send({"type": "websocket.close", "code": ROOM_REFUSED, "reason": "not a chat room address"})


class CloseOnLayerOutage:
    """ASGI middleware: a socket whose consumer lost Redis is closed with 4013, not 1011 or 500."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.application(scope, receive, send)
        accepted = gone = False

        async def watching_receive():
            nonlocal gone
            event = await receive()
            gone = gone or event["type"] == "websocket.disconnect"
            return event

        async def watching_send(message):
            nonlocal accepted, gone
            accepted = accepted or message["type"] == "websocket.accept"
            gone = gone or message["type"] == "websocket.close"
            await send(message)

        try:
            return await self.application(scope, watching_receive, watching_send)
        except LAYER_OUTAGES as error:
            logger.warning(
                "Closing %s with %d: channel layer unreachable (%s: %s)",
                scope["path"],
                TRY_AGAIN_LATER,
                type(error).__name__,
                error,
            )
            if gone:
                return  # the client left first: nothing to tell
            if not accepted:
                await send({"type": "websocket.accept"})  # so that the reason can be sent
            await _send_error(send, OUTAGE_REASON)
            await send({"type": "websocket.close", "code": TRY_AGAIN_LATER})


class DropSendsToClosedSockets:
    """ASGI middleware: a `websocket.send` to a socket the client has closed is dropped, not raised."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.application(scope, receive, send)

        async def send_unless_closed(message):
            try:
                await send(message)
            except Disconnected:
                if message["type"] != "websocket.send":
                    raise

        return await self.application(scope, receive, send_unless_closed)


class CheckFrames:
    """ASGI middleware: a frame that is not a chat message is answered, and not passed on."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.application(scope, receive, send)

        async def chat_frames_only():
            while True:
                event = await receive()
                if event["type"] != "websocket.receive":
                    return event
                try:
                    read_chat_message(event.get("text"), event.get("bytes"))
                except InvalidMessage as error:
                    await _send_error(send, str(error))
                    continue
                return event

        return await self.application(scope, chat_frames_only, send)
