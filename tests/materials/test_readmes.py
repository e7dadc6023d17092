"""The READMEs stay short and lead everywhere: every make target, every step, every docs page, and
no link to a file that is not there. The English and Japanese READMEs have the same shape.
"""

import re

import pytest

from workshop.learning.diffs import patch_path
from workshop.paths import REPO_ROOT
from workshop.steps import all_steps, find_step

READMES = ["README.md", "README.ja.md"]
MARKDOWN = sorted(
    path
    for path in REPO_ROOT.rglob("*.md")
    if not {".venv", ".nox", "work", "build", "node_modules", ".pytest_cache"}
    & set(path.relative_to(REPO_ROOT).parts)
)
LONGEST_README = 150


def listed_targets(readme):
    """Targets in the first column of the README's task table: | `make check STEP=02` | ..."""
    return re.findall(r"^\| `make ([a-z-]+)", (REPO_ROOT / readme).read_text(), re.MULTILINE)


def makefile_targets():
    text = (REPO_ROOT / "Makefile").read_text()
    return set(re.findall(r"^([a-z-]+):.*## ", text, re.MULTILINE)) - {"help"}


def local_links(path):
    """Relative link targets of a Markdown file, without #anchors."""
    targets = re.findall(r"\]\(([^)\s]+)\)", path.read_text())
    return [
        target.split("#")[0] for target in targets if not re.match(r"[a-z]+:", target) and target[0] != "#"
    ]


def test_the_readme_lists_every_make_target():
    assert set(listed_targets("README.md")) == makefile_targets()


def test_the_japanese_readme_lists_the_same_make_targets_in_the_same_order():
    assert listed_targets("README.ja.md") == listed_targets("README.md")


@pytest.mark.parametrize("readme", READMES)
def test_the_readme_is_short(readme):
    lines = len((REPO_ROOT / readme).read_text().splitlines())
    assert lines <= LONGEST_README, f"{readme} has {lines} lines; move reference material to docs/"


@pytest.mark.parametrize("readme", READMES)
def test_the_readme_links_every_step_and_its_lesson(readme):
    links = set(local_links(REPO_ROOT / readme))
    for step in all_steps():
        assert f"steps/{step.name}/README.md" in links, step.name
        if step.has_lesson:
            assert patch_path(find_step(step.starts_from), step).relative_to(REPO_ROOT).as_posix() in links


def test_the_readme_links_every_docs_page():
    links = set(local_links(REPO_ROOT / "README.md"))
    pages = {path.relative_to(REPO_ROOT).as_posix() for path in (REPO_ROOT / "docs").glob("*.md")}
    english = {page for page in pages if not page.endswith(".ja.md")}
    assert english <= links, f"not linked from README.md: {sorted(english - links)}"


def test_the_japanese_readme_links_every_japanese_docs_page_and_the_same_topics():
    links = set(local_links(REPO_ROOT / "README.ja.md"))
    for page in (REPO_ROOT / "docs").glob("*.md"):
        japanese = (
            page.with_name(page.name.replace(".md", ".ja.md")) if not page.name.endswith(".ja.md") else page
        )
        assert {page, japanese} & {REPO_ROOT / link for link in links}, f"README.ja.md leaves out {page.name}"


def test_the_japanese_readme_has_the_same_sections_in_japanese():
    headings = re.findall(r"^## (.+)$", (REPO_ROOT / "README.ja.md").read_text(), re.MULTILINE)
    assert headings == ["はじめに", "自分でやる", "ステップ", "ノートブック", "さらに先へ", "構成"]


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda path: path.relative_to(REPO_ROOT).as_posix())
def test_every_relative_link_leads_to_a_file(path):
    broken = [link for link in local_links(path) if not (path.parent / link).exists()]
    assert not broken, f"{path.relative_to(REPO_ROOT)} links to missing files: {broken}"


def test_the_notebooks_readme_names_every_notebook():
    text = (REPO_ROOT / "notebooks" / "README.md").read_text()
    assert all(f"`{step.notebook.name}`" in text for step in all_steps() if step.notebook)
