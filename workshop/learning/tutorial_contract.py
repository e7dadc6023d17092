"""Runs the workshop's check of the official tutorial's part 4 contract the tutorial's way.

The check (tutorial_contract_tests.py) goes into a copy of a project as `chat/tests.py`, and
`python manage.py test chat.tests` runs it there: ChannelsLiveServerTestCase starts the project's
own ASGI application in a daphne process, Selenium drives Debian's Chromium against it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from workshop.running.processes import child_environment, python_command
from workshop.steps import copy_project

CONTRACT = Path(__file__).with_name("tutorial_contract_tests.py")
SAME_ROOM_TEST = "test_a_message_is_seen_by_everyone_in_the_same_room"


def failures_of(output: str) -> str:
    """unittest's account, in one line: each failed test and the last message it failed with.

    The last, because a failure raised while handling another (a wait that timed out, then
    `self.fail`) prints the first exception, often with an empty message, before its own.
    """
    said = []
    for report in re.split(r"^=+$", output, flags=re.MULTILINE):
        failed = re.search(r"^(?:FAIL|ERROR): (\w+)", report, re.MULTILINE)
        if failed:
            messages = re.findall(
                r"^\w+(?:\.\w+)*(?:Exception|Error): (?:Message: )?(.*\S.*)$", report, re.MULTILINE
            )
            said.append(f"{failed.group(1)}: {messages[-1].strip()}" if messages else failed.group(1))
    return "; ".join(said) or (output.strip().splitlines() or ["no output"])[-1]


def run_tutorial_contract(project: Path, redis_url: str, workdir: Path) -> subprocess.CompletedProcess[str]:
    """Copy `project` into `workdir`, add the check as chat/tests.py, run `manage.py test chat.tests`."""
    copy = copy_project(project, workdir / project.name)
    shutil.copy(CONTRACT, copy / "chat" / "tests.py")
    env = child_environment(REDIS_URL=redis_url)
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the copy's own mysite.settings, as manage.py sets it
    return subprocess.run(
        python_command("manage.py", "test", "chat.tests", "--noinput", "-v", "2"),
        cwd=copy, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
