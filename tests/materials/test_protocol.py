"""The steps' own copies of the chat's facts agree with workshop/protocol.py.

Each step is a project of its own, so it keeps its constants where a learner reads them
(mysite/guards.py, the room page); the toolkit and the tests import
workshop/protocol.py. Changing a fact on one side only fails here. The files are read, not
imported: each step is its own `mysite`.
"""

import ast
import re

import pytest

from workshop.protocol import (
    CATCH_UP_LIMIT,
    GROUP_PREFIX,
    HISTORY_LENGTH,
    MAX_MESSAGE_LENGTH,
    ROOM_NAME_PATTERN,
    ROOM_NAME_RULE,
    ROOM_REFUSED,
    TRY_AGAIN_LATER,
    WEBSOCKET_MAX_MESSAGE_SIZE,
)
from workshop.steps import all_steps, steps_with

STEPS = [pytest.param(step, id=step.name) for step in all_steps()]
ROOM_STEPS = [pytest.param(step, id=step.name) for step in steps_with("rooms")]
HISTORY_STEPS = [pytest.param(step, id=step.name) for step in steps_with("history")]


def constants(path):
    """The module-level `NAME = <literal>` assignments of a Python file."""
    found = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                found[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    return found


@pytest.mark.parametrize("step", STEPS)
def test_the_room_name_rule_and_the_refusal_code(step):
    rooms = constants(step.folder / "mysite/guards.py")
    assert (rooms["ROOM_NAME_PATTERN"], rooms["ROOM_NAME_RULE"], rooms["ROOM_REFUSED"]) == (
        ROOM_NAME_PATTERN,
        ROOM_NAME_RULE,
        ROOM_REFUSED,
    )


@pytest.mark.parametrize("step", STEPS)
def test_the_message_cap_and_the_frame_cap_it_names(step):
    messages = step.folder / "mysite/guards.py"
    assert constants(messages)["MAX_MESSAGE_LENGTH"] == MAX_MESSAGE_LENGTH
    assert f"--websocket-max-message-size {WEBSOCKET_MAX_MESSAGE_SIZE}" in messages.read_text()


@pytest.mark.parametrize("step", STEPS)
def test_the_try_again_later_code_on_the_server_and_on_the_page(step):
    assert constants(step.folder / "mysite/guards.py")["TRY_AGAIN_LATER"] == TRY_AGAIN_LATER
    page = (step.folder / "chat/templates/chat/room.html").read_text()
    assert set(re.findall(r"event\.code !== (\d+)", page)) == {str(TRY_AGAIN_LATER)}, (
        "the page retries after this code only"
    )


@pytest.mark.parametrize("step", ROOM_STEPS)
def test_members_join_the_group_the_protocol_names(step):
    assert f'f"{GROUP_PREFIX}{{self.room_name}}"' in (step.folder / "chat/consumers.py").read_text()


@pytest.mark.parametrize("step", HISTORY_STEPS)
def test_the_history_a_newcomer_gets_and_the_most_a_catch_up_sends(step):
    consumer = constants(step.folder / "chat/consumers.py")
    assert (consumer["HISTORY_LENGTH"], consumer["CATCH_UP_LIMIT"]) == (HISTORY_LENGTH, CATCH_UP_LIMIT)
