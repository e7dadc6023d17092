"""Steps 02 and 03 under the faults a real chat meets: Redis restarts, vanishing clients, slow
readers, a killed server. Nothing hangs, nothing dies with 1011, and chat resumes.

Tests that stop Redis or kill a server use a Redis of their own (`own_redis`: never the run's
shared one, never 127.0.0.1:6379), so what they leave behind in it goes with it.
"""

import asyncio
import functools
import socket
import struct
import time

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from workshop.protocol import MAX_MESSAGE_LENGTH, TRY_AGAIN_LATER, unique_room_name
from workshop.running.clients import ChatClient
from workshop.running.groups import group_members, queued_messages, wait_for_empty_queue, wait_for_group_size

pytestmark = [pytest.mark.live, pytest.mark.floods]

RESUME_LIMIT_SECONDS = 10.0


@pytest.fixture
def own_servers(own_redis, fresh_server):
    """Start daphne processes on the test's own Redis; each is stopped after the test."""
    return functools.partial(fresh_server, redis_url=own_redis.url)


async def rejoin(server, room, name, timeout=RESUME_LIMIT_SECONDS):
    """What a reconnecting client does: join, and on a try-again-later close join again a moment later."""
    deadline = time.monotonic() + timeout
    while True:
        client = await ChatClient.join(server, room, name)
        await client.say(f"{name} is back")
        frame = await client.next_frame()
        if frame.get("message") == f"{name} is back":
            return client
        assert await client.close_code() == TRY_AGAIN_LATER, f"{name} was told {frame}"
        assert time.monotonic() < deadline, f"{name} could not rejoin within {timeout:g} s"
        await asyncio.sleep(0.1)  # the client's retry delay, as the chat page waits between tries


@pytest.mark.apart  # asserts how soon chat resumes after the restart
async def test_redis_restart_closes_sockets_with_try_again_later_and_chat_resumes_on_rejoin(
    rooms_project, own_redis, own_servers, report_figure
):
    server = own_servers(rooms_project)
    room = unique_room_name("restart")
    alice = await ChatClient.join(server, room, "alice")
    bob = await ChatClient.join(server, room, "bob")
    await alice.say("before the restart")
    assert await alice.next_message() == await bob.next_message() == "before the restart"

    own_redis.stop()
    stopped_at = time.monotonic()
    for member in (alice, bob):
        assert "Redis" in await member.next_error(), "the client is told why"
        assert await member.close_code() == TRY_AGAIN_LATER, "a close that says: reconnect later"

    async with await ChatClient.join(server, room, "carol") as carol:
        assert "Redis" in await carol.next_error(), "a handshake while Redis is down is answered too"
        assert await carol.close_code() == TRY_AGAIN_LATER

    own_redis.start()  # the same port, as a restarted Redis service would be
    answering_at = time.monotonic()
    alice = await rejoin(server, room, "alice")
    bob = await rejoin(server, room, "bob")
    await alice.say("after the restart")
    assert await bob.next_message() == "after the restart"
    flowing_at = time.monotonic()
    await alice.leave()
    await bob.leave()

    report_figure(
        f"{rooms_project.name}: chat flowed again {flowing_at - answering_at:.2f} s after Redis "
        f"answered ({flowing_at - stopped_at:.2f} s after it stopped)"
    )
    assert flowing_at - answering_at < RESUME_LIMIT_SECONDS
    assert server.crashes == [], "a Redis outage is handled, never an unhandled exception"


async def test_a_client_that_vanishes_without_a_close_frame_leaves_its_group(
    shared_servers, rooms_project, unique_room, redis_url
):
    server = shared_servers(rooms_project)
    room = unique_room("vanish")
    async with (
        await ChatClient.join(server, room, "alice") as alice,
        await ChatClient.join(server, room, "bob") as bob,
    ):
        mallory = await ChatClient.join(server, room, "mallory")
        await wait_for_group_size(redis_url, room, 3)

        # SO_LINGER 0, then close: the kernel sends a TCP reset, no WebSocket close frame.
        transport = mallory.websocket.transport
        raw = transport.get_extra_info("socket")
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()

        await wait_for_group_size(redis_url, room, 2)  # daphne ran disconnect(): group_discard
        await alice.say("anyone left?")
        assert await bob.next_message() == "anyone left?"
        assert await alice.next_message() == "anyone left?"


async def read_messages(client, count):
    return [await client.next_message() for _ in range(count)]


