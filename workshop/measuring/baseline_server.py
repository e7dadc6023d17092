"""The benchmark's baseline: a plain `websockets` chat server, no Django, no Channels, no Redis.

It speaks the steps' protocol (`ws/chat/<room>/`, `{"message": ...}` in, the same JSON out to
every member of the room, the sender included) in about the fewest lines Python allows, so its
figures are the practical limit of Python's WebSockets on this machine, one process, one core.

    python -m workshop.measuring.baseline_server --port 0     # prints "Listening on TCP address HOST:PORT"
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import defaultdict
from pathlib import Path

from websockets.asyncio.server import ServerConnection, broadcast, serve

from workshop.paths import REPO_ROOT
from workshop.protocol import ROOM_REFUSED, WEBSOCKET_MAX_MESSAGE_SIZE
from workshop.running.ports import LOOPBACK
from workshop.running.processes import LoggedProcess, child_environment, python_command
from workshop.running.step_server import StepServer, serving_where_it_says

ROOM_PREFIX = "/ws/chat/"
rooms: dict[str, set[ServerConnection]] = defaultdict(set)


async def chat(websocket: ServerConnection) -> None:
    """Relay each message to the sender's room: one JSON encoding, sent to every member."""
    path = websocket.request.path if websocket.request else ""
    if not path.startswith(ROOM_PREFIX):
        await websocket.close(ROOM_REFUSED, "not a chat room address")
        return
    members = rooms[path]
    members.add(websocket)
    try:
        async for frame in websocket:
            message = json.loads(frame)["message"]
            broadcast(members, json.dumps({"message": message}))
    finally:
        members.discard(websocket)


def start_baseline_server() -> StepServer:
    """Run this module as a server process; the same handle as a step's server."""
    env = child_environment(PYTHONPATH=str(REPO_ROOT))  # this toolkit, wherever the process starts
    process = LoggedProcess(python_command("-m", __name__), env=env)
    return serving_where_it_says(process, Path(__file__).parent)


async def main(port: int) -> None:
    async with serve(chat, LOOPBACK, port, max_size=WEBSOCKET_MAX_MESSAGE_SIZE) as server:
        bound = server.sockets[0].getsockname()[1]
        print(f"Listening on TCP address {LOOPBACK}:{bound}", flush=True)
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    asyncio.run(main(parser.parse_args().port))
