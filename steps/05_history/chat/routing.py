from django.urls import re_path

from . import consumers

websocket_urlpatterns = [
    # The blog routes `consumers.ChatConsumer` and matches `\w+`. Channels 3+ needs `.as_asgi()`
    # (one consumer instance per connection); room names may also hold "-" and "."
    # (mysite/guards.py refuses any other address before it gets here).
    re_path(r"ws/chat/(?P<room_name>[\w.-]+)/$", consumers.ChatConsumer.as_asgi()),
]
