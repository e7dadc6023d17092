import json

from channels.generic.websocket import WebsocketConsumer

from .messages import InvalidMessage, read_chat_message


class ChatConsumer(WebsocketConsumer):
    """Answers each message on the WebSocket to the one who sent it: an echo server."""

    def connect(self):
        self.room_name = self.scope["url_route"]["kwargs"]["room_name"]
        self.accept()

    def disconnect(self, close_code):
        pass

    # Receive message from WebSocket
    def receive(self, text_data=None, bytes_data=None):
        # Not in the blog: json.loads(text_data)["message"] raises on a bad frame, which
        # kills the socket (1011). read_chat_message checks the frame; we answer with the reason.
        try:
            message = read_chat_message(text_data, bytes_data)
        except InvalidMessage as error:
            self.send(text_data=json.dumps({"error": str(error)}))
            return

        # Send message back to the sender only
        self.send(text_data=json.dumps({"message": message}))
