"""`make profile`: where a server spends its time per delivered message, sampled with py-spy.

Runs the benchmark's burst 1x50x20 against step 03 and against its tuned variant, with py-spy
sampling the server process, then prints the share of samples by library (the deepest frame
that belongs to one) and by a few functions that matter, plus CPU microseconds per delivery.
py-spy's raw samples land in build/profile/ (one stack per line, with its count), for
flamegraph.pl, speedscope or a second look.
"""

from __future__ import annotations

import asyncio
import collections
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from workshop.measuring.bench import VARIANTS, process_cpu_seconds
from workshop.measuring.load import Load, run_load
from workshop.paths import BUILD_DIR, REPO_ROOT
from workshop.protocol import unique_room_name
from workshop.running.redis_server import workshop_redis
from workshop.running.step_server import StepServer

BUILD = BUILD_DIR / "profile"
LOAD = Load(1, 50, 20, "burst")
PROFILED = ("03", "03-tuned")
LIBRARIES = {  # label: a path fragment of its frames
    "asyncio (event loop, tasks)": "asyncio/",
    "channels_redis (layer receive)": "channels_redis/",
    "redis-py": "redis/",
    "channels (consumer dispatch)": "channels/",
    "asgiref (thread hops)": "asgiref/",
    "daphne": "daphne/",
    "autobahn (WebSocket frames)": "autobahn/",
    "twisted (sockets)": "twisted/",
    "json": "json/",
    "threads": "threading.py",
}
FUNCTIONS = ("aclose_old_connections", "RedisChannelLayer.receive", "chat_message", "Server.handle_reply")


def py_spy() -> str:
    found = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if found is None:
        raise FileNotFoundError("py-spy is not installed: run `make setup`.")
    return found


def _record(pid: int, output: Path, format_: str) -> subprocess.Popen[bytes]:
    command = [py_spy(), "record", "--pid", str(pid), "--rate", "250", "--nonblocking"]
    command += ["--format", format_, "--output", str(output)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def shares(raw: Path) -> tuple[int, dict[str, float], dict[str, float]]:
    """Samples in all; share by library (deepest owning frame); share of samples inside FUNCTIONS."""
    by_library: collections.Counter[str] = collections.Counter()
    inside: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count, frames = int(count_text), stack.split(";")
        total += count
        owner = next(
            (label for frame in reversed(frames) for label, part in LIBRARIES.items() if part in frame),
            "other",
        )
        by_library[owner] += count
        for function in FUNCTIONS:
            if any(f"{function} (" in frame for frame in frames):
                inside[function] += count
    scale = 100 / max(total, 1)
    return (
        total,
        {label: count * scale for label, count in by_library.most_common()},
        {function: inside[function] * scale for function in FUNCTIONS},
    )


def profile() -> int:
    BUILD.mkdir(parents=True, exist_ok=True)
    with workshop_redis(use_local=False) as redis:
        for variant in (v for v in VARIANTS if v.key in PROFILED):
            server = variant.start(redis.url)
            assert isinstance(server, StepServer), "py-spy samples one process: profile single servers"
            raw, svg = BUILD / f"{variant.key}.txt", BUILD / f"{variant.key}.svg"
            recorders: list[subprocess.Popen[bytes]] = []
            try:
                recorders = [
                    _record(server.process.pid, raw, "raw"),
                    _record(server.process.pid, svg, "flamegraph"),
                ]
                cpu_before = process_cpu_seconds(server.process.pid)
                run = asyncio.run(run_load(server, LOAD, room_prefix=unique_room_name("profile")))
                cpu = process_cpu_seconds(server.process.pid) - cpu_before
            finally:
                for recorder in recorders:
                    recorder.send_signal(signal.SIGINT)  # py-spy writes its output on SIGINT
                    recorder.wait()
                server.stop()
            total, by_library, inside = shares(raw)
            print(f"\n{variant.label}: {run.summary()}")
            print(f"  server CPU per delivery: {1e6 * cpu / max(run.delivered, 1):.0f} us ({total} samples)")
            for label, share in by_library.items():
                print(f"  {share:5.1f}%  {label}")
            for function, share in inside.items():
                print(f"  {share:5.1f}%  inside {function}")
            print(f"  samples: {raw.relative_to(REPO_ROOT)}")
    return 0
