"""Every page a learner reads has a Japanese twin, and each twin follows its English as it is now.

A change to an English notebook, step README or learner docs page fails here until its Japanese
twin is brought up to date and stamped (`make translations`, workshop/learning/translations.py).
A Japanese notebook's code cells are the English ones, byte for byte: only the prose is translated.
"""

import json
import os
import re

import pytest

from workshop.learning.notebooks import japanese_notebooks
from workshop.learning.translations import all_twins
from workshop.paths import REPO_ROOT

TWINS = [pytest.param(twin, id=twin.japanese.relative_to(REPO_ROOT).as_posix()) for twin in all_twins()]
NOTEBOOK_TWINS = [param for param in TWINS if param.values[0].is_notebook]


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


@pytest.mark.parametrize("twin", TWINS)
def test_the_japanese_twin_follows_its_english_source_as_it_is_now(twin):
    english = twin.english.relative_to(REPO_ROOT)
    japanese = twin.japanese.relative_to(REPO_ROOT)
    assert twin.japanese.exists(), f"{japanese} is missing: translate {english}"
    assert twin.follows(), (
        f"{english} changed since {japanese} was translated ({twin.changes_since_stamp()}); bring the "
        f"Japanese up to date, then: make translations DONE={japanese}"
    )


@pytest.mark.parametrize("twin", NOTEBOOK_TWINS)
def test_the_japanese_notebook_has_the_english_code_cells_byte_for_byte(twin):
    english, japanese = cells(twin.english), cells(twin.japanese)
    assert [cell["cell_type"] for cell in japanese] == [cell["cell_type"] for cell in english], (
        "the same cells in the same order: translate each Markdown cell in place"
    )
    for mine, theirs in zip(japanese, english):
        if theirs["cell_type"] == "code":
            assert (mine["id"], mine["source"], mine["metadata"]) == (
                theirs["id"],
                theirs["source"],
                theirs["metadata"],
            )


def test_every_japanese_notebook_has_its_english_one():
    english = {twin.english.name for twin in all_twins() if twin.is_notebook}
    assert {path.name for path in japanese_notebooks()} == english


@pytest.mark.parametrize("twin", TWINS)
def test_the_japanese_twin_links_only_to_what_exists(twin):
    if twin.is_notebook:
        text = "\n".join(
            "".join(cell["source"]) for cell in cells(twin.japanese) if cell["cell_type"] == "markdown"
        )
    else:
        text = twin.japanese.read_text(encoding="utf-8")
    targets = [target.split("#")[0] for target in re.findall(r"\]\(([^)\s]+)\)", text)]
    local = [target for target in targets if target and not re.match(r"[a-z]+:", target)]
    missing = [target for target in local if not (twin.japanese.parent / target).exists()]
    assert not missing, f"{twin.japanese.relative_to(REPO_ROOT)} links to missing files: {missing}"


@pytest.mark.parametrize("twin", [param for param in TWINS if not param.values[0].is_notebook])
def test_the_japanese_page_links_its_english_original(twin):
    english = os.path.relpath(twin.english, twin.japanese.parent)
    assert f"]({english})" in twin.japanese.read_text(encoding="utf-8"), f"link the English: ]({english})"
