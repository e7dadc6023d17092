"""Serving through nginx and several daphne workers: what a client sees is what one daphne gave it.

Clients connect over wss:// trusting only the stack's own authority; rooms and members are proven
from Redis, where each worker's channel names carry its process's prefix (`specific.<process>!...`).
"""

import asyncio
import json
import ssl
import urllib.error
import urllib.request

import pytest
from harness.pages import log_of, screenshot, send, wait_for_line
from websockets.asyncio.client import connect

from workshop.running.clients import ChatClient
from workshop.running.groups import group_members, process_of, wait_for_group_size
from workshop.running.sentinel import ReplicatedRedis
from workshop.running.shards import ShardedRedis

pytestmark = [pytest.mark.live, pytest.mark.production]

MOST_CLIENTS = 40  # connect up to this many before concluding that one worker takes them all


async def test_clients_through_nginx_land_on_several_workers_and_one_room_spans_them(
    production_stack, redis_url, unique_room, report_figure
):
    room = unique_room("spread")
    members: list[ChatClient] = []
    try:
        # The kernel hands each new connection to whichever worker accepts first: join in small
        # concurrent batches until Redis shows channels of two processes in the room's group.
        while len(members) < MOST_CLIENTS:
            members += await asyncio.gather(
                *(ChatClient.join(production_stack, room, f"m{len(members) + i}") for i in range(4))
            )
            # Each consumer joined its group before accepting, so the group holds them all now.
            processes = {process_of(name) for name in await group_members(redis_url, room)}
            if len(processes) >= 2:
                break
        assert len(processes) >= 2, f"{len(members)} clients all landed on one worker"
        report_figure(f"{len(members)} clients joined before two workers held some")

        for member in members:
            await member.say(f"from {member.name}")
        expected = sorted(f"from {member.name}" for member in members)
        for member in members:
            for _ in expected:
                await member.next_message()
            assert sorted(member.messages) == expected, f"{member.name} did not get every message once"
            assert await member.received_before_sync() == [], f"{member.name} got more than once"
    finally:
        await asyncio.gather(*(member.leave() for member in members))


@pytest.mark.parametrize("layout", ["sentinel", "shards"])
async def test_the_stack_serves_a_room_on_a_sentinel_watched_or_sharded_redis(layout, own_stack, unique_room):
    """make production REDIS=sentinel or REDIS=shards:2: the workers' channel layer from REDIS_HOSTS."""
    with ReplicatedRedis(["chat"]) if layout == "sentinel" else ShardedRedis(2) as redis:
        stack = own_stack(redis_hosts=redis.hosts)
        room = unique_room(layout)
        async with (
            await ChatClient.join(stack, room, "ann") as ann,
            await ChatClient.join(stack, room, "bob") as bob,
        ):
            assert len(await group_members(redis.hosts, room)) == 2  # the group is where the hosts say
            await ann.say(f"over {layout}")
            assert [await ann.next_message(), await bob.next_message()] == [f"over {layout}"] * 2
        await wait_for_group_size(redis.hosts, room, 0)


async def test_the_consumer_sees_the_clients_own_address_and_wss(own_stack):
    """From 127.0.0.2 (loopback too), while nginx reaches the workers from 127.0.0.1."""
    stack = own_stack(application="workshop.variants.scope_reporter:application")
    url = stack.room_socket_url("x").replace("/ws/chat/x/", "/ws/scope/")
    async with connect(
        url, origin=stack.origin, ssl=stack.ssl_context, local_addr=("127.0.0.2", 0)
    ) as socket:
        seen = json.loads(await socket.recv())
    assert seen["client"][0] == "127.0.0.2", f"the consumer saw {seen['client']}, nginx's address"
    assert seen["scheme"] == "wss"


def test_pages_come_over_https_and_static_files_from_nginx(production_stack):
    context = production_stack.ssl_context
    with urllib.request.urlopen(production_stack.room_page_url("lobby"), context=context) as page:
        assert page.status == 200  # not a redirect: Django knows the request came over https
        assert page.headers["Content-Type"].startswith("text/html")
    (production_stack.static_root / "probe.txt").write_text("served by nginx")
    with urllib.request.urlopen(f"{production_stack.url}/static/probe.txt", context=context) as static:
        assert static.read() == b"served by nginx"
        assert static.headers["Server"].startswith("nginx")


def test_nothing_but_the_stacks_authority_is_trusted(production_stack):
    with pytest.raises(urllib.error.URLError) as refused:
        urllib.request.urlopen(production_stack.url + "/chat/", context=ssl.create_default_context())
    assert "CERTIFICATE_VERIFY_FAILED" in str(refused.value)


@pytest.mark.browser
def test_two_chromium_tabs_on_the_https_page_chat_over_wss(production_stack, unique_room, open_room):
    room = unique_room("tabs")
    first, second = open_room(production_stack, room), open_room(production_stack, room)
    assert first.url.startswith("https://") and first.evaluate("location.protocol") == "https:"
    send(first, "hello over wss")
    wait_for_line(second, "hello over wss")
    send(second, "and back")
    wait_for_line(first, "and back")
    assert log_of(first) == log_of(second) == ["hello over wss", "and back"]
    screenshot("production-two-tabs", first, second)
