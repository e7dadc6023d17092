"""The step's settings with the channel layer as deploy/settings.py makes it: Redis from
REDIS_HOSTS (Sentinel, or shards), the steps' cancellable connection, room for a burst.

The format and the options are deploy's (deploy/channel_layer_hosts.py), so the checks run the
steps' channel layer exactly as deploy/settings.py would.
"""

from deploy.channel_layer_hosts import BURST_CAPACITY, hosts_from_environment

from mysite.guards import CancellableConnection
from mysite.settings import *  # noqa: F403

CHANNEL_LAYERS["default"]["CONFIG"]["hosts"] = hosts_from_environment(  # noqa: F405
    CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0],  # noqa: F405
    connection_class=CancellableConnection,
)
CHANNEL_LAYERS["default"]["CONFIG"]["capacity"] = BURST_CAPACITY  # noqa: F405
