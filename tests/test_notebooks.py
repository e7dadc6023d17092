"""Every notebook runs top to bottom in a real kernel, and its cells assert what they show.

Each notebook starts its own servers and Redis through the toolkit, so a behaviour change in a
step (or in the toolkit) fails here. Outputs are not committed: see workshop/notebook_files.py.
"""

import re
import time

import nbformat
import pytest
from nbclient import NotebookClient

from workshop.notebook_files import (
    KERNEL_NAME,
    NOTEBOOKS_DIR,
    all_notebooks,
    committed_version,
    has_outputs,
    register_kernel,
)
from workshop.steps import REPO_ROOT

NOTEBOOK_TIMEOUT = 240  # seconds for a whole notebook; each takes well under a minute here
CELL_TIMEOUT = 120

NOTEBOOKS = [
    pytest.param(path, id=path.stem, marks=getattr(pytest.mark, f"step{path.stem[:2]}"))
    for path in all_notebooks()
]


@pytest.fixture(scope="module")
def kernel_name():
    """The kernel `make lab` registers: the venv's own Python."""
    register_kernel()
    return KERNEL_NAME


def test_there_is_one_notebook_per_step():
    assert [path.stem for path in all_notebooks()] == ["01_echo", "02_rooms", "03_async"]


@pytest.mark.notebook
@pytest.mark.timeout(NOTEBOOK_TIMEOUT)
@pytest.mark.parametrize("path", NOTEBOOKS)
def test_the_notebook_runs_top_to_bottom(path, kernel_name):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name=kernel_name,
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(NOTEBOOKS_DIR)}},
    )
    started = time.perf_counter()
    client.execute()  # raises CellExecutionError with the failing cell and its traceback
    print(f"{path.name} ran in {time.perf_counter() - started:.1f} s")


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_the_notebook_is_committed_without_outputs(path):
    assert not has_outputs(committed_version(path)), (
        f"run `make strip-notebooks` and commit {path.name} again"
    )


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_the_notebook_opens_with_what_it_shows_which_step_and_the_diff(path):
    opening = nbformat.read(path, as_version=4).cells[0]
    assert opening.cell_type == "markdown"
    assert "What you will see" in opening.source
    assert f"steps/{path.stem}" in opening.source
    linked = re.findall(r"\]\(\.\./(diffs/\d\d_to_\d\d\.patch)\)", opening.source)
    assert linked, "the opening links the lesson's diff"
    assert all((REPO_ROOT / patch).exists() for patch in linked)
