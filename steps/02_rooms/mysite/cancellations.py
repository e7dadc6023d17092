"""Keeps a cancelled Redis command cancelled on Python 3.10 and 3.11.

redis-py writes each command under asyncio.wait_for (its socket_timeout: 5 s unless set), and
before Python 3.12 wait_for loses a cancellation that arrives just as the write completes: the
command goes on as if nothing happened. When a client leaves, Channels cancels its consumer's
wait for the next message from the channel layer; lost there, that wait never ends (channels_redis
waits again, 5 s at a time) until daphne kills the consumer after 10 s, logging "Application
instance ... took too long to shut down and was killed". Measured on Python 3.11: 2 of 80 pairs
of clients leaving at the same moment. docs/when-things-break.md has the details.

The channel layer (CHANNEL_LAYERS in mysite/settings.py, from step 02 on) uses this connection:
it writes without wait_for, and the reply it then reads keeps the timeout. From Python 3.12 on,
wait_for keeps cancellations and this is redis-py's own connection, unchanged.
"""

import sys

from redis.asyncio.connection import Connection


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
