"""What a learner's `make check` tells the board, and what the board refuses.

A report is JSON: {"name": str, "step": "02", "passed": bool, "failing": ["test_...", ...]}.
Anything else gets a clear refusal; the board never stores or shows it.
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

from workshop.steps import all_steps

MAX_REPORT_BYTES = 8 * 1024
MAX_NAME_LENGTH = 40
MAX_FAILING = 50
# A name is letters of any script, digits, spaces and - _ . : never markup, never a control character.
NAME_PATTERN = re.compile(rf"[^\W_][\w .\-]{{0,{MAX_NAME_LENGTH - 1}}}")
CHECK_PATTERN = re.compile(r"test_\w{1,150}")
# A flood from one learner: at most this many reports in this many seconds, per name.
REPORTS_PER_WINDOW = 10
WINDOW_SECONDS = 60.0


class InvalidReport(ValueError):
    """A report the board refuses; str(error) says why, for the learner who sent it."""


@dataclass(frozen=True)
class Report:
    name: str
    step: str
    passed: bool
    failing: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "step": self.step, "passed": self.passed, "failing": list(self.failing)}


def read_report(body: bytes) -> Report:
    """The report in `body`, or InvalidReport saying what is wrong with it."""
    if len(body) > MAX_REPORT_BYTES:
        raise InvalidReport(f"a report is at most {MAX_REPORT_BYTES} bytes")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise InvalidReport("a report is a JSON object") from None
    if not isinstance(data, dict) or set(data) != {"name", "step", "passed", "failing"}:
        raise InvalidReport(
            'a report is a JSON object with "name", "step", "passed" and "failing", nothing else'
        )
    name, step, passed, failing = data["name"], data["step"], data["passed"], data["failing"]
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name.strip()):
        raise InvalidReport(
            f"a name is 1 to {MAX_NAME_LENGTH} letters, digits, spaces, '-', '_' or '.', starting with a letter or digit"
        )
    if not isinstance(step, str) or step not in {known.number for known in all_steps()}:
        raise InvalidReport(f"step is one of {', '.join(known.number for known in all_steps())}")
    if not isinstance(passed, bool):
        raise InvalidReport('"passed" is true or false')
    if not isinstance(failing, list) or len(failing) > MAX_FAILING:
        raise InvalidReport(f'"failing" is a list of at most {MAX_FAILING} check names')
    if not all(isinstance(check, str) and CHECK_PATTERN.fullmatch(check) for check in failing):
        raise InvalidReport('each of "failing" is a check\'s name, test_...')
    if passed and failing:
        raise InvalidReport("a passed report has no failing checks")
    return Report(name.strip(), step, passed, tuple(dict.fromkeys(failing)))


@dataclass
class FloodGate:
    """Lets each name through at most REPORTS_PER_WINDOW times per WINDOW_SECONDS."""

    per_window: int = REPORTS_PER_WINDOW
    window: float = WINDOW_SECONDS
    _recent: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))

    def allows(self, name: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        recent = self._recent[name.casefold()]
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        if len(recent) >= self.per_window:
            return False
        recent.append(now)
        return True
