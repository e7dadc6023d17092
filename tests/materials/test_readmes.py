"""The English and Japanese READMEs list the same make targets, and every target the Makefile has."""

import re

from workshop.paths import REPO_ROOT


def listed_targets(readme):
    """Targets in the first column of the README's task table: | `make check STEP=02` | ..."""
    text = (REPO_ROOT / readme).read_text()
    return set(re.findall(r"^\| `make ([a-z-]+)", text, re.MULTILINE))


def makefile_targets():
    text = (REPO_ROOT / "Makefile").read_text()
    return set(re.findall(r"^([a-z-]+):.*## ", text, re.MULTILINE)) - {"help"}


def test_the_japanese_readme_lists_the_same_make_targets_as_the_english_one():
    assert listed_targets("README.ja.md") == listed_targets("README.md")


def test_the_readme_lists_every_make_target():
    assert listed_targets("README.md") == makefile_targets()


def test_the_japanese_readme_has_the_quick_start_steps_guarantees_and_security():
    text = (REPO_ROOT / "README.ja.md").read_text()
    for heading in ("## はじめに", "## ステップ", "## 配信の保証", "## セキュリティ"):
        assert heading in text
