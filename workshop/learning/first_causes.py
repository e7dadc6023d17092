"""What a learner's copy lacks before any check runs: the cause, said before its symptoms.

Without a channel layer, with one on a Redis the checks did not start (the blog's ('redis', 6379)),
or without group_add, every room check fails, and each check's own hint would point at a later
symptom (the silence check at socket_timeout, say). These look at the code itself, so
`make check` can say the cause first.
"""

from __future__ import annotations

import ast
from pathlib import Path

from workshop.catalogue import say
from workshop.steps import Step


def first_causes(project: Path, step: Step) -> list[str]:
    """The missing pieces that make a step's checks fail whatever else is right, in plain words."""
    causes = []
    if "rooms" in step.suites:
        settings = project / "mysite" / "settings.py"
        if not _assigns(settings, "CHANNEL_LAYERS"):
            causes.append(say("cause.no_channel_layer"))
        elif _names(settings, "channels_redis") and not _names(settings, "REDIS_URL"):
            causes.append(say("cause.ignores_redis_url"))
        if not _uses_attribute(project / "chat" / "consumers.py", "group_add"):
            causes.append(say("cause.no_group_add"))
    return causes


def _tree(path: Path) -> ast.Module | None:
    """The file's syntax tree; None when it is missing or does not parse (the checks say why)."""
    try:
        return ast.parse(path.read_text())
    except (OSError, SyntaxError, ValueError):
        return None


def _assigns(path: Path, name: str) -> bool:
    tree = _tree(path)
    if tree is None:
        return True  # not ours to judge: the project will not start, and the checks say so
    return any(
        isinstance(node, (ast.Assign, ast.AnnAssign))
        and any(isinstance(target, ast.Name) and target.id == name for target in _targets(node))
        for node in ast.walk(tree)
    )


def _targets(node: ast.Assign | ast.AnnAssign) -> list[ast.expr]:
    return list(node.targets) if isinstance(node, ast.Assign) else [node.target]


def _uses_attribute(path: Path, attribute: str) -> bool:
    tree = _tree(path)
    if tree is None:
        return True
    return any(isinstance(node, ast.Attribute) and node.attr == attribute for node in ast.walk(tree))


def _names(path: Path, text: str) -> bool:
    """Whether a string in the file holds `text` (a backend's path, an environment variable's name)."""
    tree = _tree(path)
    if tree is None:
        return text != "channels_redis"  # unparsable: claim nothing is missing
    return any(
        isinstance(node, ast.Constant) and isinstance(node.value, str) and text in node.value
        for node in ast.walk(tree)
    )
