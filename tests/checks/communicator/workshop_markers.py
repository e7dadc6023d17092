"""The marker trick of workshop/clients.py, for communicators: prove that nothing arrived."""

import itertools

from workshop.protocol import SYNC_MARKER_PREFIX

_numbers = itertools.count(1)


async def sent_after_marker(comm, timeout=5):
    """Send a marker message and return every message that arrives before it comes back."""
    marker = f"{SYNC_MARKER_PREFIX}{next(_numbers)}"
    await comm.send_json_to({"message": marker})
    before = []
    while (frame := await comm.receive_json_from(timeout)).get("message") != marker:
        before.append(frame)
    return before
