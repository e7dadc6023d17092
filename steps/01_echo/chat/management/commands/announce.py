"""`python manage.py announce ROOM MESSAGE`: say MESSAGE in ROOM from outside the chat.

Not in the blog, and the same in every step, so no lesson's diff shows it. A view, a task or a
command reaches a room the way a consumer does, through the channel layer, but it is
synchronous code: `async_to_sync` runs `group_send` (a coroutine) to completion on an event loop
of its own. Inside code already running on an event loop (an async view, a notebook cell),
await `group_send` instead: `async_to_sync` refuses to run there.
"""

import json
import re

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.management.base import BaseCommand, CommandError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from mysite.guards import ROOM_NAME_PATTERN, ROOM_NAME_RULE, InvalidMessage, read_chat_message


class Command(BaseCommand):
    help = "Say a message in a chat room from outside it: every member's page shows it."

    def add_arguments(self, parser):
        parser.add_argument("room", help="the room's name, as in /chat/<room>/")
        parser.add_argument("message")

    def handle(self, *args, room, message, **options):
        if not re.fullmatch(ROOM_NAME_PATTERN, room):
            raise CommandError(f"{room!r} is not a room: {ROOM_NAME_RULE}")
        try:
            message = read_chat_message(json.dumps({"message": message}))
        except InvalidMessage as error:
            raise CommandError(str(error)) from None
        channel_layer = get_channel_layer()
        if channel_layer is None:
            raise CommandError("This project has no channel layer (CHANNEL_LAYERS), so no rooms to send to.")
        try:
            # The same event a member's message becomes: "chat.message" calls chat_message.
            async_to_sync(channel_layer.group_send)(
                f"chat_{room}", {"type": "chat.message", "message": message}
            )
        except (RedisConnectionError, RedisTimeoutError, OSError) as error:
            raise CommandError(f"The channel layer's Redis is not answering: {error}") from None
        self.stdout.write(f"Said in room {room}: {message}")
