"""The suite on every supported Python: `make test-all` runs `suite` on each one found here, and
.ci/run runs `core` on each but the default, whose whole suite `make test` already ran.

nox rather than tox: sessions are plain Python, so the list of Pythons comes from pyproject.toml's
classifiers (workshop/pythons.py), the one list the README, make doctor and the CI matrix are
checked against, and nox finds each interpreter on PATH by its name (python3.12). Every session
installs the dev layer's lock with --require-hashes, so each Python exercises the locked install.
"""

import sys
from pathlib import Path

import nox

sys.path.insert(0, str(Path(__file__).parent))
from workshop.pythons import dotted, supported_pythons  # noqa: E402
from workshop.steps import all_suites  # noqa: E402

PYTHONS = [dotted(version) for version in supported_pythons()]
RUNNING = dotted(sys.version_info[:2])
# What every Python must pass at least: the learner's checks, the toolkit's own tests, and the
# materials (the notebooks, executed; the locks, read for this interpreter).
CORE = [
    "tests/toolkit",
    "tests/materials",
    *sorted({str(path) for suite in all_suites().values() for path in suite.checks}),
]

# Side by side in xdist workers, the slowest listed, as `make test` runs the suite (Makefile).
PARALLEL = ["-n", "auto", "--durations=15"]

nox.options.sessions = ["suite"]
nox.options.default_venv_backend = "uv|virtualenv"  # uv when it is there: seconds, not a minute


def _install(session: nox.Session) -> dict[str, str]:
    """The dev layer from its lock; the environment the tests and notebook kernels run with."""
    # pip compiles bytecode as it installs, uv only when asked; without it every process would
    # compile its imports again wherever PYTHONDONTWRITEBYTECODE is set (as on the CI machine).
    compile_bytecode = ["--compile-bytecode"] if session.venv_backend == "uv" else []
    session.install("--require-hashes", *compile_bytecode, "-r", "requirements/dev.txt")
    return {"PYTHONPATH": str(Path(__file__).parent)}  # as make's .pth does for .venv


@nox.session(python=PYTHONS)
def suite(session: nox.Session) -> None:
    """Every check, as `make test` runs them."""
    env = _install(session)
    session.run("python", "-m", "pytest", *PARALLEL, *session.posargs, env=env)


@nox.session(python=PYTHONS)
def core(session: nox.Session) -> None:
    """The learner checks, the toolkit's tests and the materials, on every Python but the one
    running nox (.ci/run gives that one the whole suite)."""
    if session.python == RUNNING:
        session.skip(f"Python {RUNNING} runs the whole suite with `make test`")
    env = _install(session)
    # That the checks can fail (each hint's one-line break, tests/toolkit/test_hints.py; the room
    # checks and the tutorial's contract against the echo step) does not depend on the Python,
    # and the checks themselves run here anyway: the default Python's suite proves it once. So
    # does a Japanese twin's run (`translation`: a notebook, make check's account), whose code
    # is the English one's.
    session.run(
        "python", "-m", "pytest", *PARALLEL, *CORE, "--ignore=tests/toolkit/test_hints.py",
        "--ignore=tests/toolkit/test_ratchet.py", "--ignore=tests/toolkit/test_tutorial_contract_can_fail.py",
        "-m", "not translation", *session.posargs, env=env,
    )  # fmt: skip
