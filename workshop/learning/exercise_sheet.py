"""The exercise sheet `make exercise` writes into a learner's copy: EXERCISE.md and EXERCISE.ja.md.

What to change and how to check come from the manifest (steps/steps.toml); the code it shows is
read from the finished step's files, so the sheet never drifts from the snapshot. Its words are
the catalogue's (`sheet.*`), in every language the workshop speaks.
"""

from __future__ import annotations

import ast
from pathlib import Path

from workshop.catalogue import LANGUAGES, say
from workshop.paths import REPO_ROOT
from workshop.steps import Step, find_step

SETTINGS = "mysite/settings.py"
REDIS_SETTING = "CHANNEL_LAYERS"  # a lesson that writes it gets the sheet's word on REDIS_URL
LANGUAGE_OF = {".py": "python", ".html": "html"}  # how a shown file's code block is marked


def sheet_name(language: str) -> str:
    return "EXERCISE.md" if language == "en" else f"EXERCISE.{language}.md"


def write_sheets(step: Step, copy: Path) -> list[Path]:
    """Write the step's sheet into `copy`, once per language; return the files written."""
    written = []
    for language in LANGUAGES:
        path = copy / sheet_name(language)
        path.write_text(exercise_sheet(step, language))
        written.append(path)
    return written


def exercise_sheet(step: Step, language: str) -> str:
    """The sheet's Markdown for `step`, in `language`."""
    start = find_step(step.starts_from)
    finished = step.folder.relative_to(REPO_ROOT)
    parts = [
        say("sheet.title", in_language=language, number=step.number, teaches=step.says("teaches", language)),
        say("sheet.starts_from", in_language=language, start=start.folder.relative_to(REPO_ROOT))
        if step.has_lesson
        else say("sheet.starter", in_language=language),
        say("sheet.what_to_change", in_language=language, edit=step.says("edit", language)),
    ]
    if REDIS_SETTING in _changed_settings(start, step):
        parts.append(say("sheet.redis_url", in_language=language))
    shown = [_shown_code(start, step, file) for file in sorted(step.must_change)]
    if shown:
        parts.append(say("sheet.the_code", in_language=language, finished=finished))
        parts += [
            f"`{file}`\n\n```{LANGUAGE_OF.get(Path(file).suffix, '')}\n{code}\n```" for file, code in shown
        ]
        parts.append("</details>")
    parts.append(say("sheet.how_to_check", in_language=language, number=step.number, finished=finished))
    if step.has_lesson:
        parts[-1] += "\n" + say("sheet.the_lesson_diff", in_language=language, number=step.number)
    return "\n\n".join(parts) + "\n"


def _shown_code(start: Step, step: Step, file: str) -> tuple[str, str]:
    """A finished file's code as the sheet shows it: settings.py's imports and the settings the
    lesson writes (each with its comment), any other file whole."""
    source = (step.folder / file).read_text()
    if file == SETTINGS:
        written = "\n\n".join(
            _statement_with_comments(source, name) for name in _changed_settings(start, step)
        )
        return file, f"{_imports(source)}\n\n# ...\n\n{written}"
    return file, source.rstrip("\n")


def _changed_settings(start: Step, step: Step) -> list[str]:
    """The settings `step` assigns differently from `start` (or newly), in the file's order."""
    before = _assignments((start.folder / SETTINGS).read_text())
    after = _assignments((step.folder / SETTINGS).read_text())
    return [name for name, code in after.items() if before.get(name) != code]


def _assignments(source: str) -> dict[str, str]:
    """Each module-level `NAME = ...` of a settings file, by name, as written."""
    lines = source.splitlines()
    return {
        target.id: "\n".join(lines[node.lineno - 1 : node.end_lineno])
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _imports(source: str) -> str:
    """The module-level import statements, as written."""
    lines = source.splitlines()
    return "\n".join(
        "\n".join(lines[node.lineno - 1 : node.end_lineno])
        for node in ast.parse(source).body
        if isinstance(node, (ast.Import, ast.ImportFrom))
    )


def _statement_with_comments(source: str, name: str) -> str:
    """The module-level assignment of `name`, with the comment lines right above it."""
    lines = source.splitlines()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(
            getattr(target, "id", None) == name for target in node.targets
        ):
            first = node.lineno - 1
            while first > 0 and lines[first - 1].startswith("#"):
                first -= 1
            return "\n".join(lines[first : node.end_lineno])
    raise LookupError(f"{name} is not assigned in this settings file")
