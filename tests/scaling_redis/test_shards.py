"""channels_redis sharding over several Redis servers: where keys go, and what one shard's death takes.

channels_redis hashes a group's name onto one host of its list, and a server process's queue
(its channel names up to "!") onto one host too. Servers here run a step with only the channel
layer's hosts swapped (REDIS_HOSTS, deploy/channel_layer_hosts.py); the shard a name lands on is
computed with channels_redis's own hash (workshop/running/groups.py) and checked in Redis.
"""

import asyncio
import contextlib
import json
import subprocess
import time

import pytest
from channels_redis.core import RedisChannelLayer
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from workshop.measuring.load import Load, run_load
from workshop.measuring.paced_room import PacedRoom
from workshop.paths import REPO_ROOT
from workshop.protocol import TRY_AGAIN_LATER, group_name, unique_room_name
from workshop.running.clients import ChatClient
from workshop.running.groups import group_members, shard_of_process, shard_of_room, wait_for_group_size
from workshop.running.processes import child_environment, python_command
from workshop.running.sentinel import ReplicatedRedis
from workshop.running.shards import ShardedRedis
from workshop.running.waiting import eventually
from workshop.steps import find_step, steps_with

pytestmark = [pytest.mark.live, pytest.mark.scaling]

STEP = "03"
ROOMS_PER_SHARD = 4
# Starts allowed to find one server process whose queue lives on each shard. A process's name is
# random, so each start lands on a shard at random: with 3 shards, 12 starts miss one about 2% of
# the time (3 x (2/3)^12), 40 about once in four million; 5.5 starts are needed on average.
MOST_SERVERS = 40


async def queue_shard_of(server, hosts: str) -> int:
    """Which shard holds this server process's queue: read off its channel name in a probe room."""
    room = unique_room_name("probe")
    async with await ChatClient.join(server, room, "probe"):
        [channel] = await group_members(hosts, room)
    await wait_for_group_size(hosts, room, 0)
    return shard_of_process(hosts, channel)


async def one_server_per_shard(fresh_server, hosts: str) -> list:
    """Server processes whose queues live on shard 0, 1, ...: a process's name is random, so
    start them until each shard holds one's queue (the others are stopped again)."""
    wanted, found = len(hosts.split()), {}
    for _ in range(MOST_SERVERS):
        server = fresh_server(find_step(STEP).folder, redis_hosts=hosts)
        shard = await queue_shard_of(server, hosts)
        if shard in found:
            server.stop()
            continue
        found[shard] = server
        if len(found) == wanted:
            return [found[index] for index in range(wanted)]
    raise AssertionError(f"{MOST_SERVERS} server processes left a shard without a queue: {sorted(found)}")


def rooms_on(hosts: str, shard: int, count: int, base: str) -> list[str]:
    """`count` fresh room names whose group channels_redis puts on `shard`."""
    rooms: list[str] = []
    while len(rooms) < count:
        room = unique_room_name(base)
        if shard_of_room(hosts, room) == shard:
            rooms.append(room)
    return rooms


async def everyone_hears_everyone(members: list[ChatClient]) -> None:
    for speaker in members:
        line = f"{speaker.name} in {speaker.room}"
        await speaker.say(line)
        for member in members:
            assert await member.next_message() == line, f"{member.name} did not hear {speaker.name}"


def layer_on(hosts: str) -> RedisChannelLayer:
    return RedisChannelLayer(hosts=[{"address": url} for url in hosts.split()])


@pytest.mark.parametrize("count", [2, 3])
async def test_groups_and_queues_spread_over_every_shard_and_every_room_chats(
    count, fresh_server, report_figure
):
    with ShardedRedis(count) as shards:
        hosts = shards.hosts
        servers = await one_server_per_shard(fresh_server, hosts)
        rooms = [room for shard in range(count) for room in rooms_on(hosts, shard, ROOMS_PER_SHARD, "spread")]
        members = {}  # (a loop: Python 3.10 allows no await in a nested comprehension)
        for room in rooms:
            members[room] = [
                await ChatClient.join(server, room, f"on-{i}") for i, server in enumerate(servers)
            ]
        try:
            # Every room has its group on some shard and a member whose queue is on each shard.
            for room in rooms:
                await everyone_hears_everyone(members[room])
            groups_by_shard = [len(keys) for keys in shards.keys("asgi:group:*")]

            # Queues are drained as fast as they fill; freeze the servers and send from outside a
            # consumer, and each process's messages wait in its queue for Redis to show.
            for server in servers:
                server.pause()
            layer = layer_on(hosts)
            for room in rooms:
                await layer.group_send(group_name(room), {"type": "chat.message", "message": "held"})
            await layer.close_pools()
            queues_by_shard = [len(keys) for keys in shards.keys("asgispecific.*")]
            for server in servers:
                server.resume()
            for room in rooms:
                for member in members[room]:
                    assert await member.next_message() == "held"
        finally:
            for room_members in members.values():
                for member in room_members:
                    await member.leave()
        for room in rooms:
            await wait_for_group_size(hosts, room, 0)
        left = [len(keys) for keys in shards.keys()]

    assert groups_by_shard == [ROOMS_PER_SHARD] * count, groups_by_shard
    assert queues_by_shard == [1] * count, queues_by_shard
    assert left == [0] * count, f"keys left on the shards: {left}"
    report_figure(
        f"{count} shards: {len(rooms)} rooms, a member of each on {count} server processes; group keys "
        f"per shard {groups_by_shard}, process queues per shard {queues_by_shard}; every room chatted"
    )


