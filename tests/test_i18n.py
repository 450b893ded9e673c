"""Azerbaijani, Russian and English throughout: complete catalogs, no hard-coded text on any
screen, a language switch that lasts the session, and a command line that speaks the language.
"""

from __future__ import annotations

import gettext
import io
import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from textual.widgets import Button, DataTable, Input, OptionList, Static
from textual.content import Content
from izle.screens.widgets import LocalFooter

import izle.data.i18n
from izle import data
from izle.data import deadlines
from izle.data.statuses import DEADLINE_MARKERS
from izle.screens.agency import AgencyScreen
from izle.screens.login import LoginScreen
from izle.screens.lookup import LookupScreen
from tests.conftest import izle_app, ADMIN, AGENCIES, CITIZEN, EXECUTORS, LETTERS, OPERATOR, UNITS
from tests.pilot import choose_agency, log_in, look_up, settle, text_of, to_agency_picker, type_into, showing_result
from tests.tour import SCREENS
from izle.tui.app import IzleApp
from izle.data.i18n import LANGUAGES, requested_language

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "data" / "locale"
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "NP_": (1, 2), "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
SIZE = (100, 40)


# --- the catalogs ----------------------------------------------------------------------------

def extract_template() -> Catalog:
    """Every message of the code, extracted afresh the way data/locale/refresh.sh does."""
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    template = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS,
    ):
        template.add(message, locations=[(filename, lineno)], context=context)
    return template


def load_po(lang: str) -> Catalog:
    with open(LOCALE / lang / "LC_MESSAGES" / "izle.po", "rb") as f:
        return read_po(f, locale=lang)


@pytest.fixture(scope="module")
def template() -> Catalog:
    catalog = extract_template()
    assert len(catalog) > 100  # the extraction found the code
    return catalog


def forms(string: str | tuple[str, ...]) -> tuple[str, ...]:
    return string if isinstance(string, tuple) else (string,)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_of_the_code_is_translated(template, lang):
    po = load_po(lang)
    untranslated = []
    for message in template:
        if not message.id:
            continue
        entry = po.get(message.id)
        if entry is None or entry.fuzzy or not all(forms(entry.string)) \
                or len(forms(entry.string)) != (po.num_plurals if message.pluralizable else 1):
            untranslated.append(message.id)
    assert untranslated == [], f"{lang}: run /tmp/i18n/sync.sh or data/locale/refresh.sh and translate"


def catalog_messages(translations: gettext.GNUTranslations) -> dict:
    """What a compiled catalog says: its messages, without the header a Babel version writes."""
    return {k: v for k, v in translations._catalog.items() if k not in ("", ("", 0))}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_compiled_catalog_is_its_po_compiled(lang):
    """Compared by content: another Babel writes another header, and that is not staleness."""
    compiled = io.BytesIO()
    write_mo(compiled, load_po(lang), use_fuzzy=False)
    compiled.seek(0)
    with open(LOCALE / lang / "LC_MESSAGES" / "izle.mo", "rb") as shipped:
        ours = catalog_messages(gettext.GNUTranslations(shipped))
    assert ours == catalog_messages(gettext.GNUTranslations(compiled)), \
        f"{lang}: izle.mo is stale — run `pybabel compile -d data/locale -D izle`"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders(lang):
    wrong = []
    for message in load_po(lang):
        if not message.id or not message.string:
            continue
        ids = forms(message.id)
        expected = [set(PLACEHOLDER.findall(i)) for i in ids]
        everything, shared = set().union(*expected), set.intersection(*expected)
        for n, text in enumerate(forms(message.string)):
            if not text:  # untranslated: the test above reports it
                continue
            found = set(PLACEHOLDER.findall(text))
            if len(ids) == 1:
                ok = found == expected[0]
            else:  # plural forms: nothing foreign, every form keeps what singular and plural
                # share, and the last (the "many") form has all the plural's
                ok = found <= everything and found >= shared \
                    and (n < len(forms(message.string)) - 1 or found >= expected[-1])
            if not ok:
                wrong.append((ids[0], text))
    assert wrong == []


