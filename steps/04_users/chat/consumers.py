import json

from channels.generic.websocket import AsyncWebsocketConsumer

# The page explains this close code ("log in"); 4000-4999 are the application's own.
LOGIN_REQUIRED = 4401


class ChatConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.room_name = self.scope["url_route"]["kwargs"]["room_name"]
        self.room_group_name = f"chat_{self.room_name}"

        # AuthMiddlewareStack (mysite/asgi.py) has already read the session's user from the
        # database, so reading it here is safe in async code; another query would not be.
        self.user = self.scope["user"]
        if not self.user.is_authenticated:
            # Accept, then close: a close before accept is a bare HTTP 403 the page cannot explain.
            await self.accept()
            await self.close(code=LOGIN_REQUIRED)
            return

        # Join room group (an async consumer awaits the channel layer: no async_to_sync)
        await self.channel_layer.group_add(self.room_group_name, self.channel_name)
        await self.accept()

    async def disconnect(self, close_code):
        # Leave room group
        await self.channel_layer.group_discard(self.room_group_name, self.channel_name)

    # Receive message from WebSocket
    async def receive(self, text_data):
        message = json.loads(text_data)["message"]

        # Send message to room group. Who said it comes from the session, never from the frame:
        # a client can put any "user" in what it sends.
        await self.channel_layer.group_send(
            self.room_group_name,
            {"type": "chat.message", "message": message, "user": self.user.username},
        )

    # Receive message from room group
    async def chat_message(self, event):
        message = event["message"]

        # Send message to WebSocket
        await self.send(text_data=json.dumps({"message": message, "user": event["user"]}))
