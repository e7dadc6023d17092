"""The step's settings with room for a burst: the `capacity` production has (deploy/), not 100.

channels_redis drops a group_send to a server process whose queue in Redis already holds
`capacity` messages, silently but for an INFO line ("over capacity"). The steps keep its default
(100); the loads, the soak and the benchmark send more at once than that, and measure with this.
"""

from deploy.channel_layer_hosts import BURST_CAPACITY

from mysite.settings import *  # noqa: F403

CHANNEL_LAYERS["default"]["CONFIG"]["capacity"] = BURST_CAPACITY  # noqa: F405
