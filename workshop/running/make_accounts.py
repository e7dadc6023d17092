"""Run inside a project with users (workshop/running/accounts.py starts it there):

    python -m workshop.running.make_accounts setup alice bob carol   # migrate; workshop users
    python -m workshop.running.make_accounts sessions mallory        # users without a password

Either way, each named user gets a logged-in session, as Django's login view would make; the last
line printed is {name: session key} as JSON.
"""

from __future__ import annotations

import json
import os
import sys


def main(action: str, names: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from workshop.running.accounts import WORKSHOP_PASSWORD

    users = get_user_model()
    if action == "setup":
        call_command("migrate", verbosity=0, interactive=False)
        hashed = None
        for name in names:
            user, _ = users.objects.get_or_create(username=name)
            if hashed is None:  # one hash for all: hashing is slow on purpose, and this is localhost
                user.set_password(WORKSHOP_PASSWORD)
                hashed = user.password
            user.password = hashed
            user.save()
    else:
        for name in names:
            user, made = users.objects.get_or_create(username=name)
            if made:
                user.set_unusable_password()
                user.save()
    sessions = {}
    for name in names:
        client = Client()
        client.force_login(users.objects.get(username=name))
        sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
    print(json.dumps(sessions))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
