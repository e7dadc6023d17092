"""Sending into a room from outside a consumer, as a view, a task or a command would.

Such code is synchronous: `async_to_sync` runs `group_send` (a coroutine) to completion on an
event loop of its own. Inside code already running on an event loop (an async view, a notebook
cell), await `group_send` instead: `async_to_sync` refuses to run there.
"""

import re

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.management.base import BaseCommand, CommandError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from workshop.protocol import MAX_MESSAGE_LENGTH, ROOM_NAME_PATTERN, ROOM_NAME_RULE, group_name

ANNOUNCER = "announcement"  # the sender's name on the page, in a step with users


class Command(BaseCommand):
    help = "Say a message in a chat room from outside it: every member's page shows it."

    def add_arguments(self, parser):
        parser.add_argument("room", help="the room's name, as in /chat/<room>/")
        parser.add_argument("message")

    def handle(self, *args, room, message, **options):
        if not re.fullmatch(ROOM_NAME_PATTERN, room):
            raise CommandError(f"{room!r} is not a room: {ROOM_NAME_RULE}")
        if not message.strip():
            raise CommandError('"message" is empty')
        if len(message) > MAX_MESSAGE_LENGTH:
            raise CommandError(
                f'"message" is {len(message)} characters long; the limit is {MAX_MESSAGE_LENGTH}'
            )
        channel_layer = get_channel_layer()
        if channel_layer is None:
            raise CommandError("This project has no channel layer (CHANNEL_LAYERS), so no rooms to send to.")
        try:
            # The same event a member's message becomes: "chat.message" calls chat_message. From
            # step 04 on every message names who said it; this one names itself (earlier steps
            # ignore the key).
            async_to_sync(channel_layer.group_send)(
                group_name(room), {"type": "chat.message", "message": message, "user": ANNOUNCER}
            )
        except (RedisConnectionError, RedisTimeoutError, OSError) as error:
            raise CommandError(f"The channel layer's Redis is not answering: {error}") from None
        self.stdout.write(f"Said in room {room}: {message}")
