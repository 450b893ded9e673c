"""A kiosk keypad has digits, Enter, Esc, Backspace, Tab and arrows: a letter's number and date
are typed as digits only, and the whole citizen flow is walked with those keys."""

from __future__ import annotations

from datetime import date

import pytest

from izle.data.db import connect_write
from izle.data.desk import Consequence, LookupAnswer, Mode, Outcome
from izle.data.desk.sentences import SENTENCES, Asked, Reply, sentence
from izle.data.i18n import LANGUAGES, translate
from izle.data.letters import AMBIGUOUS, Register
from izle.data.text import normalize_reg_no
from tests.conftest import CITIZEN, CITIZEN_FIN, OPERATOR, OTHER_FIN, izle_app
from tests.pilot import (audit_rows, choose_agency, log_in, look_up, screen_text, settle,
                         showing_result, text_of, type_into)
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


def _add_twin(register, number: str, fin: str = CITIZEN_FIN,
              name: str = "Həsənov Orxan Vaqif oğlu") -> None:
    """A second letter of the same authority and day as 01-31/3073 (the citizen's), its number
    the same digits: by default the same citizen's, else the applicant named."""
    conn = connect_write(register)
    with conn:
        conn.execute("INSERT INTO letters (id, agency_code, reg_no, reg_no_key, reg_date, status,"
                     " applicant_fin, applicant_name)"
                     " VALUES (90, 'BBGI', ?, ?, '2026-03-05', 'registered', ?, ?)",
                     (number, normalize_reg_no(number), fin, name))
    conn.close()


# --- letters whose numbers differ only in their separators ----------------------------------

MARCH_5 = date(2026, 3, 5)


def test_both_finders_say_ambiguous_of_digits_two_letters_share(register):
    _add_twin(register, "013-13/073")
    letters = Register(register)
    assert letters.find_citizen_letter("BBGI", "01313073", MARCH_5, CITIZEN_FIN) is AMBIGUOUS
    assert letters.find_letter("BBGI", "01313073", MARCH_5) is AMBIGUOUS
    assert sorted(i for i, _fin, _name in letters.find_applicants("BBGI", "01313073", MARCH_5)) == [1, 90]
    for printed in ("01-31/3073", "013-13/073"):  # as printed: each its own letter
        assert letters.find_citizen_letter("BBGI", printed, MARCH_5, CITIZEN_FIN).reg_no == printed
        assert letters.find_letter("BBGI", printed, MARCH_5).reg_no == printed
        assert len(letters.find_applicants("BBGI", printed, MARCH_5)) == 1
    # Another person's FIN names neither: nothing, not "ambiguous".
    assert letters.find_citizen_letter("BBGI", "01313073", MARCH_5, OTHER_FIN) is None


def test_another_persons_same_digit_letter_changes_nothing_for_a_citizen(register):
    _add_twin(register, "013-13/073", fin=OTHER_FIN, name="Quliyeva Səbinə Elşən qızı")
    letters = Register(register)
    assert letters.find_citizen_letter("BBGI", "01313073", MARCH_5, CITIZEN_FIN).reg_no == "01-31/3073"
    assert letters.find_citizen_letter("BBGI", "01313073", MARCH_5, OTHER_FIN).reg_no == "013-13/073"


def test_a_number_printed_without_separators_is_found_as_typed(register):
    """`01313073` on its receipt, beside 01-31/3073: typed so it can only mean itself."""
    _add_twin(register, "01313073")
    letters = Register(register)
    assert letters.find_citizen_letter("BBGI", "01313073", MARCH_5, CITIZEN_FIN).reg_no == "01313073"
    assert [i for i, _fin, _name in letters.find_applicants("BBGI", "01313073", MARCH_5)] == [90]
    assert letters.find_letter("BBGI", "01-31/3073", MARCH_5).reg_no == "01-31/3073"


def test_an_ambiguous_number_is_said_audited_and_not_a_miss(register):
    _add_twin(register, "013-13/073")
    desk = make_desk(register)
    desk_log_in(desk, CITIZEN)
    answers = [desk.lookup(request(desk, "01313073", "05032026")) for _ in range(6)]
    assert {a.outcome for a in answers} == {Outcome.AMBIGUOUS}
    assert {(a.consequence, a.misses_left) for a in answers} == {(Consequence.NONE, None)}
    assert desk.session is not None and desk.session.misses == 0  # six, and the session goes on
    lookups = audit_rows(register, "lookup")
    assert [r["outcome"] for r in lookups] == ["ambiguous"] * 6
    assert lookups[0]["query"]["reg_no"] == "01313073"
    assert desk.store.misses_since(CITIZEN.user_id, "2000-01-01") == 0
    assert sentence(Asked.LOOKUP, answers[0], Mode.CITIZEN) != sentence(
        Asked.LOOKUP, LookupAnswer(Outcome.MISS), Mode.CITIZEN)
    assert desk.lookup(request(desk, "013-13/073", "05.03.2026")).letter.reg_no == "013-13/073"
    assert desk.lookup(request(desk, "01-31/3073", "05.03.2026")).letter.reg_no == "01-31/3073"


