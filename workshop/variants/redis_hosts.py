"""The step's settings with the channel layer's Redis from REDIS_HOSTS: Sentinel, or shards.

Only the hosts change; each keeps the step's own host options. The format is deploy's
(deploy/channel_layer_hosts.py), so the checks run the steps exactly as deploy/settings.py would.
"""

from deploy.channel_layer_hosts import hosts_from_environment

from mysite.settings import *  # noqa: F403

CHANNEL_LAYERS["default"]["CONFIG"]["hosts"] = hosts_from_environment(  # noqa: F405
    CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]  # noqa: F405
)
