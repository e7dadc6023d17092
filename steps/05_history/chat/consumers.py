import json
import uuid
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncWebsocketConsumer
from django.db import IntegrityError

from .models import Message

# The page explains this close code ("log in"); 4000-4999 are the application's own.
LOGIN_REQUIRED = 4401
# What a newcomer is sent on joining: the room's last messages, the same number for everyone,
# however long the room has been talking.
HISTORY_LENGTH = 50
# The most a page that reconnects is sent at once; away longer, it is told that older ones are left out.
CATCH_UP_LIMIT = 1000


class ChatConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.room_name = self.scope["url_route"]["kwargs"]["room_name"]
        self.room_group_name = f"chat_{self.room_name}"

        # AuthMiddlewareStack (mysite/asgi.py) has already read the session's user from the
        # database, so reading it here is safe in async code.
        self.user = self.scope["user"]
        if not self.user.is_authenticated:
            # Accept, then close: a close before accept is a bare HTTP 403 the page cannot explain.
            await self.accept()
            await self.close(code=LOGIN_REQUIRED)
            return

        # Join room group first, then read the history: a message stored meanwhile comes both
        # ways rather than neither, and the page shows each id once.
        await self.channel_layer.group_add(self.room_group_name, self.channel_name)
        await self.accept()

        # What this socket has not seen, sent to it alone (self.send, not group_send): the room's
        # last messages, or, when the page reconnects with ?after=<id>, everything after that id.
        # One frame per message, as live ones are (a frame may hold 64 KiB), then one that says so.
        messages, older_left_out = await self.history()
        for message in messages:
            await self.send(text_data=json.dumps({**message, "history": True}))
        await self.send(text_data=json.dumps({"caught_up": True, "older_left_out": older_left_out}))

    async def history(self):
        timeline = Message.objects.filter(room=self.room_name).select_related("author").order_by("-id")
        after = parse_qs(self.scope["query_string"].decode()).get("after")
        if after is None:
            newest = timeline[:HISTORY_LENGTH]
        else:
            # mysite/guards.py has checked that "after" is a message id (a whole number).
            newest = timeline.filter(id__gt=int(after[0]))[: CATCH_UP_LIMIT + 1]
        # `async for` runs the query without blocking the event loop. A plain `for` here raises
        # SynchronousOnlyOperation, as any sync ORM call in async code does.
        found = [message.as_event() async for message in newest]
        return found[:CATCH_UP_LIMIT][::-1], len(found) > CATCH_UP_LIMIT

    async def disconnect(self, close_code):
        # Leave room group
        await self.channel_layer.group_discard(self.room_group_name, self.channel_name)

    # Receive message from WebSocket
    async def receive(self, text_data):
        data = json.loads(text_data)

        # Store it first, so that it has an id, then send it to the room. Who said it comes from
        # the session, never from the frame. Django's async ORM (acreate, aget) awaits the query
        # off the event loop; database_sync_to_async around a plain function does the same.
        fields = {
            "room": self.room_name,
            "author": self.user,
            "client_id": data.get("client_id") or uuid.uuid4(),
        }
        try:
            message = await Message.objects.acreate(text=data["message"], **fields)
        except IntegrityError:
            # The page makes a client_id per message and sends it again after a reconnect when it
            # never saw the message come back. Stored already: send that one again, with its id
            # (pages show each id once). Inserting first costs one query in the usual case.
            message = await Message.objects.select_related("author").aget(**fields)

        # Send message to room group
        await self.channel_layer.group_send(
            self.room_group_name, {"type": "chat.message", **message.as_event()}
        )

    # Receive message from room group
    async def chat_message(self, event):
        # Send message to WebSocket, with the id the page remembers. A group_send from outside
        # this consumer (an announcement: the workshop's announce command) stores nothing, so it has no id.
        await self.send(
            text_data=json.dumps(
                {
                    "id": event.get("id"),
                    "user": event["user"],
                    "message": event["message"],
                    "client_id": event.get("client_id"),
                }
            )
        )
