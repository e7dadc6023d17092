"""Workers die and are restarted under a room that keeps chatting; an idle member stays put.

Each check runs a stack of its own and a PacedRoom (workshop/measuring/paced_room.py): members say
a numbered line every 150 ms and reconnect through nginx when their socket closes. Recovery times
are printed in the run's figures; the bounds asserted are generous, the figures exact.
"""

import asyncio
import time

import pytest

from workshop.measuring.paced_room import PacedRoom
from workshop.running.clients import ChatClient, first_to_close
from workshop.running.groups import (
    forget_group,
    group_expires_in,
    group_join_times,
    group_members,
    queued_messages,
    wait_for_group_size,
)
from workshop.running.waiting import eventually

pytestmark = [pytest.mark.live, pytest.mark.production]

MEMBERS = [f"m{number}" for number in range(8)]
READ_TIMEOUT = 4  # nginx's proxy_read_timeout in the idle checks, shortened from 60 s
BACK_WITHIN = 10.0  # seconds until every client of a dead worker chats again; measured: well under 1 s
# The expiry check's pair, shortened from a day: daphne closes a socket once it is 3 s old (it looks
# every 2 s, so by 5 s), and channels_redis drops a group entry 8 s old on the room's next send.
WEBSOCKET_TIMEOUT, GROUP_EXPIRY = 3, 8


@pytest.mark.apart  # asserts how soon a killed or restarted worker's clients chat again
async def test_a_killed_worker_comes_back_its_clients_chat_again_and_the_others_miss_nothing(
    own_stack, redis_url, unique_room, report_figure
):
    stack, room = own_stack(), unique_room("kill")
    async with PacedRoom(stack, room, MEMBERS) as chat:
        await chat.until_everyone_heard_everyone()
        await chat.until_spread(redis_url)
        before = set(await group_members(redis_url, room))
        old_pid, mark = stack.workers.pids()["chat_0"], stack.workers.process.line_count

        killed_at = time.monotonic()
        stack.workers.kill("chat_0")  # SIGKILL: no close frames, no disconnect(), no group_discard
        back = await chat.until_all_back(after=killed_at, timeout=BACK_WITHIN * 3)
        await asyncio.to_thread(stack.workers.wait_until_listening, 1, after=mark)
        assert stack.workers.pids()["chat_0"] not in (0, old_pid), "supervisor started a new chat_0"
        await chat.until_everyone_heard_everyone()
        closed = chat.closed_between(killed_at, killed_at + BACK_WITHIN)
        after = set(await group_members(redis_url, room))

    survivors = [member for member in MEMBERS if member not in closed]
    assert closed and survivors, f"closed: {closed}"
    assert chat.missed(survivors) == 0, "a client of the other worker missed a line"
    assert chat.duplicates() == 0
    assert max(back.values()) < BACK_WITHIN, f"back after {back}"
    # The dead worker's channels were never discarded: all of `before` is still in the group.
    assert before <= after and len(after) == len(before) + len(closed)
    # Everyone has left cleanly; once the workers have run disconnect(), only those remain.
    await wait_for_group_size(redis_url, room, len(closed))
    stale = await group_members(redis_url, room)
    waiting, ttl = await queued_messages(redis_url, stale[0]), await group_expires_in(redis_url, room)
    report_figure(
        f"{len(closed)} of {len(MEMBERS)} clients were on the killed worker; back and chatting after "
        f"{min(back.values()):.2f}–{max(back.values()):.2f} s; the other {len(survivors)} missed "
        f"{chat.missed(survivors)}; duplicates {chat.duplicates()}; lines nobody heard {chat.never_heard()}"
    )
    report_figure(
        f"after everyone left, the group still held the dead worker's {len(stale)} channels; "
        f"{waiting} messages waited in its queue, which nobody reads; the group key expires in {ttl} s "
        "(channels_redis group_expiry), its entries go on the first group_send after that"
    )
    await forget_group(redis_url, room)


@pytest.mark.apart  # asserts how soon a killed or restarted worker's clients chat again
async def test_group_expiry_removes_a_dead_workers_channels_and_websocket_timeout_keeps_live_ones_safe(
    own_stack, redis_url, unique_room, report_figure
):
    """Nothing but group_expiry removes a killed worker's channels: its disconnect() never runs.
    Live members must never be that old, or the group would drop them while they are connected;
    daphne's --websocket_timeout, below it, closes their sockets first and the page joins again."""
    stack = own_stack(websocket_timeout=WEBSOCKET_TIMEOUT, group_expiry=GROUP_EXPIRY)
    room, left_at = unique_room("expiry"), {}

    async def every_channel_of_the_kill_has_left(joined):
        present, now = set(await group_members(redis_url, room)), time.time()
        for channel in set(joined) - present:
            left_at.setdefault(channel, now)
        return not present & set(joined)

    async with PacedRoom(stack, room, MEMBERS) as chat:
        await chat.until_everyone_heard_everyone()
        await chat.until_spread(redis_url)
        joined = await group_join_times(redis_url, room)
        killed_at = time.monotonic()
        stack.workers.kill("chat_0")
        await chat.until_all_back(after=killed_at, timeout=BACK_WITHIN * 3)
        cut_off = [s for s in chat.sessions if s.close_code == 1006 and s.closed >= killed_at]
        await eventually(
            lambda: every_channel_of_the_kill_has_left(joined),
            timeout=3 * GROUP_EXPIRY,
            what="every channel in the group at the kill has left it",
        )
        await chat.until_everyone_heard_everyone()

    lived = {channel: left_at[channel] - joined[channel] for channel in joined}
    expired = sorted(age for age in lived.values() if age >= GROUP_EXPIRY)
    discarded = sorted(age for age in lived.values() if age < GROUP_EXPIRY)
    # Exactly the killed worker's channels stayed until group_expiry: no live one was dropped.
    assert len(expired) == len(cut_off) > 0, f"lifetimes {sorted(lived.values())}, {len(cut_off)} cut off"
    assert chat.duplicates() == 0
    report_figure(
        f"websocket_timeout {WEBSOCKET_TIMEOUT} s, group_expiry {GROUP_EXPIRY} s: the killed worker's "
        f"{len(expired)} channels left their group {expired[0]:.2f}–{expired[-1]:.2f} s after they joined; "
        f"the {len(discarded)} live ones were closed by daphne and discarded after "
        f"{discarded[0]:.2f}–{discarded[-1]:.2f} s; {chat.summary()['sessions']} sessions, "
        f"missed {chat.missed()}, duplicates {chat.duplicates()}"
    )
    await forget_group(redis_url, room)


