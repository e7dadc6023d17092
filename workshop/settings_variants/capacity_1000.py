"""The step's settings with room for 1000 waiting messages per server process (the default is 100).

channels_redis drops a message silently when the receiving process already has `capacity`
messages waiting in Redis; a larger capacity lets a burst wait instead of vanishing.
"""

from mysite.settings import *  # noqa: F403

CHANNEL_LAYERS["default"]["CONFIG"]["capacity"] = 1000  # noqa: F405
