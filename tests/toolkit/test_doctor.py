"""`make doctor` speaks plainly, in a set-up checkout and before anything is installed, in the
learner's language (workshop/catalogue)."""

import os
import subprocess
import sys

import pytest

from workshop.catalogue import catalogue
from workshop.paths import REPO_ROOT


def doctor(*python_flags: str, language: str = "en") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *python_flags, "-m", "workshop", "doctor"],
        cwd=REPO_ROOT,
        env={**os.environ, "WORKSHOP_LANG": language},
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.parametrize("language", ["en", "ja"])
def test_doctor_finds_nothing_to_fix_in_a_set_up_checkout(language):
    words = catalogue(language).MESSAGES
    result = doctor(language=language)
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith(words["doctor.heading"])
    assert words["doctor.all_good"] in result.stdout
    assert words["doctor.redis_binary"].split("{")[0] in result.stdout


@pytest.mark.parametrize("language", ["en", "ja"])
def test_doctor_runs_on_a_bare_interpreter_without_the_installed_packages(language):
    result = doctor("-S", language=language)  # no site-packages: as if `make setup` had not run yet
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    assert "[ok  ] Python" in result.stdout
    assert catalogue(language).MESSAGES["doctor.heading"] in result.stdout
