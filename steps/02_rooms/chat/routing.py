from django.urls import re_path

from . import consumers
from .rooms import ROOM_NAME_PATTERN, RoomRefusedConsumer

websocket_urlpatterns = [
    # The blog routes `consumers.ChatConsumer`; Channels 3+ needs `.as_asgi()`, which builds
    # one consumer instance per connection.
    re_path(rf"^ws/chat/(?P<room_name>{ROOM_NAME_PATTERN})/$", consumers.ChatConsumer.as_asgi()),
    # Not in the blog: any other address (a room name that cannot be a group name, or no
    # room at all) gets a reason and close code 4400, not a server error.
    re_path(r"", RoomRefusedConsumer.as_asgi()),
]