def test_a_plural_form_that_drops_a_placeholder_is_caught():
    """The check above on a form that lost {terminal} and {total}: it must be reported."""
    catalog = Catalog(locale="en")
    catalog.add(("Sent {n} row as {terminal}; {total}.", "Sent {n} rows as {terminal}; {total}."),
                ("Sent one row.", "Sent {n} rows as {terminal}; {total}."))
    assert _foreign_text(catalog) == [] and _lost_placeholders(catalog) != []


SOME_OTHER_MESSAGE = 40  # characters: a form quoting this much of another message was mis-merged


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_translation_carries_another_messages_text(lang):
    """A mis-merged catalog glues one message's text onto another's (a push confirmation that
    printed `izle serve`'s help): no form may contain another message's id or translation."""
    assert _foreign_text(load_po(lang)) == []


def _lost_placeholders(catalog: Catalog) -> list:
    lost = []
    for message in catalog:
        if message.id and message.pluralizable:
            shared = set.intersection(*(set(PLACEHOLDER.findall(i)) for i in message.id))
            lost += [f for f in message.string if not shared <= set(PLACEHOLDER.findall(f))]
    return lost


def _foreign_text(catalog: Catalog) -> list[tuple[str, str]]:
    """(message, the other message's text it carries). Two messages may share a translation,
    and one whose own id quotes another (a sentence built on a shorter one) may quote it too."""
    messages = [m for m in catalog if m.id]
    texts = [(t, m) for m in messages for t in {*forms(m.id), *forms(m.string)}
             if len(t) >= SOME_OTHER_MESSAGE]
    found = []
    for message in messages:
        ids = forms(message.id)
        for text, other in texts:
            if other is message or any(o in i for o in forms(other.id) for i in ids):
                continue
            found += [(ids[0], text[:30]) for form in forms(message.string) if text in form and text != form]
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_babel_finds_no_error_in_the_catalog(lang):
    """What `pybabel compile` would complain of: e.g. a msgid that looks like %-formatting."""
    errors = [(message.id, [str(e) for e in found]) for message, found in load_po(lang).check()]
    assert errors == []


def test_azerbaijani_is_the_default_and_each_language_differs():
    assert data.i18n.DEFAULT_LANGUAGE == "az"
    titles = {lang: data.i18n.translate("Mobile number", lang) for lang in LANGUAGES}
    assert titles == {"az": "Mobil nömrə", "ru": "Мобильный номер", "en": "Mobile number"}


# --- no text on a screen that is not from the catalog ------------------------------------------

class Pseudo(gettext.NullTranslations):
    """Every translated string wrapped in ⟦…⟧, so what is left unwrapped did not come from it."""

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return f"⟦{singular if n == 1 else plural}⟧"


# What a screen may show that is not a message: the register's own data, the brand names, key
# names (printed on the keyboard itself) and the language codes of the switch.
DATA = [*(n for a in AGENCIES for n in a[1:4] if n), *(n for u in UNITS for n in u[2:5] if n),
        *(e[2] for e in EXECUTORS), *(e[3] for e in EXECUTORS), *(letter[2] for letter in LETTERS),
        *(letter[5] for letter in LETTERS), *(p.name for p in (CITIZEN, OPERATOR, ADMIN)),
        CITIZEN.phone_typed, CITIZEN.user_id, "+994 50 123 45 67", "kiosk-7"]
UNTRANSLATABLE = ["İzlə", "Asan İmza", "Shift+Tab", "Tab", "Enter", "Esc", "AZ", "RU", "EN",
                  *DEADLINE_MARKERS.values()]
WRAPPED = re.compile(r"⟦[^⟦⟧]*⟧")
KEY = re.compile(r"\b(?:Ctrl\+\w|F\d{1,2})\b")  # key names as printed on the keys


