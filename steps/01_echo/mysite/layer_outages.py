"""Turns a channel-layer outage (Redis down or restarting) into a close the client can act on.

When Redis goes away, channels_redis raises from the consumer's group_add and group_send and
from its wait for the next group message. Unhandled, that ends the consumer: daphne closes an
open socket with 1011 (internal error), answers a handshake with HTTP 500, and logs a
traceback per socket. None of that tells a client what to do. Here the client gets an
{"error": ...} saying why, then the close code 4013, "try again later"; the chat page
reconnects after a growing delay, and once Redis answers again the new connection joins its
room as usual. Step 01 uses no channel layer; this is inert there.

Why 4013 and not the standard 1013 (Try Again Later): daphne's WebSocket engine, autobahn, lets
an application close only with 1000 or 3000-4999, so the code mirrors 1013 in the private range.
"""

import json
import logging

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

TRY_AGAIN_LATER = 4013
LAYER_OUTAGES = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)
REASON = "the chat's message broker (Redis) is not answering; reconnect in a moment"

logger = logging.getLogger(__name__)


class CloseOnLayerOutage:
    """ASGI middleware: a socket whose consumer lost Redis is closed with 4013, not 1011 or 500."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
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
                return  # the client left first (and Redis took the group with it): nothing to tell
            if not accepted:
                # A close before accept is an HTTP 403 that says nothing; accept so we can explain.
                await send({"type": "websocket.accept"})
            await send({"type": "websocket.send", "text": json.dumps({"error": REASON})})
            await send({"type": "websocket.close", "code": TRY_AGAIN_LATER})
