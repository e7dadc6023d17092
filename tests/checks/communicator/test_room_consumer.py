"""Steps 02 and 03, in memory (with the step's real Redis channel layer): a room is a group."""

import asyncio

from channels.layers import get_channel_layer

from workshop_markers import sent_after_marker


async def test_a_message_reaches_every_member_of_the_room(connected, room):
    alice = await connected(f"/ws/chat/{room}/")
    bob = await connected(f"/ws/chat/{room}/")
    await alice.send_json_to({"message": "hi all"})
    assert (await alice.receive_json_from())["message"] == "hi all"
    assert (await bob.receive_json_from())["message"] == "hi all"


async def test_a_member_of_another_room_receives_nothing(connected, room):
    alice = await connected(f"/ws/chat/{room}/")
    carol = await connected(f"/ws/chat/{room}-other/")
    await alice.send_json_to({"message": "not for carol"})
    assert (await alice.receive_json_from())["message"] == "not for carol"
    assert await sent_after_marker(carol) == []


async def test_anyone_with_the_channel_layer_can_speak_to_the_room(connected, room):
    """What group_send means: the consumer's chat_message runs for each member."""
    alice = await connected(f"/ws/chat/{room}/")
    await get_channel_layer().group_send(
        f"chat_{room}", {"type": "chat.message", "message": "from outside", "user": "outside"}
    )
    assert (await alice.receive_json_from())["message"] == "from outside"


async def test_a_command_of_the_channel_layer_stays_cancelled_whenever_the_cancel_lands(communicator):
    """What mysite/guards.py's CancellableConnection is for (guard() gives it to the channel layer,
    so the step's application is loaded first, by the communicator fixture): a consumer whose
    client left is cancelled while it waits on Redis, and on Python 3.10 and 3.11 redis-py's own connection loses a cancellation
    that lands as a command is written (the consumer then lingers until daphne kills it). Each
    command here is cancelled after 0 to 7 turns of the event loop, ten times each."""
    redis = get_channel_layer().connection(0)
    lost, cancelled = [], 0
    for turns in range(8):
        for _ in range(10):
            command = asyncio.ensure_future(redis.eval("return 1", 0))
            for _ in range(turns):
                await asyncio.sleep(0)  # one turn of the loop: the command goes a step further
            if command.done():
                continue
            command.cancel()
            cancelled += 1
            try:
                await command
                lost.append(turns)
            except asyncio.CancelledError:
                pass
    assert cancelled > 0 and lost == [], (
        f"{len(lost)} of {cancelled} cancellations lost, after turns {sorted(set(lost))}"
    )
    assert await redis.eval("return 7", 0) == 7, "the connection is out of step after the cancellations"
