"""The step's settings with channels_redis's default `capacity` (100) instead of the step's 2000.

Shows what the step's setting prevents: a burst to a process whose queue in Redis already holds
`capacity` messages is dropped silently (the server logs "over capacity" at INFO level).
"""

from mysite.settings import *  # noqa: F403

CHANNEL_LAYERS["default"]["CONFIG"].pop("capacity", None)  # noqa: F405
