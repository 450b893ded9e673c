"""The session's first screen is built while the person types PIN1 (tui/screen_ahead.py): it
holds nothing of anyone until the login succeeds, is the screen then shown, and leaves nothing
of the login behind it."""

from __future__ import annotations

from izle.screens.agency import AgencyScreen
from izle.screens.letters import MyLettersScreen
from izle.screens.login import LoginScreen
from izle.screens.phone import PhoneScreen
from tests.conftest import CITIZEN, OPERATOR, izle_app
from tests.pilot import enter_pin, log_in, screen_text, settle, start_login

SIZE = (100, 40)


async def _code_confirmed(pilot) -> None:
    await start_login(pilot, CITIZEN)
    await pilot.click("#phone-confirm")
    await settle(pilot)


async def _given_up_on_the_phone(pilot):
    """The code confirmed, then Cancel instead of PIN1: the screen that was built ahead."""
    await _code_confirmed(pilot)
    ahead = pilot.app.screen_ahead.screen
    await pilot.click("#pin1-cancel")
    await settle(pilot)
    return ahead


async def test_built_while_pin1_is_typed_holds_nothing_of_anyone(register):
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await _code_confirmed(pilot)
        ahead = app.screen_ahead.screen
        assert isinstance(app.screen, PhoneScreen)  # out of sight: the phone is what is shown
        assert isinstance(ahead, MyLettersScreen) and ahead.is_mounted
        assert ahead.query_one("#my-letters").row_count == 0
        assert app.session is None

        reparsed = []
        original = app.stylesheet.reparse
        app.stylesheet.reparse = lambda: reparsed.append(1) or original()  # type: ignore[method-assign]
        await enter_pin(pilot, CITIZEN.pin1)
        assert app.screen is ahead  # the very screen built ahead, now filled
        assert ahead.query_one("#my-letters").row_count > 0
        assert CITIZEN.name in screen_text(app)
        # Shown as it was styled: Textual did not re-parse every stylesheet (its private mark
        # of a screen's styles, which tui/screen_ahead.py sets, still means what it did).
        assert reparsed == []


async def test_the_login_and_what_was_typed_go_when_the_session_starts(register):
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await _code_confirmed(pilot)
        login = next(s for s in app.screen_stack if isinstance(s, LoginScreen))
        phone = app.screen
        await enter_pin(pilot, CITIZEN.pin1)
        await settle(pilot)
        assert not login.is_attached and not phone.is_attached
        assert [type(s).__name__ for s in app.screen_stack] == ["Screen", "MyLettersScreen"]


async def test_a_failed_login_leaves_it_for_the_next_and_a_logout_removes_it(register):
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        ahead = await _given_up_on_the_phone(pilot)
        assert isinstance(app.screen, LoginScreen) and "imtina etdiniz" in screen_text(app)
        assert app.screen_ahead.screen is ahead  # nothing of anyone in it: kept for the next

        await log_in(pilot, CITIZEN)
        assert app.screen is ahead
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen) and app.session is None
        assert len(app.screen_stack) == 2 and app.screen.query_one("#phone").value == ""
        assert not ahead.is_attached  # the session's screens went with the logout
        assert CITIZEN.name not in screen_text(app)


async def test_one_built_in_another_language_is_not_shown(register):
    """A login given up, the language switched, a new login: the list is in the new language."""
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        built_in_azerbaijani = await _given_up_on_the_phone(pilot)
        await pilot.press("f2")  # Azerbaijani → Russian
        await settle(pilot)
        await log_in(pilot, CITIZEN)
        assert isinstance(app.screen, MyLettersScreen) and app.screen is not built_in_azerbaijani
        assert "Ваши письма, сначала новые" in screen_text(app)
        assert not built_in_azerbaijani.is_attached


async def test_an_operators_authority_list_is_built_ahead(register):
    app = izle_app(register, mode="operator")
    async with app.run_test(size=SIZE) as pilot:
        await start_login(pilot, OPERATOR)
        await pilot.click("#phone-confirm")
        await settle(pilot)
        ahead = app.screen_ahead.screen
        assert isinstance(ahead, AgencyScreen)
        await enter_pin(pilot, OPERATOR.pin1)
        assert app.screen is ahead and app.screen.query_one("#agency-list").option_count > 0
