"""Translations: gettext catalogs (extracted and compiled with Babel) for az, ru and en.

Message ids are English; Azerbaijani is the default language. `_()` looks the text up in the
current language at call time, so a screen re-composed after a switch speaks the new language.
Catalogs: data/locale/<lang>/LC_MESSAGES/izle.po, compiled to .mo by `pybabel compile`.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping, Sequence
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


def translate_plural(singular: str, plural: str, n: int, lang: str) -> str:
    """`ngettext` in `lang`, whatever the current language (an operator reading to a caller)."""
    return _catalog(lang).ngettext(singular, plural, n)


def requested_language(args: Sequence[str], environ: Mapping[str, str],
                       for_help: bool = False) -> str:
    """The language a command line asks for: `--lang X`/`--lang=X`, else $IZLE_LANG, else az;
    `for_help`: a help page follows the locale (LANG) before falling back to az.

    Read before click parses anything, because option help is translated when the command
    modules are imported. A value that is not a language is left for click to refuse.
    """
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        else:
            continue
        if value in LANGUAGES:
            return value
    value = environ.get("IZLE_LANG", "")
    if value in LANGUAGES:
        return value
    return locale_language(environ) if for_help else DEFAULT_LANGUAGE


def locale_language(environ: Mapping[str, str]) -> str:
    """The language of the POSIX locale (LC_ALL, then LC_MESSAGES, then LANG: `ru_RU.UTF-8`
    is ru), when it is one of ours; else az."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if value := environ.get(name, ""):
            code = value.partition("_")[0].partition(".")[0]
            return code if code in LANGUAGES else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def lang_options_first(args: Sequence[str]) -> list[str]:
    """The command line with every `--lang X`/`--lang=X` (before `--`) moved to the front, the
    last one winning: `izle identity list --lang en` means what `izle --lang en identity list`
    does (the group's option sets the language of every command)."""
    rest: list[str] = []
    found: str | None = None
    items = list(args)
    i = 0
    while i < len(items):
        arg = items[i]
        if arg == "--":
            rest += items[i:]
            break
        if arg == "--lang" and i + 1 < len(items):
            found, i = items[i + 1], i + 2
            continue
        if arg.startswith("--lang="):
            found, i = arg.partition("=")[2], i + 1
            continue
        rest.append(arg)
        i += 1
    return (["--lang", found] if found is not None else []) + rest


def use_language_process_wide(lang: str) -> None:
    """Set the language here and for the process-wide GNU gettext domain.

    Click translates its own words ("Usage:", "Options", "Show this message and exit.", its
    errors) with the standard `gettext.gettext`; our catalog holds them too (tui/cli/words.py),
    so binding the process's domain to it makes `izle --help` speak one language throughout.
    """
    set_language(lang)
    os.environ["LANGUAGE"] = lang
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
