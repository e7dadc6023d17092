"""The notebooks as files: committed without outputs, run in the venv's own Python.

Outputs are not committed: they change on every run (ports, timings, channel names) and would
make every diff noisy. `make strip-notebooks` removes them; tests/test_notebooks.py insists.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat

from workshop.paths import JAPANESE_NOTEBOOKS_DIR, NOTEBOOKS_DIR, REPO_ROOT

# The kernel every notebook names: Jupyter's own name for "the Python that runs Jupyter", so the
# venv's interpreter in JupyterLab, `jupyter nbconvert --execute` and VS Code alike, with no
# kernel to register first.
KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def all_notebooks() -> list[Path]:
    """The English notebooks, one per step or topic."""
    return sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def japanese_notebooks() -> list[Path]:
    """Their Japanese twins: the same code cells, the prose translated (workshop/learning/translations.py)."""
    return sorted(JAPANESE_NOTEBOOKS_DIR.glob("*.ipynb"))


def committed_version(path: Path) -> nbformat.NotebookNode:
    """The notebook as committed (HEAD), so a learner's saved run does not fail the checks.

    JupyterLab saves outputs into the file as you work; what must stay clean is the commit.
    Outside a git checkout, the file itself.
    """
    relative = path.relative_to(REPO_ROOT).as_posix()
    shown = subprocess.run(["git", "show", f"HEAD:{relative}"], cwd=REPO_ROOT, capture_output=True, text=True)
    if shown.returncode != 0:
        return nbformat.read(path, as_version=4)
    return nbformat.reads(shown.stdout, as_version=4)


def has_outputs(notebook: nbformat.NotebookNode) -> bool:
    return any(
        cell.get("outputs") or cell.get("execution_count")
        for cell in notebook.cells
        if cell.cell_type == "code"
    )


def strip_outputs(path: Path) -> bool:
    """Clear outputs and execution counts; return True if the file changed."""
    notebook = nbformat.read(path, as_version=4)
    if not has_outputs(notebook):
        return False
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(notebook, path)
    return True


def strip_all() -> int:
    for path in all_notebooks() + japanese_notebooks():
        print(f"{'stripped' if strip_outputs(path) else 'clean   '} {path.relative_to(REPO_ROOT)}")
    return 0


def open_lab() -> int:
    """Run JupyterLab on notebooks/ (loopback only) until Ctrl-C; its `python3` kernel is this venv's Python.

    The Japanese twins are in its ja/ folder, so one JupyterLab opens both.
    """
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--ServerApp.ip=127.0.0.1",
        f"--notebook-dir={NOTEBOOKS_DIR}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers and CI machines often run as root
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 0
