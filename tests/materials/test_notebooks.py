"""Every step's notebook runs top to bottom as a learner would run it, and asserts what it shows.

Each notebook starts its own servers and Redis through the toolkit, so a behaviour change in a
step (or in the toolkit) fails here. They run with `jupyter nbconvert --execute` from the venv,
in the kernel they name (`python3`: the venv's own Python), with nothing registered first.
Outputs are not committed: see workshop/learning/notebooks.py. The Japanese twins in notebooks/ja/
run too: their code is the English code (tests/materials/test_translations.py), their prose is not.
"""

import os
import re
import subprocess
import sys
import time

import nbformat
import pytest

from workshop.learning.notebooks import KERNEL, all_notebooks, committed_version, has_outputs
from workshop.paths import JAPANESE_NOTEBOOKS_DIR
from workshop.steps import all_steps, all_topics, find_step

NOTEBOOK_TIMEOUT = 240  # seconds for a whole notebook; each takes well under a minute here
CELL_TIMEOUT = 120

NOTEBOOKS = [
    pytest.param(step.notebook, id=step.notebook.stem, marks=getattr(pytest.mark, step.marker))
    for step in all_steps()
    if step.notebook is not None
] + [
    pytest.param(
        topic.notebook,
        id=topic.notebook.stem,
        marks=[getattr(pytest.mark, find_step(topic.builds_on).marker), getattr(pytest.mark, topic.marker)],
    )
    for topic in all_topics()
]
NOTEBOOKS += [
    pytest.param(
        JAPANESE_NOTEBOOKS_DIR / param.values[0].name,
        id=f"ja/{param.id}",
        marks=[*param.marks, pytest.mark.translation],
    )
    for param in NOTEBOOKS
]
# How each language's notebook opens: what you will see, before which step and which diff.
OPENING = {"en": "What you will see", "ja": "このノートブックで見ること"}


def test_every_step_and_topic_has_a_notebook_and_every_notebook_one_of_them():
    assert all(step.notebook is not None and step.notebook.exists() for step in all_steps())
    assert all(topic.notebook.exists() for topic in all_topics())
    owners = [step.notebook for step in all_steps()] + [topic.notebook for topic in all_topics()]
    assert all_notebooks() == sorted(owners)


@pytest.mark.notebook
@pytest.mark.timeout(NOTEBOOK_TIMEOUT)
@pytest.mark.parametrize("path", NOTEBOOKS)
def test_the_notebook_runs_top_to_bottom_with_jupyter_nbconvert(path, tmp_path):
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute"]
        + [f"--ExecutePreprocessor.timeout={CELL_TIMEOUT}", "--output-dir", str(tmp_path), str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    # On failure nbconvert prints the failing cell and its traceback (colours stripped).
    assert result.returncode == 0, re.sub(r"\x1b\[[0-9;]*m", "", result.stderr)[-6000:]
    print(f"{path.name} ran in {time.perf_counter() - started:.1f} s")


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_the_notebook_names_the_kernel_every_jupyter_has(path):
    assert nbformat.read(path, as_version=4).metadata.kernelspec == KERNEL


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_the_notebook_is_committed_without_outputs(path):
    assert not has_outputs(committed_version(path)), (
        f"run `make strip-notebooks` and commit {path.name} again"
    )


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_the_notebook_opens_with_what_it_shows_which_step_and_the_diff(path):
    opening = nbformat.read(path, as_version=4).cells[0]
    assert opening.cell_type == "markdown"
    assert OPENING["ja" if path.parent == JAPANESE_NOTEBOOKS_DIR else "en"] in opening.source
    english = path.parent.parent / path.name if path.parent == JAPANESE_NOTEBOOKS_DIR else path
    step = next((s.name for s in all_steps() if s.notebook == english), None)
    step = step or next(topic.builds_on for topic in all_topics() if topic.notebook == english)
    assert f"steps/{step}" in opening.source
    linked = re.findall(r"\]\(((?:\.\./)+diffs/\d\d_to_\d\d\.patch)\)", opening.source)
    assert linked, "the opening links the lesson's diff"
    assert all((path.parent / patch).resolve().exists() for patch in linked)
