"""The instructor's guide keeps up with the manifest: a section and a timing row for every step, in
order, in both languages, and no `make` task that the Makefile does not have.
"""

import re

import pytest

from workshop.paths import REPO_ROOT
from workshop.steps import all_steps

GUIDES = ["docs/instructor.md", "docs/instructor.ja.md"]


def step_names():
    return [step.name for step in all_steps()]


def makefile_targets():
    return set(re.findall(r"^([a-z-]+):", (REPO_ROOT / "Makefile").read_text(), re.MULTILINE))


@pytest.mark.parametrize("guide", GUIDES)
def test_the_guide_has_a_section_for_every_step_in_order(guide):
    text = (REPO_ROOT / guide).read_text()
    assert re.findall(r"^### (\d\d_\w+)", text, re.MULTILINE) == step_names()


@pytest.mark.parametrize("guide", GUIDES)
def test_the_guide_times_every_step_in_order(guide):
    text = (REPO_ROOT / guide).read_text()
    assert re.findall(r"^\| `?(\d\d_\w+)`? \|", text, re.MULTILINE) == step_names()


@pytest.mark.parametrize("guide", GUIDES)
def test_every_make_task_the_guide_names_exists(guide):
    named = set(re.findall(r"`make ([a-z-]+)", (REPO_ROOT / guide).read_text()))
    assert named, f"{guide} names no make task"
    assert named <= makefile_targets(), (
        f"{guide} names tasks the Makefile lacks: {named - makefile_targets()}"
    )
