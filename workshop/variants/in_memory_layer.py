"""The step's settings with Channels' in-process layer: groups live in one process's memory.

Shows why the step uses Redis: two server processes with this layer cannot reach each other.
"""

from mysite.settings import *  # noqa: F403

CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