def visible_texts(screen) -> list[str]:
    """The text of every widget shown on a screen: labels, buttons, fields, lists, tables, keys."""
    texts: list[str] = []

    def visit(widget) -> None:
        if not widget.display:
            return
        if isinstance(widget, LocalFooter):  # the keys' names are printed on the keyboard
            texts.extend(widget.descriptions())
            return
        if isinstance(widget, Button):
            texts.append(str(widget.label))
        elif isinstance(widget, Input):  # what the person typed is theirs, not the screen's
            texts.append(widget.placeholder)
        elif isinstance(widget, OptionList):
            texts.extend(str(option.prompt) for option in widget.options)
        elif isinstance(widget, DataTable):
            texts.extend(str(column.label) for column in widget.columns.values())
            texts.extend(str(cell) for row in range(widget.row_count) for cell in widget.get_row_at(row))
        elif isinstance(widget, Static):
            texts.append(str(widget.render()))
        elif isinstance(drawn := widget.render(), Content):  # a widget drawing its own text
            texts.append(str(drawn))
        for child in widget.children:
            visit(child)

    visit(screen)
    return texts


# Register text cut to its column's width ends in "…": the cell is data when a value starts so.
ELIDED = re.compile(r"(?:(?<=\s\s)|(?<=^))(\S(?:(?!\s\s)[^\n…])*)…", re.M)


def not_from_the_catalog(screen) -> str:
    """What is left of a screen's text after the catalog's strings and the data are taken out."""
    left = []
    for text in visible_texts(screen):
        while WRAPPED.search(text):
            text = WRAPPED.sub(" ", text)
        for value in sorted({*DATA, *UNTRANSLATABLE}, key=len, reverse=True):
            text = text.replace(value, " ")
        text = ELIDED.sub(lambda m: " " if any(v.startswith(m.group(1)) for v in DATA) else m.group(0), text)
        text = KEY.sub(" ", text)
        if any(ch.isalpha() for ch in text):
            left.append(text.strip())
    return " | ".join(left)


@pytest.fixture
def pseudo(monkeypatch):
    monkeypatch.setattr(data.i18n, "_catalog", lambda lang: Pseudo())




@pytest.mark.parametrize("where", SCREENS)
async def test_every_text_on_screen_comes_from_the_catalog(register, pseudo, where):
    options, steps, expected = SCREENS[where]
    app = izle_app(register, **options)
    async with app.run_test(size=SIZE) as pilot:
        if steps is not None:
            await steps(pilot)
        screen_class, *shown = expected.split()
        assert type(app.screen).__name__ == screen_class
        assert all(app.screen.query_one(selector).display for selector in shown)
        assert not_from_the_catalog(app.screen) == ""


async def test_the_check_finds_a_hard_coded_label(register, pseudo):
    from textual.widgets import Label

    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await app.screen.mount(Label("Hello"))
        await pilot.pause()
        assert "Hello" in not_from_the_catalog(app.screen)
        app.screen.query_one("#phone", Input).placeholder = "type here"
        assert "type here" in not_from_the_catalog(app.screen)


# --- the language switch -----------------------------------------------------------------------

def labels(app) -> list[str]:
    return [str(w.render()) for w in app.screen.query(".field-label")]


async def test_f2_switches_the_language_and_keeps_what_was_typed(register):
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        assert labels(app) == ["Mobil nömrə", "İstifadəçi ID"]
        await type_into(pilot, "#phone", CITIZEN.phone_typed)
        await type_into(pilot, "#user-id", CITIZEN.user_id)
        await pilot.press("f2")
        await settle(pilot)
        assert app.lang == "ru"
        assert labels(app) == ["Мобильный номер", "ID пользователя"]
        assert str(app.screen.query_one("#login", Button).label) == "Войти"
        assert app.screen.query_one("#phone", Input).value == CITIZEN.phone_typed
        assert app.screen.query_one("#user-id", Input).value == CITIZEN.user_id
        await pilot.press("f2")
        await settle(pilot)
        assert labels(app) == ["Mobile number", "User ID"]
        await pilot.press("f2")
        await settle(pilot)
        assert labels(app) == ["Mobil nömrə", "İstifadəçi ID"]
        assert app.screen.query_one("#phone", Input).value == CITIZEN.phone_typed


async def test_the_language_buttons_and_the_footer_follow(register):
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "#phone", CITIZEN.phone_typed)
        await pilot.click("#lang-en")
        await settle(pilot)
        assert labels(app) == ["Mobile number", "User ID"]
        assert "Language" in app.screen.query_one(LocalFooter).descriptions()
        assert app.screen.query_one("#lang-en", Button).has_class("current")
        assert str(app.screen.query_one("#lang-en", Button).label) == "[EN]"
        await pilot.click("#lang-ru")
        await settle(pilot)
        assert "Язык" in app.screen.query_one(LocalFooter).descriptions()
        assert app.screen.query_one("#phone", Input).value == CITIZEN.phone_typed


