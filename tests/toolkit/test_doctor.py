"""`make doctor` speaks plainly, in a set-up checkout and before anything is installed."""

import subprocess
import sys

from workshop.paths import REPO_ROOT


def doctor(*python_flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *python_flags, "-m", "workshop", "doctor"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_doctor_finds_nothing_to_fix_in_a_set_up_checkout():
    result = doctor()
    assert result.returncode == 0, result.stdout
    assert "All good." in result.stdout
    assert "Redis server binary for embedded runs" in result.stdout


def test_doctor_runs_on_a_bare_interpreter_without_the_installed_packages():
    result = doctor("-S")  # no site-packages: as if `make setup` had not run yet
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    assert "[ok  ] Python" in result.stdout
