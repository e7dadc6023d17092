"""The production application, plus one path that answers with what a consumer would see.

A socket to /ws/scope/ gets one JSON frame, {"client": scope["client"], "scheme": scope["scheme"]},
then a close; every other path goes to the step's application. Both sit inside deploy/asgi.py's
ForwardedWebSocketScheme, as the consumers do in production. The production checks run the
workers with it to prove a consumer sees the browser's address and wss, not nginx's.
"""

import json

from deploy.asgi import ForwardedWebSocketScheme, step_application

SCOPE_PATH = "/ws/scope/"


async def report_scope(scope, receive, send):
    if scope["type"] != "websocket" or scope["path"] != SCOPE_PATH:
        return await step_application(scope, receive, send)
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    seen = {"client": scope.get("client"), "scheme": scope.get("scheme", "ws (left out)")}
    await send({"type": "websocket.send", "text": json.dumps(seen)})
    await send({"type": "websocket.close", "code": 1000})


application = ForwardedWebSocketScheme(report_scope)
