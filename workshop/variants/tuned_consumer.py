"""Step 03's application with two changes the profile found cheap, for the benchmark only.

NOT a lesson: the step's consumer stays as the tutorial writes it. This module swaps in a
subclass before the routing is imported; `make bench` measures it as "03-tuned".

1. Serialise once: the sender turns the chat message into its JSON frame once, and every member
   sends that text as it is, instead of each member calling json.dumps.
2. No database cleanup per message: since Channels 4.2, AsyncConsumer.dispatch runs Django's
   close_old_connections() in a worker thread before every handler, one thread hop per delivery.
   This chat never touches the database, so the tuned consumer skips it. A consumer that does
   use the ORM must keep it.
"""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
django.setup()

from channels.consumer import get_handler_name  # noqa: E402

from chat import consumers  # noqa: E402


class TunedChatConsumer(consumers.ChatConsumer):
    async def dispatch(self, message):
        # AsyncConsumer.dispatch without `await aclose_old_connections()`.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def receive(self, text_data):
        message = json.loads(text_data)["message"]  # a chat message: mysite/guards.py checked it
        frame = json.dumps({"message": message})  # built once here, not once per member
        await self.channel_layer.group_send(self.room_group_name, {"type": "chat.message", "frame": frame})

    async def chat_message(self, event):
        await self.send(text_data=event["frame"])


consumers.ChatConsumer = TunedChatConsumer  # chat.routing reads it when mysite.asgi imports it

from mysite.asgi import application  # noqa: E402, F401
