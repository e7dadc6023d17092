"""Every step's notebook runs top to bottom as a learner would run it, and asserts what it shows.

Each notebook starts its own servers and Redis through the toolkit, so a behaviour change in a
step (or in the toolkit) fails here. They run with `jupyter nbconvert --execute` from the venv,
in the kernel they name (`python3`: the venv's own Python), with nothing registered first.
Outputs are not committed: see workshop/learning/notebooks.py. The Japanese twins in notebooks/ja/
are checked too: their code is the English code (tests/materials/test_translations.py), their prose
is not, so a twin whose code ran top to bottom in this run, as its English notebook, is not run again.
"""

import hashlib
import json
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
# Notebooks that run apart from the other checks that assert a bound or load the CPU, never
# waiting for the CPU (tests/harness/scheduling.py), and why. (05 kills a primary too, but waits
# for the failover as long as it takes and asserts no bound on it.)
RUNS_APART = {
    "03_async": "it runs the quick benchmark and loads",
    "06_production": "it asserts a killed worker's clients chat again within 10 s",
}


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
# To run, each goes apart (its Japanese twin too, after it in the same worker), or into one group
# with its Japanese twin, which then runs after it and finds the English run done (groups:
# tests/harness/scheduling.py).
RUNS = [
    pytest.param(
        *param.values,
        id=param.id,
        marks=[
            *param.marks,
            pytest.mark.apart
            if param.values[0].stem in RUNS_APART
            else pytest.mark.xdist_group(f"notebook-{param.values[0].stem}"),
        ],
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


def what_runs(path) -> str:
    """A fingerprint of what nbconvert executes: the kernel and the code cells, in order."""
    notebook = nbformat.read(path, as_version=4)
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    return hashlib.sha256(json.dumps([notebook.metadata.kernelspec, code]).encode()).hexdigest()[:16]


@pytest.mark.notebook
@pytest.mark.timeout(NOTEBOOK_TIMEOUT)
@pytest.mark.parametrize("path", RUNS)
def test_the_notebook_runs_top_to_bottom_with_jupyter_nbconvert(path, tmp_path, run_folder, request):
    ran = run_folder / "notebooks-that-ran"  # in this run, by any worker: fingerprints of their code
    if path.parent == JAPANESE_NOTEBOOKS_DIR and (ran / what_runs(path)).exists():
        # The same kernel and code cells as its English notebook, which ran top to bottom in this
        # run: executing them again would prove nothing more. (Alone, `-k ja/`, it runs itself.)
        print(f"{path.name}: the code of notebooks/{path.name}, which ran top to bottom in this run")
        return
    env = {**os.environ, "NO_COLOR": "1"}
    if os.environ.get("REDIS_URL"):  # the notebook's kernel on this worker's own database of it
        env["REDIS_URL"] = request.getfixturevalue("redis_url")
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute"]
        + [f"--ExecutePreprocessor.timeout={CELL_TIMEOUT}", "--output-dir", str(tmp_path), str(path)],
        capture_output=True,
        text=True,
        env=env,
    )
    # On failure nbconvert prints the failing cell and its traceback (colours stripped).
    assert result.returncode == 0, re.sub(r"\x1b\[[0-9;]*m", "", result.stderr)[-6000:]
    print(f"{path.name} ran in {time.perf_counter() - started:.1f} s")
    ran.mkdir(exist_ok=True)
    (ran / what_runs(path)).write_text(str(path))


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
