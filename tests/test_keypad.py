"""A kiosk keypad has digits, Enter, Esc, Backspace, Tab and arrows: a letter's number and date
are typed as digits only, and the whole citizen flow is walked with those keys."""

from __future__ import annotations

from izle.data.db import connect_write
from izle.data.desk import Mode, Outcome
from izle.data.text import normalize_reg_no
from tests.conftest import CITIZEN, CITIZEN_FIN, OPERATOR, izle_app
from tests.pilot import log_in, screen_text, settle, showing_result, text_of
from tests.test_desk import log_in as desk_log_in
from tests.test_desk import make_desk, request


def test_a_number_and_date_typed_as_digits_find_the_letter(register):
    desk = make_desk(register)
    desk_log_in(desk, CITIZEN)
    answer = desk.lookup(request(desk, "01313073", "05032026"))
    assert answer.outcome is Outcome.FOUND and answer.letter.reg_no == "01-31/3073"


def test_digits_only_find_another_persons_letter_no_more_than_separators_do(register):
    desk = make_desk(register)
    desk_log_in(desk, CITIZEN)
    assert desk.lookup(request(desk, "01314000", "01042026")).outcome is Outcome.MISS  # OTHER's


def _add_twin(register, number: str) -> None:
    """A second letter of the same citizen, authority and day, its number the same digits."""
    conn = connect_write(register)
    with conn:
        conn.execute("INSERT INTO letters (id, agency_code, reg_no, reg_no_key, reg_date, status,"
                     " applicant_fin) VALUES (90, 'BBGI', ?, ?, '2026-03-05', 'registered', ?)",
                     (number, normalize_reg_no(number), CITIZEN_FIN))
    conn.close()


def test_two_letters_with_the_same_digits_are_not_guessed_between(register):
    _add_twin(register, "013-13/073")
    desk = make_desk(register)
    desk_log_in(desk, CITIZEN)
    assert desk.lookup(request(desk, "01313073", "05.03.2026")).outcome is Outcome.MISS
    assert desk.lookup(request(desk, "01-31/3073", "05.03.2026")).letter.reg_no == "01-31/3073"
    assert desk.lookup(request(desk, "013-13/073", "05.03.2026")).letter.reg_no == "013-13/073"


def test_the_operator_finds_by_digits_too(register):
    desk = make_desk(register, mode=Mode.OPERATOR)
    desk_log_in(desk, OPERATOR)
    answer = desk.lookup(request(desk, "01313073", "05032026", caller="Həsənov"))
    assert answer.outcome is Outcome.FOUND


def test_a_short_date_is_a_sentence_not_a_guess(register):
    desk = make_desk(register)
    desk_log_in(desk, CITIZEN)
    problem = desk.check_lookup(desk.register.agency("BBGI"), "01313073", "050326")
    assert problem.field == "date" and problem.problem.code == "no_such_date"


# --- the whole citizen flow with a keypad's keys -------------------------------------------

KEYPAD = {"enter", "escape", "tab", "shift+tab", "backspace", "up", "down", "left", "right",
          *"0123456789"}
SMALL = (60, 17)  # a large console font (docs/kiosk.md)


class Keypad:
    """Presses only what a kiosk keypad has; refuses anything else (a test's own mistake)."""

    def __init__(self, pilot) -> None:
        self.pilot = pilot

    async def press(self, *keys: str) -> None:
        for key in keys:
            assert key in KEYPAD, key
            await self.pilot.press(key)
        await settle(self.pilot)

    async def type(self, digits: str) -> None:
        await self.press(*digits)

    async def tab_to(self, wanted, limit: int = 25) -> None:
        """Tab until the focused widget is `wanted` (an id, or a test on the widget)."""
        test = wanted if callable(wanted) else (lambda w: w is not None and w.id == wanted)
        for _ in range(limit):
            if test(self.pilot.app.focused):
                return
            await self.press("tab")
        raise AssertionError(f"Tab never reached {wanted}; at {self.pilot.app.focused!r}")


def visible(app, selector: str) -> bool:
    """Shown on the terminal without scrolling: the widget's whole region inside the screen."""
    widget = app.screen.query_one(selector)
    region = app.screen.find_widget(widget).region
    return bool(region.area) and region.bottom <= app.size.height - 1 and region.right <= app.size.width


def footer_button(label: str):
    from izle.screens.widgets import KioskKey

    return lambda w: isinstance(w, KioskKey) and str(w.label).endswith(label)


async def test_the_whole_citizen_flow_with_a_keypad_at_60_by_17(register):
    from izle.screens.agency import AgencyScreen
    from izle.screens.letters import MyLettersScreen
    from izle.screens.login import LoginScreen
    from izle.screens.lookup import LookupScreen
    from izle.screens.phone import PhoneScreen

    app = izle_app(register, kiosk=True, terminal="kiosk-7")
    async with app.run_test(size=SMALL) as pilot:
        keys = Keypad(pilot)
        await settle(pilot)
        await keys.tab_to("lang-en")  # the language: a button Tab reaches
        await keys.press("enter")
        assert app.lang == "en"
        await keys.tab_to("phone")
        await keys.type("0501234567")
        await keys.press("tab")
        await keys.type(CITIZEN.user_id)
        await keys.tab_to("login")
        await keys.press("enter")
        assert isinstance(app.screen, PhoneScreen)
        await keys.press("enter")  # Confirm has the focus
        await keys.type(CITIZEN.pin1)
        await keys.press("enter")
        assert isinstance(app.screen, MyLettersScreen)

        await keys.press("enter")  # the newest letter
        assert showing_result(app)
        for field in ("#result-unit", "#result-executor", "#result-phone", "#result-status", "#result-due"):
            assert visible(app, field), field
        await keys.press("escape")
        assert not showing_result(app)

        await keys.tab_to("track-other")
        await keys.press("enter")
        assert isinstance(app.screen, AgencyScreen)
        await keys.press("down")  # from the filter into the list
        for _ in range(10):
            if app.screen.query_one("#agency-list").highlighted_option.id == "BBGI":
                break
            await keys.press("down")
        await keys.press("enter")
        assert isinstance(app.screen, LookupScreen)
        await keys.type("01313073")
        await keys.press("tab")
        await keys.type("05032026")
        await keys.press("enter")
        assert showing_result(app)
        assert "01-31/3073" in text_of(app, "#result-title")
        for field in ("#result-unit", "#result-executor", "#result-phone", "#result-status", "#result-due"):
            assert visible(app, field), field
        await keys.press("backspace")  # on the result: nothing happens, nothing breaks
        await keys.press("escape")  # the result → the form
        await keys.press("escape")  # the form → the authorities
        await keys.press("escape")  # → my letters
        assert isinstance(app.screen, MyLettersScreen)

        await keys.tab_to(footer_button("Log out"))
        await keys.press("enter")
        assert isinstance(app.screen, LoginScreen) and app.session is None
        assert "You have logged out." in screen_text(app)


async def test_a_kiosk_footer_names_only_keys_a_keypad_has(register):
    app = izle_app(register, kiosk=True, terminal="kiosk-7", lang="en")
    async with app.run_test(size=SMALL) as pilot:
        await log_in(pilot, CITIZEN)
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "Log out" in footer and "Help" in footer and "Tab" in footer
        assert not any(f"F{n}" in footer for n in range(1, 13)) and "Ctrl" not in footer
