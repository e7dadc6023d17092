"""The supported Pythons are stated once, in pyproject.toml's classifiers, and everything that
names them agrees: requires-python, the READMEs, make doctor, the nox sessions, the CI matrix."""

import json
import os
import subprocess
import sys

import yaml

from workshop.paths import REPO_ROOT
from workshop.pythons import dotted, requires_python, supported_pythons

OLDEST, NEWEST = (dotted(version) for version in (supported_pythons()[0], supported_pythons()[-1]))


def test_the_tested_pythons_run_without_gaps_from_requires_python():
    versions = supported_pythons()
    assert requires_python() == f">={OLDEST}"
    assert versions == [(3, minor) for minor in range(versions[0][1], versions[-1][1] + 1)]


def test_both_readmes_say_which_pythons_in_their_first_section():
    for readme in ("README.md", "README.ja.md"):
        first_section = (REPO_ROOT / readme).read_text().split("\n## ")[1]
        assert OLDEST in first_section and NEWEST in first_section, readme


def test_the_ci_matrix_runs_every_supported_python():
    workflow = yaml.safe_load((REPO_ROOT / ".github/workflows/ci.yml").read_text())
    assert workflow["jobs"]["test"]["strategy"]["matrix"]["python"] == [
        dotted(version) for version in supported_pythons()
    ]


def test_nox_has_a_session_per_supported_python():
    listed = subprocess.run(
        [sys.executable, "-m", "nox", "--list", "--json", "--sessions", "suite", "core"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert listed.returncode == 0, listed.stderr
    sessions = {(entry["name"], entry["python"]) for entry in json.loads(listed.stdout)}
    for version in supported_pythons():
        assert {("suite", dotted(version)), ("core", dotted(version))} <= sessions


def test_make_doctor_says_whether_this_python_is_in_the_tested_range():
    result = subprocess.run(
        [sys.executable, "-m", "workshop", "doctor"],
        cwd=REPO_ROOT,
        env={**os.environ, "WORKSHOP_LANG": "en"},
        capture_output=True,
        text=True,
    )
    assert f"in the tested range {OLDEST} to {NEWEST}" in result.stdout
