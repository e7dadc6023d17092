"""The Japanese twins of the learner's pages, and whether each still follows its English source.

Every twin ends with a stamp: the SHA-256 of the English it was translated from (a notebook's
prose only: its code cells must equal the English ones outright). When the English changes, the
stamp no longer matches, tests/materials/test_translations.py fails, and `make translations`
shows what changed since, until the Japanese is brought up to date and stamped again
(`make translations DONE=path`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from workshop.paths import JAPANESE_NOTEBOOKS_DIR, NOTEBOOKS_DIR, REPO_ROOT
from workshop.steps import all_steps, all_topics

# The docs pages a learner needs on the way through the steps; each has a Japanese twin.
LEARNER_DOCS = (
    "delivery-guarantees",
    "when-things-break",
    "which-redis",
    "testing-your-consumer",
    "security",
    "instructor",
)
STAMP = re.compile(r"<!-- translation of (\S+) sha256:([0-9a-f]{12}) -->\n?\Z")
STAMP_KEY = "translation_of"  # in a notebook's metadata["workshop"]


@dataclass(frozen=True)
class Twin:
    english: Path
    japanese: Path

    @property
    def is_notebook(self) -> bool:
        return self.english.suffix == ".ipynb"

    def source_fingerprint(self) -> str:
        """What the twin follows: the English file, or a notebook's prose (its code must be equal)."""
        return _fingerprint(self.english.read_text(encoding="utf-8"), self.is_notebook)

    def stamped_fingerprint(self) -> str | None:
        """The fingerprint the Japanese says it was translated from; None without a stamp."""
        if self.is_notebook:
            metadata = json.loads(self.japanese.read_text(encoding="utf-8"))["metadata"]
            return metadata.get("workshop", {}).get(STAMP_KEY, {}).get("sha256")
        found = STAMP.search(self.japanese.read_text(encoding="utf-8"))
        return found.group(2) if found else None

    def follows(self) -> bool:
        return self.japanese.exists() and self.stamped_fingerprint() == self.source_fingerprint()

    def stamp(self) -> None:
        """Record that the Japanese now follows the English as it is."""
        fingerprint, english = self.source_fingerprint(), _relative(self.english, self.japanese.parent)
        if self.is_notebook:
            notebook = json.loads(self.japanese.read_text(encoding="utf-8"))
            notebook["metadata"].setdefault("workshop", {})[STAMP_KEY] = {
                "path": english,
                "sha256": fingerprint,
            }
            text = json.dumps(notebook, indent=1, ensure_ascii=False)  # as the notebooks are written
            self.japanese.write_text(text + "\n", encoding="utf-8")
        else:
            text = STAMP.sub("", self.japanese.read_text(encoding="utf-8")).rstrip("\n")
            stamp = f"<!-- translation of {english} sha256:{fingerprint} -->"
            self.japanese.write_text(f"{text}\n\n{stamp}\n", encoding="utf-8")

    def changes_since_stamp(self) -> str:
        """A command that shows what changed in the English since the Japanese was stamped."""
        stamped = self.stamped_fingerprint()
        english = self.english.relative_to(REPO_ROOT).as_posix()
        for commit in _commits_touching(english):
            shown = subprocess.run(
                ["git", "show", f"{commit}:{english}"], cwd=REPO_ROOT, capture_output=True, text=True
            )
            if stamped and shown.returncode == 0 and _fingerprint(shown.stdout, self.is_notebook) == stamped:
                return f"git diff {commit[:10]} -- {english}"
        return f"git log -p -- {english}"


def all_twins() -> list[Twin]:
    """Every English page a learner reads, with the path of its Japanese twin."""
    notebooks = [step.notebook for step in all_steps() if step.notebook] + [t.notebook for t in all_topics()]
    pairs = [(path, JAPANESE_NOTEBOOKS_DIR / path.name) for path in notebooks]
    pairs.append((NOTEBOOKS_DIR / "README.md", JAPANESE_NOTEBOOKS_DIR / "README.md"))
    pairs.append((REPO_ROOT / "README.md", REPO_ROOT / "README.ja.md"))
    pairs += [(step.folder / "README.md", step.folder / "README.ja.md") for step in all_steps()]
    pairs += [
        (REPO_ROOT / "docs" / f"{page}.md", REPO_ROOT / "docs" / f"{page}.ja.md") for page in LEARNER_DOCS
    ]
    return [Twin(english, japanese) for english, japanese in pairs]


def report(done: list[str]) -> int:
    """`make translations`: stamp the pages named in `done`, then say which twins lag behind."""
    twins = {twin.japanese.relative_to(REPO_ROOT).as_posix(): twin for twin in all_twins()}
    for path in done:
        if path not in twins:
            print(f"{path} is not a Japanese twin; they are:\n  " + "\n  ".join(twins))
            return 2
        twins[path].stamp()
        print(f"stamped  {path}: it follows {twins[path].english.relative_to(REPO_ROOT)} as it is now")
    behind = 0
    for path, twin in twins.items():
        if not twin.japanese.exists():
            behind += 1
            print(f"MISSING  {path}: translate {twin.english.relative_to(REPO_ROOT)}")
        elif not twin.follows():
            behind += 1
            print(f"BEHIND   {path}: what changed in English: {twin.changes_since_stamp()}")
        else:
            print(f"follows  {path}")
    if behind:
        print(f"\n{behind} Japanese page(s) to bring up to date; then: make translations DONE=<path>")
    return 1 if behind else 0


def _fingerprint(english: str, is_notebook: bool) -> str:
    if is_notebook:
        cells = json.loads(english)["cells"]
        english = "\n\n".join(_source(cell) for cell in cells if cell["cell_type"] == "markdown")
    return hashlib.sha256(english.encode()).hexdigest()[:12]


def _source(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _relative(path: Path, start: Path) -> str:
    return Path(os.path.relpath(path, start)).as_posix()


def _commits_touching(path: str) -> list[str]:
    log = subprocess.run(
        ["git", "log", "--format=%H", "--", path], cwd=REPO_ROOT, capture_output=True, text=True
    )
    return log.stdout.split()
