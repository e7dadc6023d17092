"""The step's settings with the channel layer as deploy/settings.py makes it: Redis from
REDIS_HOSTS (Sentinel, or shards), the steps' cancellable connection, room for a burst.

Both call deploy's make_production_layer, so the checks run the steps' channel layer exactly as
deploy/settings.py would.
"""

from deploy.channel_layer_hosts import make_production_layer

from mysite.guards import CancellableConnection
from mysite.settings import *  # noqa: F403

make_production_layer(CHANNEL_LAYERS["default"]["CONFIG"], CancellableConnection)  # noqa: F405
