"""Runs a server as a child process and waits for the line that says it is ready."""

from __future__ import annotations

import atexit
import collections
import contextlib
import ctypes  # here, not in the child: a child run as another user may not read our Python
import os
import pwd
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Mapping, Sequence


class ProcessFailedToStart(RuntimeError):
    """The child exited, or never said it was ready; the message carries its output tail."""


class LoggedProcess:
    """A child process whose output is kept (the last lines) and can be waited on.

    A reader thread drains the child's output so it never blocks on a full pipe, keeps a
    tail for error messages, keeps every line matching `note` (however many came between; a traceback whole, as one entry),
    and optionally echoes each line (for `make run`).
    """

    def __init__(
        self,
        command: Sequence[str],
        *,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        echo: Callable[[str], None] | None = None,
        tail_lines: int = 200,
        note: str | None = None,
        user: str | None = None,
    ) -> None:
        self.command = list(command)
        # Every line matching `note`, however long the run: the tail forgets, this does not.
        self.noted: list[str] = []
        self._traceback_open = False  # the last noted entry is a traceback still being printed
        self._note = re.compile(note) if note else None
        self._lines: collections.deque[str] = collections.deque(maxlen=tail_lines)
        self._line_count = 0
        self._output_ended = False  # the child closed its output: it exited, or soon will
        self._new_line = threading.Condition()
        self._echo = echo
        self._process = subprocess.Popen(
            self.command,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            # Its own session: Ctrl-C reaches us, and we stop children in order.
            start_new_session=True,
            preexec_fn=_prepare_child,
            user=user,  # a server that refuses to run as root (PostgreSQL) runs as its own user
            group=pwd.getpwnam(user).pw_gid if user else None,
            extra_groups=[] if user else None,
        )
        self._reader = threading.Thread(target=self._read_output, daemon=True)
        self._reader.start()
        atexit.register(self.stop)

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def returncode(self) -> int | None:
        return self._process.poll()

    def _read_output(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            line = line.rstrip("\n")
            with self._new_line:
                if self._traceback_open:
                    self._traceback_open = self._continue_traceback(line)
                elif self._note is not None and self._note.search(line):
                    self.noted.append(line)
                    self._traceback_open = line.startswith("Traceback")
                self._lines.append(line)
                self._line_count += 1
                self._new_line.notify_all()
            if self._echo is not None:
                self._echo(line)
        with self._new_line:
            # The signal a waiter acts on: set under the lock, so it cannot be missed. (Whether
            # this thread still counts as alive is up to the interpreter's thread timing.)
            self._output_ended = True
            self._new_line.notify_all()

    def _continue_traceback(self, line: str) -> bool:
        """A traceback is one noted entry, up to its exception's line: a crash reads whole."""
        self.noted[-1] += "\n" + line
        return not line or line[0].isspace()

    def tail(self, lines: int = 40) -> str:
        with self._new_line:
            return "\n".join(list(self._lines)[-lines:])

    @property
    def line_count(self) -> int:
        """How many lines the child has printed so far: a mark for `wait_for_lines(after=...)`."""
        with self._new_line:
            return self._line_count

    def wait_for_line(self, pattern: str, timeout: float, *, after: int = 0) -> re.Match[str]:
        """Block until an output line matches `pattern`; fail as soon as the child's output ends."""
        return self.wait_for_lines(pattern, 1, timeout, after=after)[0]

    def wait_for_lines(
        self, pattern: str, count: int, timeout: float, *, after: int = 0
    ) -> list[re.Match[str]]:
        """Block until `count` output lines printed after line number `after` match `pattern`.

        Several children writing through one parent (supervisord's workers) each print their
        own "Listening on": this waits for all of them, or for the next one after a restart.
        """
        regex = re.compile(pattern)
        matches: list[re.Match[str]] = []
        checked = after  # how many lines, counted since the start, we have looked at
        deadline = time.monotonic() + timeout
        with self._new_line:
            while True:
                unchecked = min(self._line_count - checked, len(self._lines))
                for line in list(self._lines)[len(self._lines) - unchecked :] if unchecked > 0 else []:
                    match = regex.search(line)
                    if match:
                        matches.append(match)
                        if len(matches) == count:
                            return matches
                checked = max(checked, self._line_count)
                wanted = f"/{pattern}/" + (f" {count} times" if count > 1 else "")
                if self._output_ended:
                    raise ProcessFailedToStart(
                        f"{self.command[0]} {self._ending()} before printing {wanted}. "
                        f"Its last output:\n{self.tail()}"
                    )
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._new_line.wait(timeout=remaining):
                    raise ProcessFailedToStart(
                        f"{self.command[0]} did not print {wanted} within {timeout:.0f} s. "
                        f"Its last output:\n{self.tail()}"
                    )

    def _ending(self, grace: float = 5.0) -> str:
        """How the child's output ended: its exit code, once it has exited (it closed its output)."""
        try:
            return f"exited with code {self._process.wait(timeout=grace)}"
        except subprocess.TimeoutExpired:
            return "closed its output and kept running"

    def wait(self) -> int:
        """Block until the child exits; return its exit code."""
        return self._process.wait()

    def stop(self, grace: float = 3.0) -> None:
        """Ask the child to stop (SIGTERM), then insist (SIGKILL). Safe to call twice.

        Redis and daphne stop within a fraction of a second, except daphne serving a sync
        consumer that is inside async_to_sync when the signal lands: that thread waits for
        the stopped event loop forever, and Python waits for the thread (step 02's README).
        """
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._reader.join(timeout=grace)
        atexit.unregister(self.stop)

    def kill(self) -> None:
        """Stop the child without letting it clean up, as a crash or OOM kill would."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()


def _prepare_child() -> None:
    """In the child, before it runs: Ctrl-C restored, and death with its parent.

    A shell starts a background job (`cmd &`) with SIGINT ignored, and an ignored signal stays
    ignored across exec: Python would then install no Ctrl-C handler at all. The child gets the
    default back, so Ctrl-C (or a check sending SIGINT) means the same however we were started.

    On Linux the kernel also sends the child SIGTERM if we die without cleaning up. atexit covers
    a normal exit; this covers a killed test run or a restarted notebook kernel. (It fires when
    the thread that started the child exits: we start them from main threads.)
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if sys.platform == "linux":
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    keep_niceness_in_own_session()


def keep_niceness_in_own_session(pid: int | str = "self", niceness: int | None = None) -> None:
    """Give the session a process leads the CPU priority (niceness) the process has, or `niceness`.

    On Linux with autogroups (sched_autogroup, on by default in many kernels), each session is
    weighed as a group of its own, at niceness 0, whatever niceness its leader inherited: a server
    that a low-priority process starts in a session of its own would run at full priority. The
    checks' workers run at the lowest (tests/harness/scheduling.py); their servers stay there too.
    Nothing to do at niceness 0, for a process that leads no session, or where there are no
    autogroups.
    """
    process = os.getpid() if pid == "self" else int(pid)
    try:
        if niceness is None:
            niceness = os.getpriority(os.PRIO_PROCESS, process)
        # Only a session's leader speaks for it: never the session of the shell that ran us.
        if niceness > 0 and os.getsid(process) == process:
            Path(f"/proc/{process}/autogroup").write_text(str(niceness))
    except OSError:
        pass  # no autogroups here (not Linux, or a kernel without them), or the process is gone


def keep_niceness_in_sessions_below(root: int) -> None:
    """keep_niceness_in_own_session, at `root`'s niceness, for every session `root`'s descendants
    lead: for children a library started in sessions of their own (Playwright's Chromium, which
    also raises its own priority where it may)."""
    import psutil  # a check and measuring tool, not in the serve layer `make run` installs

    niceness = os.getpriority(os.PRIO_PROCESS, root)
    if niceness <= 0:
        return
    for child in psutil.Process(root).children(recursive=True):
        with contextlib.suppress(OSError, psutil.Error):
            keep_niceness_in_own_session(child.pid, niceness)


def child_environment(**overrides: str) -> dict[str, str]:
    """This process's environment plus `overrides`, with Python output unbuffered."""
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(overrides)
    return env


def python_command(*args: str) -> list[str]:
    """Run a module with the same interpreter (the venv's) that runs us."""
    return [sys.executable, *args]


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def stop_on_sigterm() -> None:
    """SIGTERM (a supervisor, `kill`) stops a foreground command the way Ctrl-C does: the same clean shutdown."""
    signal.signal(signal.SIGTERM, _interrupt)