@pytest.mark.parametrize("lang, agency_name, title, status, unit", [
    ("ru", "Главное таможенное управление Баку", "В какой таможенный орган адресовано письмо?",
     "На исполнении", "Управление таможенного контроля"),
    ("en", "Baku Main Customs Department", "Which customs authority was the letter addressed to?",
     "In execution", "Customs Control Department"),
])
async def test_the_chosen_language_lasts_the_whole_session(register, lang, agency_name, title, status, unit):
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click(f"#lang-{lang}")
        await settle(pilot)
        await log_in(pilot, CITIZEN)
        await to_agency_picker(pilot)
        assert isinstance(app.screen, AgencyScreen)
        assert str(app.screen.query_one(".panel-title", Static).render()) == title
        prompts = [str(o.prompt).strip() for o in app.screen.query_one("#agency-list", OptionList).options]
        assert agency_name in prompts
        await choose_agency(pilot, "baki")
        assert text_of(app, "#lookup-agency") == agency_name
        await look_up(pilot, "01-31/3073", "05.03.2026")
        assert showing_result(app)
        assert text_of(app, "#result-status").startswith(status)
        assert text_of(app, "#result-unit") == unit
        assert "07.04.2026" in text_of(app, "#result-due")  # dates stay DD.MM.YYYY
        await pilot.press("escape")
        await pilot.press("escape")
        await pilot.pause()
        await choose_agency(pilot, "astara")
        await look_up(pilot, "07-01/55", "01.06.2026")
        # This unit has no Russian or English name in the register: Azerbaijani is shown.
        assert text_of(app, "#result-unit").startswith("[bold]x[/]")


async def test_a_kiosk_returns_to_its_own_language_at_logout(register):
    app = izle_app(register, kiosk=True, lang="az")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#lang-en")
        await settle(pilot)
        await log_in(pilot, CITIZEN)
        assert app.lang == "en"
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.lang == "az" and labels(app) == ["Mobil nömrə", "İstifadəçi ID"]


async def test_a_console_keeps_the_operators_language_after_logout(register):
    app = izle_app(register, lang="az")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#lang-ru")
        await settle(pilot)
        await log_in(pilot, CITIZEN)
        await pilot.press("f3")
        await settle(pilot)
        assert app.lang == "ru" and labels(app) == ["Мобильный номер", "ID пользователя"]


# --- filtering in each script ------------------------------------------------------------------

def listed(app) -> list[str]:
    return [o.id for o in app.screen.query_one("#agency-list", OptionList).options if o.id]


def highlighted(app) -> str | None:
    option_list = app.screen.query_one("#agency-list", OptionList)
    if option_list.highlighted is None:
        return None
    return option_list.get_option_at_index(option_list.highlighted).id


@pytest.mark.parametrize("typed, expected", [
    ("baki bas", ["BBGI"]),                            # Latin without Azerbaijani letters
    ("BAKI BAŞ", ["BBGI"]),                            # Latin with them, in capitals
    ("hava nəqliyyatında", ["HNBGI"]),
    ("Главное таможенное управление Баку", ["BBGI"]),  # Russian, as name_ru
    ("воздушном", ["HNBGI"]),
    ("Бакы Баш Гёмрюк", ["BBGI"]),                     # Azerbaijani in Cyrillic
    ("Астара", ["AGI"]),
    ("Hava Nqliyyatında", ["HNBGI"]),                  # a letter missing
    ("Astraa", ["AGI"]),                               # two letters swapped
    ("state customs", ["DGK"]),                        # English
])
async def test_the_filter_understands_every_script(register, typed, expected):
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, CITIZEN)
        await to_agency_picker(pilot)
        assert len(listed(app)) == len(AGENCIES)
        await type_into(pilot, "#agency-filter", typed)
        assert listed(app) == expected
        assert highlighted(app) == expected[0]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen) and app.screen.agency.code == expected[0]


