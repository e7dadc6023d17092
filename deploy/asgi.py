"""The production ASGI entry point: the step's application, told the scheme the client used.

daphne --proxy-headers puts the client's address from X-Forwarded-For into scope["client"], and
for HTTP the scheme from X-Forwarded-Proto into scope["scheme"]; for a WebSocket it leaves the
scheme out (django/daphne#219), so a consumer behind nginx would take a wss:// socket for ws://.
This fills it in from the same header, which only nginx can set: the workers listen on loopback.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deploy.settings")

from mysite.asgi import application as step_application  # noqa: E402  (settings first)


class ForwardedWebSocketScheme:
    """Set a WebSocket scope's scheme to wss when nginx says the client came over TLS."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and "scheme" not in scope:
            forwarded = dict(scope["headers"]).get(b"x-forwarded-proto", b"").decode("latin1").strip()
            if forwarded in ("https", "http"):
                scope = {**scope, "scheme": "wss" if forwarded == "https" else "ws"}
        return await self.app(scope, receive, send)


application = ForwardedWebSocketScheme(step_application)
