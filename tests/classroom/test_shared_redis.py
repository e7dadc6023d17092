"""The classroom's shared Redis: the learners' user does what channels_redis needs, nothing else."""

import pytest
import redis
from channels_redis.core import RedisChannelLayer

from workshop.classroom.shared_redis import start_classroom_redis

pytestmark = pytest.mark.classroom


@pytest.fixture
def classroom_redis():
    shared = start_classroom_redis("127.0.0.1")
    yield shared
    shared.close()


async def test_a_channel_layer_on_the_learners_user_sends_receives_and_keeps_groups(classroom_redis):
    layer = RedisChannelLayer(hosts=[{"address": classroom_redis.learner_url, "socket_timeout": 10}])
    member = await layer.new_channel()
    await layer.group_add("chat_lobby", member)
    await layer.group_send("chat_lobby", {"type": "chat.message", "message": "hello, class"})
    assert await layer.receive(member) == {"type": "chat.message", "message": "hello, class"}
    await layer.send(member, {"type": "chat.message", "message": "direct"})
    assert (await layer.receive(member))["message"] == "direct"
    await layer.group_discard("chat_lobby", member)
    await layer.group_send("chat_lobby", {"type": "chat.message", "message": "nobody left"})
    with redis.Redis.from_url(classroom_redis.admin_url) as admin:
        assert admin.zcard("asgi:group:chat_lobby") == 0
    await layer.close_pools()


REFUSED = {
    "FLUSHALL": ("FLUSHALL",),
    "FLUSHDB": ("FLUSHDB",),
    "CONFIG": ("CONFIG", "SET", "maxmemory", "1"),
    "KEYS": ("KEYS", "*"),
    "DEBUG": ("DEBUG", "SLEEP", "0"),
    "SHUTDOWN": ("SHUTDOWN", "NOSAVE"),
    "ACL": ("ACL", "SETUSER", "learner", "+@all"),
    "a key outside the prefix": ("ZADD", "somebody-else", "1", "x"),
    "reading a key outside the prefix": ("GET", "somebody-else"),
    "a script touching a key outside the prefix": (
        "EVAL",
        "return redis.call('DEL', ARGV[1])",
        "0",
        "somebody-else",
    ),
    "SCAN": ("SCAN", "0"),
    "SUBSCRIBE": ("PUBLISH", "asgi-news", "hi"),
}


@pytest.mark.parametrize("command", REFUSED.values(), ids=REFUSED.keys())
def test_the_learners_user_is_refused(classroom_redis, command):
    with redis.Redis.from_url(classroom_redis.admin_url) as admin:
        admin.zadd("asgi:group:chat_lobby", {"a-member": 1})
        admin.set("somebody-else", "theirs")
        rules_before = admin.acl_list()
        with redis.Redis.from_url(classroom_redis.learner_url) as learner:
            with pytest.raises(
                redis.exceptions.ResponseError, match=r"(?i)no permissions|not allowed|ACL failure"
            ):
                learner.execute_command(*command)
        assert admin.ping()  # still up
        assert admin.acl_list() == rules_before
        assert admin.zcard("asgi:group:chat_lobby") == 1 and admin.get("somebody-else") == b"theirs"
