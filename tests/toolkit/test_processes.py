"""A child process's output is waited on without guessing: a line it prints is seen at once, and a
child that exits is noticed at once, whatever the interpreter's thread timing."""

import sys
import threading
import time

import pytest

from workshop.running.processes import LoggedProcess, ProcessFailedToStart

TRIES = 40
AT_ONCE = 2.0  # seconds; the wait's own deadline below is far longer, so only a missed exit reaches it


def test_a_child_that_exits_without_the_line_is_reported_at_once_every_time(report_figure):
    slowest = 0.0
    for _ in range(TRIES):
        child = LoggedProcess([sys.executable, "-c", "print('SyntaxError: as a broken project says')"])
        started = time.monotonic()
        with pytest.raises(ProcessFailedToStart, match=r"exited with code 0 before printing") as failed:
            child.wait_for_line(r"Listening on", timeout=30)
        slowest = max(slowest, time.monotonic() - started)
        assert "SyntaxError: as a broken project says" in str(failed.value), "its output is in the report"
        child.stop()
    report_figure(f"{TRIES} children that exited: the slowest was reported after {slowest:.3f} s")
    assert slowest < AT_ONCE


RELEASE_THREADS = threading.Event()


class LingeringThread(threading.Thread):
    """A thread that stays alive after its work is done, as threads may on any Python: here until
    the test has seen the child's exit reported, so it lingers for as long as that takes."""

    def run(self):
        super().run()
        RELEASE_THREADS.wait(timeout=30)


def test_a_child_that_exits_is_reported_at_once_even_while_the_reader_thread_lingers(monkeypatch):
    for _ in range(3):
        with monkeypatch.context() as patched:
            patched.setattr(threading, "Thread", LingeringThread)  # only while the child is started
            child = LoggedProcess([sys.executable, "-c", "print('bye')"])
        started = time.monotonic()
        with pytest.raises(ProcessFailedToStart, match=r"exited with code 0 before printing"):
            child.wait_for_line(r"Listening on", timeout=10)
        assert time.monotonic() - started < AT_ONCE, "the child's exit, not the thread's, is the signal"
        assert child._reader.is_alive(), "the reader thread was still lingering when the exit was seen"
        RELEASE_THREADS.set()
        child.stop()
        RELEASE_THREADS.clear()


def test_a_line_printed_just_before_exiting_is_still_found():
    for _ in range(TRIES):
        child = LoggedProcess([sys.executable, "-c", "print('Listening on TCP address 127.0.0.1:1')"])
        assert child.wait_for_line(r"Listening on TCP address [\d.]+:(\d+)", timeout=30).group(1) == "1"
        child.stop()


def test_a_child_that_says_nothing_for_too_long_is_reported_when_the_wait_ends():
    child = LoggedProcess(
        [sys.executable, "-c", "import threading; print('starting', flush=True); threading.Event().wait()"]
    )
    try:
        with pytest.raises(ProcessFailedToStart, match=r"did not print /ready/ within 1 s"):
            child.wait_for_line("ready", timeout=1)
    finally:
        child.stop()
