"""Without a Chromium the page checks say how to get one: skipped on a laptop, failed in CI."""

import os
import subprocess
import sys

import pytest

from workshop.paths import REPO_ROOT


@pytest.mark.parametrize(
    ("ci", "outcome", "exit_code"), [("", "1 skipped", 0), ("true", "1 error", 1)], ids=["laptop", "CI"]
)
def test_a_missing_chromium_is_reported_with_the_install_command(ci, outcome, exit_code):
    env = {**os.environ, "CHROMIUM": "/nowhere/chromium", "CI": ci}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/checks/test_browser.py",
            "-k",
            "echo_page",
            "-p",
            "no:cacheprovider",
            "-rs",
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert outcome in result.stdout and result.returncode == exit_code, result.stdout[-2000:]
    assert "sudo apt-get install chromium" in result.stdout
