"""The words `make check` says beyond each check's own hint (those are its `hint` markers)."""

DID_NOT_START = "the project did not start: its own error is what it saw; fix that first."
NO_CHANNEL_LAYER = (
    "mysite/settings.py sets no CHANNEL_LAYERS: without a channel layer there are no groups, so no "
    "rooms. Add the Redis channel layer (the step's README shows it); every room check fails until then."
)
NO_GROUP_ADD = (
    "chat/consumers.py never calls group_add: a connection that does not join its room's group hears "
    "nobody. Join it in connect(), and leave it in disconnect() with group_discard."
)
