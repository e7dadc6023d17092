"""One chat member as its own process, for hosts the test process cannot reach (a namespace).

    python tests/harness/member.py WS_URL ORIGIN LINE [LINE ...]

Prints "joined" once the socket is open, then "heard: <message>" for everything it receives;
each SIGUSR1 says the next LINE.
"""

import asyncio
import json
import signal
import sys

from websockets.asyncio.client import connect


async def main(url: str, origin: str, lines: list[str]) -> None:
    to_say: asyncio.Queue[str] = asyncio.Queue()
    unsaid = iter(lines)
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, lambda: to_say.put_nowait(next(unsaid)))
    async with connect(url, origin=origin) as socket:
        print("joined", flush=True)

        async def speak() -> None:
            while True:
                await socket.send(json.dumps({"message": await to_say.get()}))

        speaking = asyncio.create_task(speak())
        async for frame in socket:
            print(f"heard: {json.loads(frame)['message']}", flush=True)
        speaking.cancel()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
