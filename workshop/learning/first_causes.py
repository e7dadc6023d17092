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
    if "users" in step.suites:
        consumers = project / "chat" / "consumers.py"
        if not _assigns(project / "mysite" / "settings.py", "LOGIN_URL"):
            causes.append(say("cause.no_login_url"))
        if _reads_user_from_the_frame(consumers):
            causes.append(say("cause.name_from_the_frame"))
        if _queries_in_async_code(consumers):
            causes.append(say("cause.query_in_async_code"))
    if "history" in step.suites and _defines_a_model(project / "chat" / "models.py"):
        if not any((project / "chat" / "migrations").glob("0*.py")):
            causes.append(say("cause.no_migration"))
    return causes


def _defines_a_model(path: Path) -> bool:
    """A class in chat/models.py derives from models.Model."""
    tree = _tree(path)
    return any(
        isinstance(node, ast.ClassDef)
        and any(isinstance(base, ast.Attribute) and base.attr == "Model" for base in node.bases)
        for node in (ast.walk(tree) if tree else ())
    )


def _reads_user_from_the_frame(path: Path) -> bool:
    """receive() takes a "user" out of what the client sent: data["user"] or data.get("user")."""
    tree = _tree(path)
    receives = [
        node
        for node in (ast.walk(tree) if tree else ())
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "receive"
    ]
    return any(
        isinstance(node, ast.Constant) and node.value == "user" and _is_read(parent)
        for receive in receives
        for parent in ast.walk(receive)
        for node in ast.iter_child_nodes(parent)
    )


def _is_read(node: ast.AST) -> bool:
    """A subscript (x["user"]) or a .get("user") call: reading the key, not writing it."""
    return isinstance(node, ast.Subscript) or (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
    )


# Manager methods that run a query at once (filter() and all() wait until they are read).
QUERIES = {"get", "create", "get_or_create", "update_or_create", "count", "exists", "first", "last",
           "latest", "earliest", "update", "delete", "bulk_create", "in_bulk", "aggregate"}  # fmt: skip


def _queries_in_async_code(path: Path) -> bool:
    """An `async def` calls the ORM the synchronous way: Model.objects.get(...), not aget()."""
    tree = _tree(path)
    return any(
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and isinstance(call.func.value, ast.Attribute)
        and call.func.value.attr == "objects"
        and call.func.attr in QUERIES
        for function in (ast.walk(tree) if tree else ())
        if isinstance(function, ast.AsyncFunctionDef)
        for call in ast.walk(function)
    )


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
