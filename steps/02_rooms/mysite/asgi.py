"""ASGI entry point: HTTP goes to Django's views, WebSocket to the chat consumer.

Differs from the blog: Channels 4 wants `get_asgi_application()` called before anything
that imports models is imported, and consumers routed with `.as_asgi()` (chat/routing.py).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
# Set Django up (settings, apps) before importing code that may import models.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from chat.routing import websocket_urlpatterns  # noqa: E402
from mysite.closed_sockets import DropSendsToClosedSockets  # noqa: E402
from mysite.layer_outages import CloseOnLayerOutage  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Not in the blog: DropSendsToClosedSockets (mysite/closed_sockets.py) makes sure
        # disconnect() runs when a message arrives just as a socket closes, and
        # CloseOnLayerOutage (mysite/layer_outages.py) closes with 4013, "try again later",
        # instead of 1011 or HTTP 500 while Redis is down or restarting.
        "websocket": DropSendsToClosedSockets(
            CloseOnLayerOutage(
                # The blog's stack: refuse sockets opened from pages of other sites (Origin not
                # in ALLOWED_HOSTS), then route by path to the chat consumer.
                AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
            )
        ),
    }
)
