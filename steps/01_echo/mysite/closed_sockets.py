"""Lets a consumer's disconnect() run even when a message races the socket's close.

A group message can reach a consumer just as its client closes the socket. daphne then raises
from `send` ("Attempt to send on a closed protocol"), the exception ends the consumer before
the websocket.disconnect event reaches it, and `disconnect()` never runs: no `group_discard`,
so the channel stays in the room's group in Redis for a day (`group_expiry`). This is
django/channels#1466, still open. Sending to a socket that is already gone is a normal race,
not an error: we drop that one message, and the consumer goes on to its disconnect().
"""

from autobahn.exception import Disconnected


class DropSendsToClosedSockets:
    """ASGI middleware: a `websocket.send` to a socket the client has closed is dropped, not raised."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        async def send_unless_closed(message):
            try:
                await send(message)
            except Disconnected:
                if message["type"] != "websocket.send":
                    raise

        return await self.application(scope, receive, send_unless_closed)
