"""REDIS_HOSTS, as deploy/settings.py reads it: one Redis, Sentinel, shards, each with the step's options."""

import pytest
from channels_redis.utils import create_pool
from redis.asyncio.connection import Connection

from deploy.channel_layer_hosts import SENTINEL_OPTIONS, ReconnectsThroughSentinels, hosts_from_environment

pytestmark = pytest.mark.scaling

STEP_HOST = {"address": "redis://127.0.0.1:6379/0", "socket_timeout": 10, "max_connections": 1000}


def test_without_redis_hosts_the_steps_own_host_stands(monkeypatch):
    monkeypatch.delenv("REDIS_HOSTS", raising=False)
    assert hosts_from_environment(STEP_HOST) == [STEP_HOST]


def test_shards_and_sentinels_mix_and_each_keeps_the_steps_options(monkeypatch):
    monkeypatch.setenv(
        "REDIS_HOSTS", "redis://10.0.0.1:6379/2  sentinel://10.0.0.5:26379,[::1]:26380/chat-b/3"
    )
    plain, watched = hosts_from_environment(STEP_HOST)
    assert plain == {"address": "redis://10.0.0.1:6379/2", "socket_timeout": 10, "max_connections": 1000}
    assert watched == {
        "sentinels": [("10.0.0.5", 26379), ("::1", 26380)],
        "master_name": "chat-b",
        "db": 3,
        "sentinel_kwargs": SENTINEL_OPTIONS,
        "connection_class": ReconnectsThroughSentinels,
        "socket_timeout": 10,  # the data connections wait on BZPOPMIN as the step's do
        "max_connections": 1000,
    }


@pytest.mark.parametrize("value", ["http://10.0.0.1:6379", "sentinel://10.0.0.5:26379", "sentinel:///chat"])
def test_an_entry_that_is_not_a_host_is_refused_with_the_format(monkeypatch, value):
    monkeypatch.setenv("REDIS_HOSTS", value)
    with pytest.raises(ValueError, match="REDIS_HOSTS"):
        hosts_from_environment(STEP_HOST)


def test_a_sentinel_host_keeps_the_steps_connection_class_for_the_primary_and_the_sentinels(monkeypatch):
    """The steps' connection keeps cancellations (mysite/guards.py): so must the connection
    through the sentinels, and the clients that ask them where the primary is."""

    class StepConnection(Connection):
        pass

    monkeypatch.setenv("REDIS_HOSTS", "sentinel://10.0.0.5:26379,10.0.0.6:26379/chat")
    [watched] = hosts_from_environment(STEP_HOST, connection_class=StepConnection)
    pool = create_pool(watched)  # as channels_redis makes it; connects to nothing yet
    connection = pool.make_connection()
    assert isinstance(connection, ReconnectsThroughSentinels) and isinstance(connection, StepConnection)
    assert [s.connection_pool.connection_class for s in pool.sentinel_manager.sentinels] == [
        StepConnection
    ] * 2
