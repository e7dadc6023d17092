import json

from channels.generic.websocket import WebsocketConsumer

from .messages import InvalidMessage, read_chat_message


class ChatConsumer(WebsocketConsumer):
    """Step 01, your turn: answer each message on the WebSocket to the one who sent it."""

    def connect(self):
        self.room_name = self.scope["url_route"]["kwargs"]["room_name"]
        self.accept()

    def disconnect(self, close_code):
        pass

    # Receive message from WebSocket
    def receive(self, text_data=None, bytes_data=None):
        try:
            message = read_chat_message(text_data, bytes_data)  # noqa: F841 (yours to send: see the TODO)
        except InvalidMessage as error:
            self.send(text_data=json.dumps({"error": str(error)}))
            return

        # TODO: send `message` back to the sender, as JSON: {"message": message}
