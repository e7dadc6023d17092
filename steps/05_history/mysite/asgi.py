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
from mysite.guards import guard  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

# Not in the blog: bad frames, addresses that are not rooms, Redis outages and sends to closed
# sockets get a clear answer instead of a server error (mysite/guards.py).
application = guard(application)
