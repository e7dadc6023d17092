"""Users for a project that has them (step 04 on): its database migrated, the workshop's users
made, and a logged-in session per chat member, so a check or a notebook opens its socket with the
cookie a browser would send after logging in.

The database is SQLite, the step's own `db.sqlite3`, in a copy of the project made once per
project content and process: every server of that project here shares it (a session made for
one is valid on another), and nothing is written into the project itself.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import json
import re
import shutil
import subprocess
import tempfile
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

from workshop.running.processes import child_environment, python_command
from workshop.steps import NOT_PART_OF_A_PROJECT, copy_project

# Made in every project with users, for people: two tabs can be two of them (make run prints
# them). The password is for localhost only.
WORKSHOP_USERS = ("alice", "bob", "carol")
WORKSHOP_PASSWORD = "channels-workshop"
SESSION_COOKIE = "sessionid"  # Django's default SESSION_COOKIE_NAME
# A project has users when its settings name a login page: Django sends the anonymous there.
LOGIN_SETTING = re.compile(r"^LOGIN_URL\s*=", re.MULTILINE)
SETTINGS_FILE = Path("mysite", "settings.py")


def workshop_users_line() -> str:
    """What `make run` prints for a step with users: who can log in, and how to be two of them."""
    return (
        f"  Log in as {', '.join(WORKSHOP_USERS)} (password: {WORKSHOP_PASSWORD}, this machine only).\n"
        "  Tabs of one browser share a login: use a private window to be a second user.\n"
    )


def has_users(folder: Path) -> bool:
    settings = folder / SETTINGS_FILE
    return settings.exists() and bool(LOGIN_SETTING.search(settings.read_text(encoding="utf-8")))


@dataclass
class Accounts:
    """The served copy of a project with users, and a session cookie per member name."""

    folder: Path
    env: dict[str, str] = field(repr=False)
    cookies: dict[str, str] = field(default_factory=dict)

    def cookie_for(self, name: str) -> str:
        """The session cookie of user `name`, logged in; the user is made on first use."""
        if name not in self.cookies:
            self.log_in(name)
        return self.cookies[name]

    def log_in(self, *names: str) -> None:
        """Make users `names` (without a password; not the workshop's own) and a session for each,
        in one go: a load's hundreds of members cost one Django start, not one each."""
        new = [name for name in dict.fromkeys(names) if name not in self.cookies]
        if new:
            self.cookies.update(_run_in_project(self.folder, self.env, "sessions", *new))

    def handshake_headers(self, name: str) -> dict[str, str]:
        return {"Cookie": f"{SESSION_COOKIE}={self.cookie_for(name)}"}


def served_copy(folder: Path, env: dict[str, str]) -> Accounts:
    """The copy of `folder` that servers run in, migrated, with the workshop's users logged in:
    one per project content, settings module and database (DATABASE_URL) in this process."""
    key = (
        folder.resolve(),
        _content_key(folder),
        env.get("DJANGO_SETTINGS_MODULE", ""),
        env.get("DATABASE_URL", ""),
    )
    if key not in _SERVED_COPIES:
        copy = copy_project(folder, Path(_scratch_folder(), f"{key[1]}-{len(_SERVED_COPIES)}", folder.name))
        _SERVED_COPIES[key] = Accounts(copy, env, _run_in_project(copy, env, "setup", *WORKSHOP_USERS))
    return _SERVED_COPIES[key]


_SERVED_COPIES: dict[tuple[Path, str, str, str], Accounts] = {}


def _content_key(folder: Path) -> str:
    """A digest of the project's files: a changed project gets a new copy."""
    digest = hashlib.sha256()
    ignored = shutil.ignore_patterns(*NOT_PART_OF_A_PROJECT)
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not ignored(str(path.parent), [path.name]) and "__pycache__" not in path.parts:
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@functools.cache
def _scratch_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="workshop-accounts-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _run_in_project(folder: Path, env: dict[str, str], action: str, *names: str) -> dict[str, str]:
    """Run workshop/running/make_accounts.py inside the project; it prints {name: session key}."""
    done = subprocess.run(
        python_command("-m", "workshop.running.make_accounts", action, *names),
        cwd=folder,
        env=child_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"setting up users in {folder} failed:\n{done.stdout}{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


class FormLogins:
    """Workshop users logged in through a running server's own login form, as a browser does:
    for a server started elsewhere (`make run`), whose database this process cannot reach."""

    def __init__(self, http_url: str) -> None:
        self.http_url = http_url
        self.cookies: dict[str, str] = {}

    def handshake_headers(self, name: str) -> dict[str, str]:
        if name not in self.cookies:
            self.cookies[name] = log_in_with_form(self.http_url, name, WORKSHOP_PASSWORD)
        return {"Cookie": f"{SESSION_COOKIE}={self.cookies[name]}"}


def log_in_with_form(http_url: str, username: str, password: str) -> str:
    """GET the login page (its CSRF cookie and token), POST the form; return the session cookie."""
    jar = CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_url = f"{http_url}/accounts/login/"
    token = _csrf_token(browser.open(login_url, timeout=30).read().decode(), login_url)
    form = {"username": username, "password": password, "csrfmiddlewaretoken": token}
    request = urllib.request.Request(
        login_url, urllib.parse.urlencode(form).encode(), headers={"Referer": login_url}
    )
    browser.open(request, timeout=30).read()
    session = next((cookie.value for cookie in jar if cookie.name == SESSION_COOKIE), None)
    if session is None:
        raise RuntimeError(f"{username} could not log in at {login_url}")
    return session


def log_out_with_form(http_url: str, session: str) -> None:
    """Press a chat page's "Log out" button for `session`, as another tab of that browser would."""
    jar = CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    chat_url = f"{http_url}/chat/"
    page = (
        browser.open(
            urllib.request.Request(chat_url, headers={"Cookie": f"{SESSION_COOKIE}={session}"}), timeout=30
        )
        .read()
        .decode()
    )
    token = _csrf_token(page, chat_url)
    csrf = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    request = urllib.request.Request(
        f"{http_url}/accounts/logout/",
        urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode(),
        headers={"Cookie": f"{SESSION_COOKIE}={session}; csrftoken={csrf}", "Referer": chat_url},
    )
    browser.open(request, timeout=30).read()


def _csrf_token(page: str, url: str) -> str:
    """The CSRF token a Django form on `page` carries in its hidden field."""
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise RuntimeError(f"{url} has no form with a CSRF token")
    return token.group(1)