@pytest.mark.parametrize("caller, outcome, shown", [
    ("Həsənov", Outcome.AMBIGUOUS, None),      # verified for both: told there are several
    ("Quliyeva", Outcome.UNVERIFIED, None),     # for neither: as for one letter, nothing more
])
def test_an_operator_hears_of_several_letters_only_once_the_caller_is_verified(
        register, caller, outcome, shown):
    _add_twin(register, "013-13/073")
    desk = make_desk(register, mode=Mode.OPERATOR)
    desk_log_in(desk, OPERATOR)
    answer = desk.lookup(request(desk, "01313073", "05032026", caller=caller))
    assert answer.outcome is outcome and answer.letter is shown
    row = audit_rows(register, "lookup")[-1]
    assert row["outcome"] == outcome.value
    assert row["query"]["check"] == ("match" if outcome is Outcome.AMBIGUOUS else "mismatch")
    misses = desk.store.misses_since(OPERATOR.user_id, "2000-01-01")
    assert misses == (0 if outcome is Outcome.AMBIGUOUS else 1)


def test_an_operators_caller_verified_for_one_of_the_letters_gets_that_one(register):
    """The other letter is another applicant's: it weighs as nothing, as for a citizen."""
    _add_twin(register, "013-13/073", fin=OTHER_FIN, name="Quliyeva Səbinə Elşən qızı")
    desk = make_desk(register, mode=Mode.OPERATOR)
    desk_log_in(desk, OPERATOR)
    for caller, number in (("Həsənov", "01-31/3073"), ("Quliyeva", "013-13/073")):
        answer = desk.lookup(request(desk, "01313073", "05032026", caller=caller))
        assert answer.outcome is Outcome.FOUND and answer.letter.reg_no == number


async def _to_the_form(pilot, keys: "Keypad") -> None:
    await keys.tab_to("track-other")
    await keys.press("enter")
    await keys.press("down")  # from the filter into the list
    for _ in range(10):
        if pilot.app.screen.query_one("#agency-list").highlighted_option.id == "BBGI":
            break
        await keys.press("down")
    await keys.press("enter")


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_a_kiosk_asks_for_the_number_as_printed_when_its_digits_name_two_letters(register, lang):
    from izle.screens.lookup import LookupScreen

    _add_twin(register, "013-13/073")
    app = izle_app(register, kiosk=True, terminal="kiosk-7", lang=lang)
    async with app.run_test(size=SMALL) as pilot:
        keys = Keypad(pilot)
        await log_in(pilot, CITIZEN)
        await settle(pilot)
        await _to_the_form(pilot, keys)
        assert isinstance(app.screen, LookupScreen)
        await keys.type("01313073")
        await keys.press("tab")
        await keys.type("05032026")
        await keys.press("enter")
        assert not showing_result(app)
        said = translate(SENTENCES[(Asked.LOOKUP, Reply.AMBIGUOUS, Mode.CITIZEN)], lang)
        assert said != SENTENCES[(Asked.LOOKUP, Reply.AMBIGUOUS, Mode.CITIZEN)] or lang == "en"
        assert text_of(app, "#lookup-error") == said
        assert app.focused is app.screen.query_one("#reg-number")
        await type_into(pilot, "#reg-number", "013-13/073")  # a keyboard's dash and slash
        await keys.press("enter")  # the form is filled: Enter asks
        assert showing_result(app) and "013-13/073" in text_of(app, "#result-title")
    assert [r["outcome"] for r in audit_rows(register, "lookup")] == ["ambiguous", "found"]


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_the_operators_form_says_so_once_the_caller_is_verified(register, lang):
    _add_twin(register, "013-13/073")
    app = izle_app(register, mode="operator", lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, OPERATOR)
        await choose_agency(pilot, "baki")
        await look_up(pilot, "01313073", "05.03.2026", caller="Həsənov")
        assert not showing_result(app)
        said = translate(SENTENCES[(Asked.LOOKUP, Reply.AMBIGUOUS, Mode.OPERATOR)], lang)
        assert text_of(app, "#lookup-error") == said
        assert app.focused is app.screen.query_one("#reg-number")
        await look_up(pilot, "01313073", "05.03.2026", caller="Quliyeva")
        assert text_of(app, "#lookup-error") == translate(
            SENTENCES[(Asked.LOOKUP, Reply.UNVERIFIED, None)], lang)


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
