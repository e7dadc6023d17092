"""Users for clients that cannot send the session cookie (a phone app, a script): a signed,
expiring token in the handshake's `Authorization` header. Not in a step: a browser has the cookie.

Never put the token in the URL (`?token=...`): query strings land in access logs, nginx's and
daphne's, and in browser history. A header does not. Serve it for a step with users (04 on):

    daphne deploy.token_auth:application      # the step's application, tokens first
"""

# ruff: noqa: I001  (the step's asgi.py sets Django up; it comes first)
from mysite.asgi import application as step_application

from channels.db import database_sync_to_async  # noqa: E402
from channels.middleware import BaseMiddleware  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.core import signing  # noqa: E402

SALT = "chat.token"  # tokens are signed with SECRET_KEY, apart from other signed values
MAX_AGE = 60 * 60  # seconds a token is good for


def token_for(user):
    """What a login API hands a client: the user's id, signed, with the time it was made."""
    return signing.dumps(user.pk, salt=SALT)


@database_sync_to_async  # the ORM is synchronous: never call it straight from async code
def user_for(token):
    users = get_user_model()
    try:
        return users.objects.get(pk=signing.loads(token, salt=SALT, max_age=MAX_AGE))
    except (signing.BadSignature, users.DoesNotExist):  # forged, expired, or the user is gone
        return AnonymousUser()


class TokenAuthMiddleware(BaseMiddleware):
    """scope["user"] from `Authorization: Bearer <token>` when a socket carries one. Channels'
    AuthMiddleware, inside, leaves a user already in the scope alone; without a token the session
    decides, as before."""

    async def __call__(self, scope, receive, send):
        header = dict(scope.get("headers", ())).get(b"authorization", b"").decode("latin-1")
        if scope["type"] == "websocket" and header.startswith("Bearer "):
            scope = dict(scope, user=await user_for(header.removeprefix("Bearer ")))
        return await super().__call__(scope, receive, send)


application = TokenAuthMiddleware(step_application)
