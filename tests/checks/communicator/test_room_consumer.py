"""Steps 02 and 03, in memory (with the step's real Redis channel layer): a room is a group."""

from channels.layers import get_channel_layer

from workshop_markers import sent_after_marker


async def test_a_message_reaches_every_member_of_the_room(connected, room):
    alice = await connected(f"/ws/chat/{room}/")
    bob = await connected(f"/ws/chat/{room}/")
    await alice.send_json_to({"message": "hi all"})
    assert await alice.receive_json_from() == {"message": "hi all"}
    assert await bob.receive_json_from() == {"message": "hi all"}


async def test_a_member_of_another_room_receives_nothing(connected, room):
    alice = await connected(f"/ws/chat/{room}/")
    carol = await connected(f"/ws/chat/{room}-other/")
    await alice.send_json_to({"message": "not for carol"})
    assert await alice.receive_json_from() == {"message": "not for carol"}
    assert await sent_after_marker(carol) == []


async def test_anyone_with_the_channel_layer_can_speak_to_the_room(connected, room):
    """What group_send means: the consumer's chat_message runs for each member."""
    alice = await connected(f"/ws/chat/{room}/")
    await get_channel_layer().group_send(f"chat_{room}", {"type": "chat.message", "message": "from outside"})
    assert await alice.receive_json_from() == {"message": "from outside"}
