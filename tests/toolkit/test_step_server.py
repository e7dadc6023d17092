"""A step's server starts as a real daphne process, or fails at once with daphne's own words."""

import shutil

import pytest

from workshop.running.processes import ProcessFailedToStart
from workshop.running.step_server import start_step_server
from workshop.steps import all_steps


def test_a_project_that_cannot_start_fails_fast_with_daphne_output(tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(all_steps()[0].folder, broken)
    (broken / "chat" / "consumers.py").write_text("class ChatConsumer(:\n")
    with pytest.raises(ProcessFailedToStart, match="SyntaxError"):
        start_step_server(broken)
