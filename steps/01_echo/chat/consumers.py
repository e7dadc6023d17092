import json

from channels.generic.websocket import WebsocketConsumer


class ChatConsumer(WebsocketConsumer):
    """Answers each message on the WebSocket to the one who sent it: an echo server."""

    def connect(self):
        self.accept()

    def disconnect(self, close_code):
        pass

    # Receive message from WebSocket
    def receive(self, text_data):
        message = json.loads(text_data)["message"]

        # Send message back to the sender only
        self.send(text_data=json.dumps({"message": message}))