@pytest.mark.apart
async def test_when_one_shard_dies_exactly_the_rooms_that_need_it_fail_and_every_handshake_is_answered(
    fresh_server, report_figure
):
    """A room needs the shard of its group and the shard of every member's process queue. Kill
    shard 1: only rooms with their group on shard 0 and all members on the process whose queue
    is on shard 0 can chat. The rest close with 4013, and so does every new handshake they get."""
    with ShardedRedis(2) as shards:
        hosts = shards.hosts
        on_0, on_1 = await one_server_per_shard(fresh_server, hosts)
        layouts = {"alone on 0": [on_0, on_0], "alone on 1": [on_1, on_1], "on both": [on_0, on_1]}
        rooms = {
            (layout, shard): rooms_on(hosts, shard, 1, "shard-death")[0]
            for layout in layouts
            for shard in (0, 1)
        }
        members = {}
        for key, room in rooms.items():
            members[key] = [
                await ChatClient.join(server, room, f"m{i}") for i, server in enumerate(layouts[key[0]])
            ]
        for room_members in members.values():
            await everyone_hears_everyone(room_members)

        shards.servers[1].kill()
        outcome, handshakes = {}, {}
        for key, room_members in members.items():
            outcome[key] = await _still_chats(room_members)
            handshakes[key] = [await _handshake(server, rooms[key]) for server in _distinct(layouts[key[0]])]
        for room_members in members.values():
            for member in room_members:
                await member.leave()

    expected = {key: key == ("alone on 0", 0) for key in rooms}
    assert outcome == expected
    for key, answers in handshakes.items():
        assert all(answer in ("joined", TRY_AGAIN_LATER) for answer in answers), f"{key}: {answers}"
        assert (answers == ["joined"]) == expected[key], f"{key}: {answers}"
    report_figure(
        "shard 1 of 2 killed: "
        + "; ".join(
            f"group on {shard}, members {layout}: {'chats' if ok else 'closed'}"
            for (layout, shard), ok in outcome.items()
        )
        + f"; every new handshake was answered, joined or {TRY_AGAIN_LATER}: {handshakes}"
    )


@pytest.mark.apart
async def test_with_each_shard_a_sentinel_watched_primary_losing_one_is_a_failover_not_an_outage(
    fresh_server, report_figure
):
    """The remedy channels_redis allows: every host entry a Sentinel description. Killing shard
    0's primary disturbs every room (each needs both shards), and every room chats again."""
    with ReplicatedRedis(["shard0", "shard1"]) as replicated:
        hosts = replicated.hosts
        servers = await one_server_per_shard(fresh_server, hosts)
        rooms = [room for shard in (0, 1) for room in rooms_on(hosts, shard, 2, "shard-failover")]
        async with contextlib.AsyncExitStack() as stack:
            chats = [await stack.enter_async_context(PacedRoom(servers, room, ["a", "b"])) for room in rooms]
            for chat in chats:
                await chat.until_everyone_heard_everyone()
            marks, killed_at, killed_wall = replicated.log_marks(), time.monotonic(), time.time()
            replicated.kill_primary("shard0")
            promoted = await asyncio.to_thread(replicated.wait_for_promotion, "shard0", marks)
            back = [await chat.until_all_back(after=killed_at, timeout=15) for chat in chats]
            for chat in chats:
                await chat.until_everyone_heard_everyone()
        slowest = max(seconds for times in back for seconds in times.values())
        duplicates = sum(chat.duplicates() for chat in chats)
        missed = sum(chat.missed() for chat in chats)

    assert all(back), "a room was not disturbed: every room needs shard 0 (a member's queue is there)"
    assert duplicates == 0
    report_figure(
        f"2 Sentinel-watched shards, shard0's primary killed: promoted after {promoted - killed_wall:.2f} s; "
        f"all {len(rooms)} rooms chat again, the last member back after {slowest:.2f} s; "
        f"lost {missed} deliveries, duplicates {duplicates}"
    )


def _distinct(servers: list) -> list:
    return [server for index, server in enumerate(servers) if server not in servers[:index]]


async def _still_chats(members: list[ChatClient]) -> bool:
    """True if a line said now reaches every member. False if it does not because the speaker's
    socket was closed with 4013 (its group_send, or its process's receive, lost a shard)."""
    try:
        await everyone_hears_everyone(members)
        return True
    except (ConnectionClosed, AssertionError):
        assert await members[0].close_code() == TRY_AGAIN_LATER
        return False


