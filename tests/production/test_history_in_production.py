"""Step 05 under the production stack: nginx, two workers, PostgreSQL. Each worker is killed in turn
(SIGKILL, as the OOM killer would) under a paced conversation; every member shows every message
once, in order, caught up from the database.

The channel layer loses what a dead worker held (tests/production/test_outages.py counts it);
stored messages, ids and the page's client_id turn that into nothing lost and nothing doubled.
"""

import pytest

from workshop.protocol import unique_room_name
from workshop.running.accounts import has_users
from workshop.running.timeline import RememberingMember

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
    said: list[str] = []

    async def talk(lines):
        for _ in range(lines):
            speaker = members[len(said) % len(members)]
            said.append(f"{speaker.name} #{len(said)}")
            await speaker.say(said[-1])
            for member in members:
                await member.wait_until_shown({said[-1]}, SHOWN_WITHIN)

    for member in members:
        await member.start()
    try:
        await talk(6)
        for worker in ("chat_0", "chat_1"):
            stack.workers.kill(worker)
            # Said at once, into sockets the kill is cutting: kept by the page until they come back.
            for speaker in members:
                said.append(f"{speaker.name} #{len(said)}")
                await speaker.say(said[-1])
            await talk(6)
        for member in members:
            await member.wait_until_shown(set(said), SHOWN_WITHIN)
    finally:
        for member in members:
            await member.stop()

    for member in members:
        texts = [text for _, _, text in member.timeline]
        lost, doubled = set(said) - set(texts), len(texts) - len(set(texts))
        report_figure(
            f"history through nginx, both workers killed in turn, {member.name}: {len(said)} said, "
            f"{len(texts)} shown, {len(lost)} lost, {doubled} doubled, {member.connections} connections, "
            f"{member.arrived_again} frames again for an id already shown"
        )
        assert not lost and not doubled, f"{member.name}: lost {sorted(lost)}, {doubled} doubled"
        for speaker in members:
            own = [text for _, user, text in member.timeline if user == speaker.name]
            assert own == [text for text in said if text.startswith(f"{speaker.name} #")], member.name
    assert members[0].timeline == members[1].timeline == members[2].timeline
