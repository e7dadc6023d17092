"""deploy/settings.py: Django's deployment checklist is clean, and a missing secret stops the start."""

import secrets
import subprocess
import sys

import pytest

from workshop.paths import REPO_ROOT
from workshop.running.processes import child_environment
from workshop.running.production import PRODUCTION_SETTINGS
from workshop.steps import steps_with

ROOM_STEPS = [pytest.param(step, id=step.name) for step in steps_with("rooms")]
PRODUCTION_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": PRODUCTION_SETTINGS,
    "DJANGO_ALLOWED_HOSTS": "chat.example.com",
    "PYTHONPATH": str(REPO_ROOT),
}


def manage(step, *args, secret_key=None):
    """`python manage.py ...` in the step's folder under deploy/settings.py."""
    env = child_environment(**PRODUCTION_ENVIRONMENT)
    env.pop("DJANGO_SECRET_KEY", None)
    if secret_key is not None:
        env["DJANGO_SECRET_KEY"] = secret_key
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=step.folder, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize("step", ROOM_STEPS)
def test_check_deploy_reports_no_warning_under_the_production_settings(step):
    result = manage(
        step, "check", "--deploy", "--fail-level", "WARNING", secret_key=secrets.token_urlsafe(50)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout


@pytest.mark.parametrize("step", ROOM_STEPS)
def test_the_same_check_under_the_steps_own_settings_warns_as_it_should(step):
    """The referee can fail: the lesson's development settings are not fit for production."""
    env = child_environment(DJANGO_SETTINGS_MODULE="mysite.settings")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=step.folder, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W009", "security.W018"):
        assert warning in result.stderr + result.stdout


def test_without_a_secret_key_the_project_refuses_to_start_and_says_how_to_make_one():
    step = steps_with("rooms")[-1]
    result = manage(step, "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert "secrets.token_urlsafe" in result.stderr, "the refusal says how to make a key"
