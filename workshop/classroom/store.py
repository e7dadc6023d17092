"""The board's memory: each learner's latest result per step, in SQLite, so a restart loses none.

One board process writes it; the file lives in the classroom's folder (`make classroom`) or a
test's temporary one.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from workshop.classroom.reports import Report

SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    name TEXT NOT NULL,
    step TEXT NOT NULL,
    passed INTEGER NOT NULL,
    failing TEXT NOT NULL,
    reported_at REAL NOT NULL,
    PRIMARY KEY (name, step)
)
"""


class ResultStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        with self._connect() as connection:
            connection.execute(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def record(self, report: Report) -> dict[str, object]:
        """Keep `report` as the learner's latest for its step (a later pass replaces a fail)."""
        row = {**report.as_dict(), "reported_at": time.time()}
        with self._connect() as connection:
            connection.execute(
                "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?)",
                (
                    report.name,
                    report.step,
                    int(report.passed),
                    json.dumps(report.failing),
                    row["reported_at"],
                ),
            )
        return row

    def latest(self) -> list[dict[str, object]]:
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT name, step, passed, failing, reported_at FROM results"
            ).fetchall()
        return [
            {
                "name": name,
                "step": step,
                "passed": bool(passed),
                "failing": json.loads(failing),
                "reported_at": at,
            }
            for name, step, passed, failing, at in rows
        ]
