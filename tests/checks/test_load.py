"""Steps 02 and 03 under load: what a channel layer promises, measured.

Channels promises at most once, never more: a message reaches each member once or not at all.
One sender's messages arrive in the order sent. channels_redis queues each group message once
per server process, so every member on one process hears its room in one same order; that is
what is checked here (across processes, only each sender's own order holds). A group_send to
a process whose queue already holds `capacity` messages is dropped for that process, silently
but for an INFO line in the server log. The steps keep channels_redis's default capacity (100);
the loads that must lose nothing run with the capacity production has (2000, the burst_capacity
settings). Each test runs a server of its own, so its log is its own.
"""

import pytest

from workshop.measuring.load import Load, run_load
from workshop.running.groups import wait_for_group_size

pytestmark = [pytest.mark.live, pytest.mark.floods, pytest.mark.apart]  # loads, and reports what it measured

PACED = Load(rooms=10, clients=10, messages=20, mode="paced")
BURST = Load(rooms=10, clients=10, messages=20, mode="burst")
BIG_ROOM = Load(rooms=1, clients=200, messages=5, mode="paced", senders=10)


async def run_and_leave(server, load, unique_room, redis_url):
    """Run `load` in rooms of this test's own; afterwards every member has left its group."""
    prefix = unique_room("load")
    run = await run_load(server, load, room_prefix=prefix)
    for number in range(load.rooms):
        await wait_for_group_size(redis_url, f"{prefix}-{number}", 0)
    return run


def assert_in_order_and_never_twice(run):
    assert run.duplicates == 0, "a channel layer delivers at most once"
    assert run.out_of_sender_order == 0, "each sender's messages arrive in the order sent"
    assert run.rooms_heard_differently == 0, "members on one process hear a room in one order"


@pytest.mark.parametrize(
    "load",
    [PACED, BIG_ROOM, BURST],
    ids=["paced 10x10x20", "a 200-member room, paced", "burst 10x10x20 within the capacity"],
)
async def test_every_member_receives_every_message_once_and_in_order(
    fresh_server, rooms_project, unique_room, redis_url, report_figure, load
):
    server = fresh_server(rooms_project, settings="burst_capacity")  # "capacity": 2000, as deploy/ has
    run = await run_and_leave(server, load, unique_room, redis_url)
    report_figure(f"{rooms_project.name}: {run.summary()}")
    assert run.lost == 0
    assert_in_order_and_never_twice(run)
    assert server.trouble == [], "no connection refused or dropped, no message over capacity"


async def test_a_burst_over_the_default_capacity_is_dropped_silently_and_counted(
    fresh_server, rooms_project, unique_room, redis_url, report_figure
):
    server = fresh_server(rooms_project)  # the step's own settings: channels_redis's capacity, 100
    run = await run_and_leave(server, BURST, unique_room, redis_url)
    over_capacity = [line for line in server.trouble if "over capacity" in line]
    report_figure(
        f"{rooms_project.name}, default capacity 100: {run.summary()}; "
        f"{len(over_capacity)} 'over capacity' lines in the server log"
    )
    assert run.lost > 0, "100 queued messages per process cannot hold this burst"
    assert over_capacity, "the server log says why they were dropped"
    assert_in_order_and_never_twice(run)
    assert server.crashes == []
