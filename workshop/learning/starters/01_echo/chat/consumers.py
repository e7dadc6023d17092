import json

from channels.generic.websocket import WebsocketConsumer


class ChatConsumer(WebsocketConsumer):
    """Step 01, your turn: answer each message on the WebSocket to the one who sent it."""

    def connect(self):
        self.accept()

    def disconnect(self, close_code):
        pass

    # Receive message from WebSocket
    def receive(self, text_data):
        message = json.loads(text_data)["message"]  # noqa: F841 (yours to send: see the TODO)

        # TODO: send `message` back to the sender, as JSON: {"message": message}
