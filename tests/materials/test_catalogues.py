"""What the workshop says to a learner exists in every language, with the same blanks to fill in.

workshop/catalogue/en.py and ja.py: `make check`'s and `make doctor`'s words, and each check's hint
(tests/toolkit/test_hints.py proves every English hint is reachable by a one-line break).
"""

import re
import string

import pytest

from workshop.catalogue import LANGUAGES, catalogue, hint, language, say
from workshop.paths import REPO_ROOT

ENGLISH = catalogue("en")
OTHERS = [pytest.param(catalogue(name), id=name) for name in LANGUAGES if name != "en"]


def blanks(text):
    return sorted(field for _, field, _, _ in string.Formatter().parse(text) if field is not None)


@pytest.mark.parametrize("translation", OTHERS)
def test_every_message_and_hint_exists_in_every_language(translation):
    assert list(translation.MESSAGES) == list(ENGLISH.MESSAGES)
    assert list(translation.HINTS) == list(ENGLISH.HINTS)


@pytest.mark.parametrize("translation", OTHERS)
def test_each_message_has_the_same_blanks_in_every_language(translation):
    for key, english in ENGLISH.MESSAGES.items():
        assert blanks(translation.MESSAGES[key]) == blanks(english), key


@pytest.mark.parametrize("translation", OTHERS)
def test_a_translation_changes_words_not_code(translation):
    """Everything in backticks (commands, settings, files) is the same in the translation."""
    for table in ("MESSAGES", "HINTS"):
        for key, english in getattr(ENGLISH, table).items():
            assert sorted(re.findall(r"`[^`]+`", getattr(translation, table)[key])) == sorted(
                re.findall(r"`[^`]+`", english)
            ), key


def test_every_message_the_toolkit_says_is_in_the_catalogue():
    said = re.compile(r"""(?<![.\w])say\(\s*["']([a-z_.0-9]+)["']""")  # the catalogue's say, not client.say
    used = set()
    for folder in ("workshop", "tests"):
        for path in (REPO_ROOT / folder).rglob("*.py"):
            used |= set(said.findall(path.read_text()))
    assert used <= set(ENGLISH.MESSAGES), sorted(used - set(ENGLISH.MESSAGES))
    assert set(ENGLISH.MESSAGES) <= used, f"never said: {sorted(set(ENGLISH.MESSAGES) - used)}"


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "en"),
        ({"LANG": "ja_JP.UTF-8"}, "ja"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "ja_JP.UTF-8", "LC_ALL": "C.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "ja_JP.UTF-8"}, "ja"),
        ({"LANG": "ja_JP.UTF-8", "WORKSHOP_LANG": "en"}, "en"),
        ({"WORKSHOP_LANG": "ja"}, "ja"),
    ],
)
def test_the_language_is_workshop_lang_else_the_locales(environment, expected, monkeypatch):
    for variable in ("WORKSHOP_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    assert language() == expected
    assert say("doctor.all_good") == catalogue(expected).MESSAGES["doctor.all_good"]
    check = next(iter(ENGLISH.HINTS))
    assert hint(check) == catalogue(expected).HINTS[check]
