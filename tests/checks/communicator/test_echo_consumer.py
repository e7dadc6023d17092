"""Step 01, in memory: the echo goes to the sender only."""

from workshop_markers import sent_after_marker


async def test_the_echo_reaches_the_sender_and_no_one_else(connected):
    alice = await connected("/ws/chat/lobby/")
    bob = await connected("/ws/chat/lobby/")
    await alice.send_json_to({"message": "just me"})
    assert await alice.receive_json_from() == {"message": "just me"}
    assert await sent_after_marker(bob) == []
