"""Step 03: the consumer is async all the way, so no handler waits in a worker thread.

The room checks (tests/checks/test_rooms.py) prove the behaviour stays the same; these read the
consumer's source, because "the same behaviour, async" is the lesson. `--async-project` points
them at a learner's copy.
"""

import ast


def consumer_tree(project):
    return ast.parse((project / "chat" / "consumers.py").read_text())


def chat_consumer(tree):
    return next(node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "ChatConsumer")


def test_the_chat_consumer_is_an_async_websocket_consumer(async_project):
    bases = [ast.unparse(base) for base in chat_consumer(consumer_tree(async_project)).bases]
    assert bases == ["AsyncWebsocketConsumer"]


def test_every_handler_is_a_coroutine(async_project):
    methods = {
        node.name: isinstance(node, ast.AsyncFunctionDef)
        for node in chat_consumer(consumer_tree(async_project)).body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    assert {"connect", "disconnect", "receive", "chat_message"} <= methods.keys()
    assert all(methods.values()), f"not async: {[name for name, is_async in methods.items() if not is_async]}"


def test_nothing_hops_back_through_async_to_sync(async_project):
    assert "async_to_sync" not in ast.unparse(consumer_tree(async_project))