async def _handshake(server, room: str) -> str | int | None:
    """Open a socket to `room` and say one line: "joined" if it comes back, else the close code.
    A handshake dropped without an answer fails here (websockets raises, or the wait times out)."""
    async with connect(server.room_socket_url(room), origin=server.origin, open_timeout=10) as websocket:

        async def heard_back() -> bool:
            await websocket.send(json.dumps({"message": "anyone?"}))
            async for frame in websocket:
                if json.loads(frame).get("message") == "anyone?":
                    return True
            return False

        try:
            if await asyncio.wait_for(heard_back(), timeout=10):
                return "joined"
        except ConnectionClosed:
            pass
        return websocket.close_code


def test_going_from_2_to_3_shards_moves_about_half_the_rooms(report_figure):
    """channels_redis splits crc32(name) & 0xFFF into equal ranges, one per host: a third host
    redraws every range. Counted with its own hash over 10,000 room names."""
    rooms = [f"room-{number}" for number in range(10_000)]
    moved = sum(1 for room in rooms if shard_of_room("a b", room) != shard_of_room("a b c", room))
    share = moved / len(rooms)
    assert 0.4 < share < 0.6  # 2047 of 4096 hash values change hosts; names spread over them evenly
    report_figure(
        f"2 → 3 shards: {moved} of {len(rooms)} rooms ({share:.0%}) have their group on another host"
    )


async def test_servers_with_different_host_lists_split_a_room_whose_group_moved(fresh_server, report_figure):
    """Why every process must switch lists at once: mid-switch, a moved room is two rooms."""
    with ShardedRedis(3) as shards:
        old_hosts, new_hosts = " ".join(shards.hosts.split()[:2]), shards.hosts
        room = next(
            room
            for room in (unique_room_name("moved") for _ in range(1000))
            if shard_of_room(old_hosts, room) != shard_of_room(new_hosts, room)
        )
        step = find_step(STEP).folder
        old, new = fresh_server(step, redis_hosts=old_hosts), fresh_server(step, redis_hosts=new_hosts)
        async with (
            await ChatClient.join(old, room, "on-old-list") as first,
            await ChatClient.join(new, room, "on-new-list") as second,
        ):
            await first.say("can you hear me?")
            assert await first.next_message() == "can you hear me?"
            assert await second.received_before_sync() == [], "the two lists found the same group"
        # Switched together, the room is one again.
        await wait_for_group_size(old_hosts, room, 0)  # its member left before its server stops
        old.stop()
        switched = fresh_server(step, redis_hosts=new_hosts)
        async with (
            await ChatClient.join(switched, room, "switched") as first,
            await ChatClient.join(new, room, "on-new-list") as second,
        ):
            await everyone_hears_everyone([first, second])
        await wait_for_group_size(new_hosts, room, 0)
    report_figure(
        f"room {room!r}: group on host {shard_of_room(old_hosts, room)} of 2, host "
        f"{shard_of_room(new_hosts, room)} of 3; mid-switch its members did not hear each other; "
        "with every server on the new list they did"
    )


SOAK = Load(rooms=10, clients=20, messages=50, mode="paced")  # 200,000 deliveries


@pytest.mark.floods
@pytest.mark.alone
async def test_after_a_200000_delivery_soak_on_shards_no_key_of_ours_remains(fresh_server, report_figure):
    with ShardedRedis(2) as shards:
        servers = await one_server_per_shard(fresh_server, shards.hosts)
        run = await run_load(servers, SOAK, room_prefix=unique_room_name("soak"))
        # Every client has left: once each consumer's group_discard ran, nothing of ours is left.
        await eventually(lambda: shards.keys() == [[], []], timeout=10, what="no key of ours on any shard")
        for server in servers:
            assert not server.crashes, "\n".join(server.crashes)

    assert run.load.expected_deliveries == 200_000
    assert run.duplicates == 0
    report_figure(f"2 shards, 2 server processes: {run.summary()}; afterwards no key of ours on either shard")


def test_the_room_checks_of_the_steps_pass_on_a_layer_sharded_over_two_servers(report_figure):
    """tests/checks/test_rooms.py as it is, its Redis two shards (WORKSHOP_REDIS_SHARDS, harness)."""
    # A step that leaves its heavy checks to a later one (steps.toml: heavy_checks_on) is that one here too.
    steps = " or ".join(step.marker for step in steps_with("rooms") if not step.heavy_checks_on)
    result = subprocess.run(
        python_command(
            "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/checks/test_rooms.py",
            "-m", f"({steps}) and not slow",
        ),
        cwd=REPO_ROOT, env=child_environment(WORKSHOP_REDIS_SHARDS="2"), capture_output=True, text=True,
    )  # fmt: skip
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    report_figure(f"tests/checks/test_rooms.py on 2 shards: {summary}")