async def test_a_client_that_stops_reading_is_dropped_and_costs_bounded_memory(
    rooms_project, own_redis, own_servers, report_figure
):
    # A short ping timeout, so the test sees daphne drop the silent client in seconds (default 30 s).
    server = own_servers(rooms_project, daphne_options=["--ping-interval", "1", "--ping-timeout", "2"])
    room = unique_room_name("slow")
    messages = 300
    # With its number, each message is near the cap, so an unread backlog is megabytes, not kilobytes.
    text = "x" * (MAX_MESSAGE_LENGTH - 10)
    sent = [f"{number}:{text}" for number in range(messages)]

    async with (
        await ChatClient.join(server, room, "alice") as alice,
        await ChatClient.join(server, room, "bob") as bob,
        # max_queue=1: the client library stops reading the socket after one unread message,
        # so pings queue up unanswered behind the backlog, like a frozen browser tab.
        connect(
            server.room_socket_url(room),
            origin=server.origin,
            max_queue=1,
            additional_headers=server.handshake_headers("silent"),
        ) as silent,
    ):
        await wait_for_group_size(own_redis.url, room, 3)
        bob_reads = asyncio.create_task(read_messages(bob, messages))  # bob keeps up, alongside
        memory_before = peak = server.memory_kib()
        for message in sent:
            await alice.say(message)
            assert await alice.next_message() == message  # paced on alice's own echo
            peak = max(peak, server.memory_kib())
        assert await bob_reads == sent, "the members who read receive everything, in order"

        await wait_for_group_size(own_redis.url, room, 2)  # daphne dropped the silent client
        memory_after = server.memory_kib()
        read_by_silent = 0
        try:
            async for _frame in silent:
                read_by_silent += 1
        except ConnectionClosed:
            pass  # dropped under its backlog: what reached its socket before still counts
        await alice.say("still chatting")
        assert await bob.next_message() == "still chatting"

    report_figure(
        f"{rooms_project.name}: the silent client got {read_by_silent} of {messages} messages "
        f"({messages - read_by_silent} lost) before daphne dropped it; server memory "
        f"{memory_before / 1024:.0f} MiB before, peak {peak / 1024:.0f} MiB, "
        f"{memory_after / 1024:.0f} MiB after ({messages * len(text) / 2**20:.1f} MiB sent to it)"
    )
    assert peak - memory_before < 64 * 1024, "the server held far more than one client's backlog"


# channels_redis's default capacity, the steps' own (mysite/settings.py), and production's. Apart: the stall must
# stay shorter than the channel layer's read timeout (socket_timeout, 10 s), or the message that
# was in flight when the process froze is lost as well.
@pytest.mark.apart
@pytest.mark.parametrize("settings, capacity", [(None, 100), ("burst_capacity", 2000)])
async def test_a_stalled_server_process_loses_only_what_is_over_capacity(
    rooms_project, own_redis, own_servers, report_figure, settings, capacity
):
    """A process that cannot keep up (frozen here) has `capacity` messages kept for it in Redis."""
    speaking = own_servers(rooms_project, settings=settings)
    stalled = own_servers(rooms_project, settings=settings)
    room = unique_room_name("stalled")
    messages = 300
    sent = [str(number) for number in range(messages)]
    async with await ChatClient.join(stalled, room, "bob") as bob:
        await wait_for_group_size(own_redis.url, room, 1)
        bobs_channel = (await group_members(own_redis.url, room))[0]
        async with await ChatClient.join(speaking, room, "alice") as alice:
            stalled.pause()  # SIGSTOP: the process reads nothing from Redis until it resumes
            try:
                for message in sent:
                    await alice.say(message)
                    assert await alice.next_message() == message
                # alice heard every echo, so every group_send has run: bob's queue is settled.
                queued = await queued_messages(own_redis.url, bobs_channel)
            finally:
                stalled.resume()
            # Let the process drain its queue first: a full queue would drop the sync marker too.
            await wait_for_empty_queue(own_redis.url, bobs_channel)
            heard = [frame["message"] for frame in await bob.received_before_sync()]

    # The process froze with its blocking read (BZPOPMIN) already waiting in Redis, which hands
    # it the first message even so: at most one message is in flight, outside the queue.
    in_flight = len(heard) - queued
    lost = messages - len(heard)
    report_figure(
        f"{rooms_project.name}, capacity {capacity}: {messages} messages to a stalled process; "
        f"its queue in Redis held {queued} (+{in_flight} in flight); its member heard "
        f"{len(heard)} and lost {lost}"
    )
    assert in_flight in (0, 1)
    assert queued == min(messages - in_flight, capacity), "Redis keeps up to `capacity` per process"
    assert heard == sent[: len(heard)], "what was kept arrives whole, in order, and nothing after it"
    assert lost == max(0, messages - capacity - in_flight)


async def test_a_killed_server_loses_only_its_own_clients_who_reconnect_after_restart(
    rooms_project, own_redis, own_servers
):
    first = own_servers(rooms_project)
    second = own_servers(rooms_project)
    room = unique_room_name("killed")
    alice = await ChatClient.join(first, room, "alice")
    async with (
        await ChatClient.join(second, room, "bob") as bob,
        await ChatClient.join(second, room, "carol") as carol,
    ):
        await alice.say("hello from the first process")
        assert await bob.next_message() == "hello from the first process"

        first.kill()  # SIGKILL: no disconnect(), no close frames
        assert await alice.close_code() == 1006, "alice sees her connection drop"

        await bob.say("the second process carries on")
        assert await carol.next_message() == "hello from the first process"
        assert await carol.next_message() == "the second process carries on"

        restarted = own_servers(rooms_project, port=first.port)
        async with await ChatClient.join(restarted, room, "alice") as alice_again:
            await alice_again.say("alice is back")
            assert await alice_again.next_message() == "alice is back"
            assert await bob.next_message() == "the second process carries on"
            assert await bob.next_message() == "alice is back"
        assert second.crashes == [] and restarted.crashes == []