@pytest.mark.apart  # asserts how soon a killed or restarted worker's clients chat again
async def test_a_rolling_restart_under_load_brings_every_client_back_without_duplicates(
    own_stack, redis_url, unique_room, report_figure
):
    stack, room = own_stack(), unique_room("rolling")
    times = []
    async with PacedRoom(stack, room, MEMBERS) as chat:
        await chat.until_everyone_heard_everyone()
        started = time.monotonic()
        for worker in sorted(stack.workers.pids()):
            moment = time.monotonic()
            await asyncio.to_thread(stack.workers.restart, worker)  # SIGTERM, start, listening
            back = await chat.until_all_back(after=moment, timeout=BACK_WITHIN * 3, expect_closes=False)
            times.append((worker, time.monotonic() - moment, len(back), max(back.values(), default=0.0)))
        took = time.monotonic() - started
        await chat.until_everyone_heard_everyone()
        cut_off = sum(1 for session in chat.sessions if session.closed is not None)
    # Everyone left cleanly; once the workers have run disconnect(), at most the channels of the
    # sockets the restarts cut off can remain (how many do is the figure).
    await eventually(
        lambda: _group_size_at_most(redis_url, room, cut_off),
        timeout=10,
        what=f"the group holds no more than the {cut_off} channels of sockets cut off by the restarts",
    )
    left_behind = await group_members(redis_url, room)

    summary = chat.summary()
    assert summary["duplicates"] == 0
    for worker, restart, clients, slowest in times:
        assert slowest < BACK_WITHIN, f"{worker}: a client came back after {slowest:.2f} s"
    report_figure(
        "rolling restart of "
        + ", ".join(
            f"{w} ({restart:.1f} s, {n} clients back within {slow:.2f} s)" for w, restart, n, slow in times
        )
        + f"; {took:.1f} s in all"
    )
    report_figure(
        f"{summary['sent']} lines said, {summary['deliveries']} deliveries; missed {summary['missed']}, "
        f"never heard {summary['never_heard']}, duplicates {summary['duplicates']}; "
        f"{len(left_behind)} of the {cut_off} channels of sockets the restarts cut off were left in the group"
    )
    await forget_group(redis_url, room)


@pytest.mark.slow
async def test_an_idle_member_outlives_nginxs_read_timeout_because_daphne_pings_it(own_stack, unique_room):
    """nginx closes a proxied socket after proxy_read_timeout without a byte from the worker;
    daphne's pings are those bytes. The client's own pings are off, so they cannot be what helps.
    (daphne looks at its timers every 2 s, so a 1 s ping interval means a ping every 2 s.)"""
    stack, room = own_stack(read_timeout=f"{READ_TIMEOUT}s", ping_seconds=1), unique_room("idle")
    async with (
        await ChatClient.join(stack, room, "idle", ping_interval=None) as idle,
        await ChatClient.join(stack, room, "talker") as talker,
    ):
        # The silence is the point: past the read timeout, twice; the check fails the moment it closes.
        assert await first_to_close([idle], within=2 * READ_TIMEOUT + 1) is None, "nginx closed it"
        await talker.say("still there?")
        assert await idle.next_message() == "still there?"


@pytest.mark.slow
async def test_without_daphnes_pings_nginx_closes_the_idle_member_after_its_read_timeout(
    own_stack, unique_room, report_figure
):
    """The same, with daphne pinging less often than nginx's timeout: the check above can fail."""
    stack, room = own_stack(read_timeout=f"{READ_TIMEOUT}s", ping_seconds=60), unique_room("idle")
    idle = await ChatClient.join(stack, room, "idle", ping_interval=None)
    opened = time.monotonic()
    code = await idle.close_code(timeout=15)
    report_figure(
        f"nginx closed a socket silent from the worker's side after {time.monotonic() - opened:.1f} s (code {code})"
    )


async def _group_size_at_most(redis_url, room, size):
    return len(await group_members(redis_url, room)) <= size
