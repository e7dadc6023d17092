"""`python manage.py announce ROOM MESSAGE`: say MESSAGE in ROOM from outside the chat.

A Django app of the toolkit's, not of the steps: a step's lesson files stay the blog's. Any
project with a channel layer gets the command through the settings variant that adds this app:

    DJANGO_SETTINGS_MODULE=workshop.variants.announcing python manage.py announce lobby "hello"

(run in the project's folder with the workshop's venv, whose path holds the repository).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

SETTINGS = "workshop.variants.announcing"  # the project's settings plus this app


def announce(project: Path, redis_url: str, room: str, message: str) -> subprocess.CompletedProcess[str]:
    """Run the command in `project`'s folder, from another process, against the Redis at `redis_url`."""
    from workshop.running.processes import child_environment, python_command

    return subprocess.run(
        python_command("manage.py", "announce", room, message),
        cwd=project,
        env=child_environment(REDIS_URL=redis_url, DJANGO_SETTINGS_MODULE=SETTINGS),
        capture_output=True,
        text=True,
        timeout=60,
    )
