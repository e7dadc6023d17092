"""The step's settings with channels_redis's Pub/Sub layer: no per-process queue, so no capacity to hit.

Messages go out through Redis PUBLISH to the processes subscribed at that moment.
"""

from mysite.settings import *  # noqa: F403

CHANNEL_LAYERS["default"]["BACKEND"] = "channels_redis.pubsub.RedisPubSubChannelLayer"  # noqa: F405
