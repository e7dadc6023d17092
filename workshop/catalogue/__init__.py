"""What the workshop says to a learner, in their language: one catalogue per language.

`en.py` and `ja.py` hold the same keys: MESSAGES for `make check` and `make doctor`, HINTS for
each check a learner's copy can fail (keyed by the check's name). The language is WORKSHOP_LANG
when set, else the locale's (LC_ALL, LC_MESSAGES, LANG), and English unless it starts with "ja".
Standard library only: `make doctor` runs before the venv exists.
"""

from __future__ import annotations

import os
from types import ModuleType

LANGUAGES = ("en", "ja")


def language() -> str:
    """The learner's language: the first of WORKSHOP_LANG, LC_ALL, LC_MESSAGES, LANG that is set."""
    for variable in ("WORKSHOP_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        chosen = os.environ.get(variable, "")
        if chosen:
            return "ja" if chosen.lower().startswith("ja") else "en"
    return "en"


def catalogue(name: str | None = None) -> ModuleType:
    """The catalogue module of a language (default: the learner's)."""
    from workshop.catalogue import en, ja

    return ja if (name or language()) == "ja" else en


def say(key: str, *, in_language: str | None = None, **values: object) -> str:
    """A message in the learner's language (or `in_language`), its {placeholders} filled in."""
    return catalogue(in_language).MESSAGES[key].format(**values)


def hint(check: str) -> str:
    """What to look at when `check` (a test function's name) fails; "" if it has no hint."""
    return catalogue().HINTS.get(check, "")
