"""F1 help is about the screen it is opened on: what that screen is for, a legend of the due
markers where they are shown, the keys in force there; every line of it reads whole on an
80x24 console, and the title row (who is logged in) stays in sight."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from izle.data.i18n import LANGUAGES, _, set_language
from izle.screens.help import HelpScreen
from tests.conftest import CITIZEN, OPERATOR, izle_app
from tests.pilot import (choose_agency, log_in, settle, shown_in, terminal_lines, text_of,
                         words)

# The help's own words for each context, by its msgid's start (the catalog gives the rest).
LOGIN = "Log in with Asan İmza: your mobile number"
OPERATOR_LOGIN = "Operator mode: log in with your own Asan İmza"
MY_LETTERS = "Your letters, newest first: choose one"
RESULT = "Where the letter is: the structural unit"
OPERATOR_AGENCY = "Choose the customs authority the caller's letter"
OPERATOR_LOOKUP = "Enter the number and registration date from the caller's receipt"


def msgid_starting(start: str) -> str:
    from izle.screens import agency, letters, login, lookup, result

    texts = (*login.LoginScreen.help_msgids, *agency.AgencyScreen.help_msgids,
             *letters.MyLettersScreen.help_here, *lookup.LookupScreen.help_here, *result.RESULT_HELP)
    return next(msgid for msgid in texts if msgid.startswith(start))


async def open_help(pilot) -> HelpScreen:
    await pilot.press("f1")
    await pilot.pause()
    assert isinstance(pilot.app.screen, HelpScreen)
    return pilot.app.screen


async def close_help(pilot) -> None:
    await pilot.press("escape")
    await pilot.pause()


def check_reads_whole(app, context: str, markers: bool) -> list[str]:
    """The help's text for `context`, every line whole, the title row in sight; its key lines."""
    help_screen = app.screen
    assert text_of(app, "#help-context") == _(msgid_starting(context))
    assert bool(help_screen.query("#help-markers")) == markers
    if markers:
        assert "[!!]" in text_of(app, "#help-markers") and "[x]" in text_of(app, "#help-markers")
    for widget in help_screen.query("Label, Static").results(Static):
        assert shown_in(app, widget) == words(str(widget.render())), widget
    title = terminal_lines(app)[0].text
    assert "İzlə" in title
    return [words(str(label.render())) for label in help_screen.query(".help-key")]


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_a_citizen_gets_help_for_each_screen(register, lang):
    app = izle_app(register, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_help(pilot)
        keys = check_reads_whole(app, LOGIN, markers=False)
        assert any(key.startswith("F2 ") for key in keys)  # the language, on the login only
        await close_help(pilot)
        await log_in(pilot, CITIZEN)
        await open_help(pilot)
        keys = check_reads_whole(app, MY_LETTERS, markers=True)
        assert f"F4 {_('Other letter')}" in keys and f"F3 {_('Log out')}" in keys
        assert not any(key.startswith("F2 ") for key in keys)
        await close_help(pilot)
        await pilot.press("enter")  # the newest letter
        await settle(pilot)
        await open_help(pilot)
        keys = check_reads_whole(app, RESULT, markers=True)
        assert f"Esc/F12 {_('Back')}" in keys
        assert CITIZEN.name in terminal_lines(app)[0].text  # who is logged in, in sight


async def test_an_operator_gets_the_operators_help(register):
    app = izle_app(register, mode="operator", lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_help(pilot)
        check_reads_whole(app, OPERATOR_LOGIN, markers=False)
        await close_help(pilot)
        await log_in(pilot, OPERATOR)
        await open_help(pilot)
        keys = check_reads_whole(app, OPERATOR_AGENCY, markers=False)
        assert "F4 Find by applicant" in keys
        await close_help(pilot)
        await choose_agency(pilot, "baki bas")
        await open_help(pilot)
        check_reads_whole(app, OPERATOR_LOOKUP, markers=False)
    set_language("az")
