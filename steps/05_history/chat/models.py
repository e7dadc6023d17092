from django.conf import settings
from django.db import models


class Message(models.Model):
    """One chat message, kept: what a late joiner reads and what a reconnecting page catches up on."""

    room = models.CharField(max_length=94)  # a room's name; a room is wherever someone speaks
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    text = models.TextField()
    time = models.DateTimeField(auto_now_add=True)
    # Made by the page for each message it sends. A message sent again after a reconnect (the
    # page never saw it come back) carries the same one, and is stored once.
    client_id = models.UUIDField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "author", "client_id"], name="one_message_per_client_id")
        ]
        # A room's messages in order: history and catch-up read this index, newest first or after an id.
        indexes = [models.Index(fields=["room", "id"], name="room_timeline")]

    def as_event(self):
        """What the consumer relays: the id the page remembers, who said it, and the text."""
        return {
            "id": self.id,
            "user": self.author.username,
            "message": self.text,
            "client_id": str(self.client_id),
        }
