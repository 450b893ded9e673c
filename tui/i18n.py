"""Translations: gettext catalogs (extracted and compiled with Babel) for az, ru and en.

Message ids are English; Azerbaijani is the default language. `_()` looks the text up in the
current language at call time, so a screen re-composed after a switch speaks the new language.
Catalogs: tui/locale/<lang>/LC_MESSAGES/izle.po, compiled to .mo by `pybabel compile`.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

LANGUAGES = ("az", "ru", "en")
DEFAULT_LANGUAGE = "az"
DOMAIN = "izle"
LOCALE_DIR = Path(__file__).with_name("locale")

_current = DEFAULT_LANGUAGE


@cache
def _catalog(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language: {lang}")
    _current = lang


def language() -> str:
    return _current


def _(message: str) -> str:
    """The message in the current language."""
    return _catalog(_current).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalog(_current).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a message for extraction where it is defined; translate it where it is shown."""
    return message


def translate(message: str, lang: str) -> str:
    return _catalog(lang).gettext(message)