async def test_the_best_match_is_highlighted_and_nothing_matching_is_said(register):
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, CITIZEN)
        await to_agency_picker(pilot)
        await type_into(pilot, "#agency-filter", "astara gömrük")
        assert highlighted(app) == "AGI"
        await type_into(pilot, "#agency-filter", "qqqqqq")
        assert listed(app) == [] and highlighted(app) is None
        assert text_of(app, "#agency-empty") == "Uyğun orqan tapılmadı. Daha az hərf yazın."


# --- the command line ----------------------------------------------------------------------------

def izle(*args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("IZLE_LANG", "LANGUAGE")}
    return subprocess.run([sys.executable, "-m", "izle", *args], cwd=ROOT, capture_output=True,
                          text=True, env={**environ, **env}, timeout=60)


def test_the_command_line_help_speaks_the_chosen_language():
    assert "İstifadə:" in izle("--help").stdout and "Parametrlər:" in izle("--help").stdout
    russian = izle("--lang", "ru", "--help").stdout
    assert "Использование: izle [ПАРАМЕТРЫ]" in russian
    assert "режим оператора колл-центра" in russian and "Показать эту справку и выйти." in russian
    assert "Usage: izle [OPTIONS]" in izle("--lang=en", "--help").stdout


def test_a_subcommand_help_follows_izle_lang():
    demo = izle("demo", "--help", IZLE_LANG="ru").stdout
    assert "Создаёт реалистичный демо-реестр" in demo and "сколько писем создать" in demo
    assert "Reala yaxın demo reyestr" in izle("demo", "--help").stdout
    assert "Build a realistic demo register" in izle("--lang", "en", "demo", "--help", IZLE_LANG="ru").stdout


def test_command_line_errors_speak_the_chosen_language():
    wrong = izle("--lang", "ru", "demo", "--letters", "5")
    assert wrong.returncode == 2 and "Ошибка:" in wrong.stderr and "Справка:" in wrong.stderr
    assert "mümkün dəyərlərdən deyil" in izle("--lang", "xx").stderr


@pytest.mark.parametrize("args, env, lang", [
    (["--lang", "ru"], {}, "ru"), (["--lang=en", "demo"], {}, "en"), ([], {"IZLE_LANG": "ru"}, "ru"),
    (["--lang", "en"], {"IZLE_LANG": "ru"}, "en"), (["--lang", "xx"], {}, "az"), ([], {}, "az"),
    (["--", "--lang", "ru"], {}, "az"), (["--lang"], {"IZLE_LANG": "de"}, "az"),
])
def test_the_language_is_read_before_click_parses(args, env, lang):
    assert requested_language(args, env) == lang


HELP_DUMP = """
import json, sys, click, izle.data.i18n
from izle.data.i18n import _catalog
class Pseudo(__import__("gettext").NullTranslations):
    def gettext(self, m): return "⟦" + m + "⟧"
    def ngettext(self, s, p, n): return "⟦" + (s if n == 1 else p) + "⟧"
izle.data.i18n._catalog = lambda lang: Pseudo()
from izle.tui.cli import LazyGroup, SUBCOMMANDS
from izle.tui.cli.run import run
ctx = click.Context(run)
out = {}
def walk(name, command):
    out[name] = [command.help] + [p.help for p in command.params if isinstance(p, click.Option)
                                 and not p.hidden and p.name != "help"]
    for sub_name, sub in getattr(command, "commands", {}).items():
        walk(name + " " + sub_name, sub)
walk("izle", run)
for name in SUBCOMMANDS:
    command = run.get_command(ctx, name)
    if command is not None:
        walk("izle " + name, command)
print(json.dumps(out))
"""


def test_every_command_and_option_help_comes_from_the_catalog():
    done = subprocess.run([sys.executable, "-c", HELP_DUMP], cwd=ROOT, capture_output=True,
                          text=True, check=True, timeout=60)
    helps = json.loads(done.stdout)
    assert "izle demo" in helps
    raw = {name: [h for h in texts if h and not (h.startswith("⟦") and h.endswith("⟧"))]
           for name, texts in helps.items()}
    assert {name: texts for name, texts in raw.items() if texts} == {}
