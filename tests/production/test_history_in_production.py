"""Step 05 under the production stack: nginx, two workers, PostgreSQL. Each worker is killed in turn
(SIGKILL, as the OOM killer would) under a paced conversation; every member shows every message
once, in order, caught up from the database.

The channel layer loses what a dead worker held (tests/production/test_outages.py counts it);
stored messages, ids and the page's client_id turn that into nothing lost and nothing doubled.
"""

import pytest

from workshop.protocol import unique_room_name
from workshop.running.accounts import has_users
from workshop.running.timeline import Conversation, RememberingMember

pytestmark = [pytest.mark.live, pytest.mark.production]

SHOWN_WITHIN = 30.0  # seconds; a wait only ever decides a failure (measured: well under 1 s)


@pytest.mark.apart  # loads both workers while they are killed
async def test_killing_each_worker_in_turn_loses_and_doubles_no_message(
    own_stack, production_step, report_figure
):
    if not has_users(production_step.folder):
        pytest.skip(f"{production_step.name} stores no messages")
    stack = own_stack()
    room = unique_room_name("kill-history")
    members = [RememberingMember(stack, room, name) for name in ("alice", "bob", "carol")]
    async with Conversation(members, within=SHOWN_WITHIN) as chat:
        await chat.talk(6)
        for worker in ("chat_0", "chat_1"):
            stack.workers.kill(worker)
            await chat.say_at_once()  # into sockets the kill is cutting: kept until they come back
            await chat.talk(6)
        await chat.until_all_shown()

    for account in chat.accounts():
        report_figure(f"history through nginx, both workers killed in turn, {account.summary()}")
        assert not account.lost and not account.doubled, account.summary()
        assert not account.out_of_order, f"{account.name} shows {account.out_of_order}'s lines out of order"
    assert chat.same_timelines(), "every member shows the same ids, in the same order"
