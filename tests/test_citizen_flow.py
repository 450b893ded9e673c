"""A citizen tracks their own letters, as in the seed guide, and nothing else."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace

import pytest
from textual.widgets import Button

from izle.data.clock import FixedClock
from izle.data.db import connect_write
from izle.screens.agency import AgencyScreen
from izle.screens.letters import MyLettersScreen
from izle.screens.login import LoginScreen
from izle.screens.lookup import LookupScreen
from izle.screens.phone import PhoneScreen
from tests.conftest import TODAY, izle_app, CITIZEN, HOSTILE_EXECUTOR, HOSTILE_UNIT, OTHER
from izle.screens.result import ResultPanel
from tests.pilot import screen_text, settle, type_into, choose_agency, enter_pin, log_in, look_up, start_login, text_of, showing_result
from izle.tui.app import IzleApp

SIZE = (100, 40)




def make_app(register, **options) -> IzleApp:
    return izle_app(register, **options)


def audit_rows(register, action=None):
    conn = connect_write(register.with_name("terminal.db"))
    sql = "SELECT action, outcome, actor, query FROM audit"
    rows = conn.execute(sql + (" WHERE action = ?" if action else "") + " ORDER BY seq",
                        (action,) if action else ()).fetchall()
    return [tuple(r) for r in rows]



async def until(pilot, condition, timeout: float = 15.0) -> None:
    """Let the app run until `condition()` holds; fail after `timeout` seconds (a bound, never
    a wait: it returns as soon as the condition holds)."""
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not reached")

async def test_a_citizen_with_two_letters_tracks_both_then_back(register, monkeypatch):
    monkeypatch.setattr("tests.pilot.TYPE_KEYS", True)  # this story is typed key by key
    app = make_app(register)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, LoginScreen)
        await log_in(pilot, CITIZEN)
        assert isinstance(app.screen, MyLettersScreen)

        await choose_agency(pilot, "baki bas gomruk")
        assert isinstance(app.screen, LookupScreen)
        assert app.screen.agency.code == "BBGI"

        await look_up(pilot, "01-31/3073", "05.03.2026")
        assert showing_result(app)
        assert text_of(app, "#result-unit") == "Gömrük nəzarəti idarəsi"
        assert text_of(app, "#result-executor") == "Məmmədov Elvin Rauf oğlu"
        assert text_of(app, "#result-phone") == "+994 12 404 11 22"
        status = text_of(app, "#result-status")
        assert "İcradadır" in status and "Gömrük nəzarəti idarəsi" in status
        assert "07.04.2026" in text_of(app, "#result-due")

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen) and app.screen.agency.code == "BBGI"
        assert app.screen.query_one("#reg-number").value == ""

        await look_up(pilot, "№ 02-14/118", "2026-10-12")
        assert showing_result(app)
        assert text_of(app, "#result-unit") == "Hüquq idarəsi"
        assert "cavablandırılıb" in text_of(app, "#result-status")
        assert "30.10.2026" in text_of(app, "#result-status")
        await pilot.click("#back")
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)
    assert [r[1] for r in audit_rows(register, "lookup")] == ["found", "found"]


async def test_waiting_for_the_apps_workers_while_the_phone_rings_does_not_hang(register):
    """Kiosk scripts and outside acceptance tests wait for the app's workers after *Log in*;
    the login's status requests are held by the provider, one short hold at a time, so that
    wait ends while the phone is still ringing (a single worker holding until the person
    answers would keep it waiting for ever)."""
    app = make_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "#phone", CITIZEN.phone_typed)
        await type_into(pilot, "#user-id", CITIZEN.user_id)
        await pilot.click("#login")
        await pilot.pause()
        for _ in range(3):
            await asyncio.wait_for(app.workers.wait_for_complete(), 10)
        assert isinstance(app.screen, PhoneScreen) and app.session is None
        await pilot.click("#phone-confirm")
        await pilot.pause()
        await enter_pin(pilot, CITIZEN.pin1)
        assert isinstance(app.screen, MyLettersScreen) and app.session is not None


async def at_the_form_with_a_slow_answer(pilot, asked: list) -> threading.Event:
    """Logged in, the number form filled in; the desk's lookups (noted in `asked`) wait for
    the event returned, as a slowed-down session's answers do."""
    app = pilot.app
    await log_in(pilot, CITIZEN)
    await choose_agency(pilot, "baki bas gomruk")
    await type_into(pilot, "#reg-number", "01-31/3073")
    await type_into(pilot, "#reg-date", "05.03.2026")
    release, lookup = threading.Event(), app.desk.lookup

    def slow_lookup(request, **options):
        asked.append(request)
        release.wait(5)
        return lookup(request, **options)

    app.desk.lookup = slow_lookup
    return release


async def test_presses_while_the_answer_is_on_its_way_ask_nothing_more(register):
    """A person pressing *show* again while a slow answer is on its way starts no second
    lookup (which would be audited, and counted, twice)."""
    app, asked = make_app(register), []
    async with app.run_test(size=SIZE) as pilot:
        release = await at_the_form_with_a_slow_answer(pilot, asked)
        show = app.screen.query_one("#show", Button)
        show.press()
        await until(pilot, lambda: show.disabled)  # the answer is slow: *show* looks busy
        show.press()
        await pilot.press("enter")
        release.set()
        await settle(pilot)
        assert showing_result(app) and text_of(app, "#result-unit") == "Gömrük nəzarəti idarəsi"
        assert not show.disabled and len(asked) == 1
    assert len(audit_rows(register, "lookup")) == 1


async def test_an_answer_that_comes_while_help_is_open_is_there_after_help(register):
    app = make_app(register)
    async with app.run_test(size=SIZE) as pilot:
        release = await at_the_form_with_a_slow_answer(pilot, [])
        app.screen.query_one("#show", Button).press()
        await pilot.press("f1")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        release.set()
        await settle(pilot)
        assert type(app.screen).__name__ == "HelpScreen"  # nothing jumps out over help
        await pilot.press("escape")
        await pilot.pause()
        assert showing_result(app) and text_of(app, "#result-unit") == "Gömrük nəzarəti idarəsi"
        assert "Gömrük nəzarəti idarəsi" in screen_text(app)


@pytest.mark.parametrize("number, day", [
    ("01-31/4000", "01.04.2026"),   # someone else's letter
    ("99-99/9999", "05.03.2026"),   # no such number
    ("01-31/3073", "06.03.2026"),   # the right number, the wrong date
])
async def test_not_found_not_yours_and_wrong_date_read_the_same(register, number, day):
    app = make_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, CITIZEN)
        await choose_agency(pilot, "baki")
        await look_up(pilot, number, day)
        assert isinstance(app.screen, LookupScreen)
        assert text_of(app, "#lookup-error") == (
            "Bu nömrə və qeydiyyat tarixi ilə sizə aid məktub bu orqanda tapılmadı. "
            "Hər ikisini qəbzinizdə yoxlayın."
        )
    assert audit_rows(register, "lookup")[-1][1] == "miss"


@pytest.mark.parametrize("day, message_part", [
    ("31.02.2026", "Belə tarix yoxdur"),
    ("2026-13-01", "Belə tarix yoxdur"),
    ("01.12.2026", "gələcək"),
    ("", "Qeydiyyat tarixini daxil edin"),
])
async def test_impossible_and_future_dates_are_refused_before_any_lookup(register, day, message_part):
    app = make_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, CITIZEN)
        await choose_agency(pilot, "baki")
        await look_up(pilot, "01-31/3073", day)
        assert isinstance(app.screen, LookupScreen)
        assert message_part in text_of(app, "#lookup-error")
    assert audit_rows(register, "lookup") == []


async def test_register_text_is_shown_literally_never_as_markup(register):
    app = make_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, CITIZEN)
        await choose_agency(pilot, "astara")
        await look_up(pilot, "07-01/55", "01.06.2026")
        assert showing_result(app)
        assert text_of(app, "#result-unit") == HOSTILE_UNIT.replace("\x1b", "")
        assert text_of(app, "#result-executor") == HOSTILE_EXECUTOR.replace("\x1b", "")
        assert "[bold]x[/]" in text_of(app, "#result-status")


async def test_three_wrong_pins_block_pin1_even_after_a_restart(register):
    app = make_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await start_login(pilot, CITIZEN)
        await pilot.click("#phone-confirm")
        await enter_pin(pilot, "0000")
        assert "2 cəhd" in text_of(app, "#pin1-error")
        await enter_pin(pilot, "1111")
        assert "1 cəhd" in text_of(app, "#pin1-error")
        await enter_pin(pilot, "2222")
        assert isinstance(app.screen, LoginScreen)
        assert "bloklanıb" in text_of(app, "#login-error")

    restarted = make_app(register)
    async with restarted.run_test(size=SIZE) as pilot:
        await start_login(pilot, CITIZEN)
        assert isinstance(restarted.screen, LoginScreen)
        assert "bloklanıb" in text_of(restarted, "#login-error")
    outcomes = [r[1] for r in audit_rows(register, "login")]
    assert outcomes == ["PIN_BLOCKED", "PIN_BLOCKED"]


async def test_cancel_on_the_phone(register):
    app = make_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await start_login(pilot, CITIZEN)
        assert isinstance(app.screen, PhoneScreen)
        login_screen = app.screen_stack[-2]
        code = text_of(app, "#phone-code")
        assert len(code) == 4 and code in str(login_screen.query_one("#verification-code").render())
        await pilot.click("#phone-cancel")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert "imtina" in text_of(app, "#login-error")
    assert audit_rows(register, "login")[-1][1] == "USER_CANCELLED"


async def test_confirmation_timeout(register):
    clock = FixedClock(TODAY)
    app = make_app(register, clock=clock, idle_timeout=600)  # the default 120 s, on its own clock
    async with app.run_test(size=SIZE) as pilot:
        await start_login(pilot, CITIZEN)
        assert isinstance(app.screen, PhoneScreen)
        clock.advance(119)
        await pilot.pause(0.3)
        assert isinstance(app.screen, PhoneScreen)  # not a second early
        clock.advance(2)
        await until(pilot, lambda: isinstance(app.screen, LoginScreen))
        assert "vaxtında" in text_of(app, "#login-error")
    assert audit_rows(register, "login")[-1][1] == "TIMEOUT"


async def test_unknown_pair_reads_like_a_wrong_pair(register):
    app = make_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await start_login(pilot, CITIZEN, user_id=OTHER.user_id)   # a real ID, the wrong phone
        wrong_pair = text_of(app, "#login-error")
        app.screen.query_one("#user-id").value = ""
        await start_login(pilot, CITIZEN, user_id="424242")         # no such ID at all
        assert text_of(app, "#login-error") == wrong_pair != ""
        assert isinstance(app.screen, LoginScreen)


async def test_a_bad_phone_number_is_explained(register):
    app = make_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await start_login(pilot, replace(CITIZEN, phone_typed="012 345"))
        assert "050 123 45 67" in text_of(app, "#login-error")
        assert isinstance(app.screen, LoginScreen)


async def test_f3_logs_out_to_an_empty_login_screen_and_f1_shows_help(register):
    app = make_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, CITIZEN)
        await pilot.press("f1")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.pause()
        await choose_agency(pilot, "baki")
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#phone").value == ""
        assert len(app.screen_stack) == 2 and app.session is None
    assert audit_rows(register, "logout")[-1][1] == "user"


async def test_five_misses_end_the_session(register):
    app = make_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, CITIZEN)
        await choose_agency(pilot, "baki")
        for attempt in range(5):
            await look_up(pilot, f"00-00/{attempt}", "05.03.2026")
        assert isinstance(app.screen, LoginScreen)
        assert app.session is None
        assert text_of(app, "#login-error") != ""
    assert audit_rows(register, "logout")[-1][1] == "miss_limit"


async def test_the_agency_filter_matches_the_azerbaijani_way(register):
    app = make_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, CITIZEN)
        await choose_agency(pilot, "HAVA NƏQLİYYATINDA")
        assert app.screen.agency.code == "HNBGI"


async def test_logging_out_from_a_result_leaves_no_trace_of_the_letter(register):
    app = make_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, CITIZEN)
        await choose_agency(pilot, "baki")
        await look_up(pilot, "01-31/3073", "05.03.2026")
        assert showing_result(app)
        await pilot.press("f3")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert not any(isinstance(node, ResultPanel) for node in app._registry)
        assert "Məmmədov" not in screen_text(app)


async def test_back_to_the_authorities_the_filter_is_empty_for_the_next_name(register):
    app = make_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, CITIZEN)
        await choose_agency(pilot, "baki")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AgencyScreen)
        assert app.screen.query_one("#agency-filter").value == ""
        await choose_agency(pilot, "astara")
        assert isinstance(app.screen, LookupScreen) and app.screen.agency.code == "AGI"


async def test_pin1_pressed_again_while_it_is_checked_is_checked_once(register):
    """OK pressed twice and Enter while a slow PIN1 check runs: one check (a second would count
    a wrong PIN1 twice towards the block); OK looks busy while it is slow."""
    app, checked = make_app(register), []
    async with app.run_test(size=SIZE) as pilot:
        await start_login(pilot, CITIZEN)
        await pilot.click("#phone-confirm")
        await settle(pilot)
        phone = app.emulated_phone
        release, enter_pin = threading.Event(), phone.enter_pin

        def slow_enter_pin(session_id, pin):
            checked.append(pin)
            release.wait(5)
            return enter_pin(session_id, pin)

        phone.enter_pin = slow_enter_pin
        await type_into(pilot, "#pin1", "9999")  # wrong: the phone asks again afterwards
        ok = app.screen.query_one("#pin1-ok", Button)
        ok.press()
        await until(pilot, lambda: ok.disabled)  # the check is slow: OK looks busy
        ok.press()
        await pilot.press("enter")
        release.set()
        await settle(pilot)
        assert checked == ["9999"] and not ok.disabled
        assert "2" in text_of(app, "#pin1-error")  # two attempts left, not one


async def test_the_login_step_waits_for_a_provider_that_answers_late(register):
    """The phone stays up after PIN1 is accepted until the login screen hears the outcome: the
    tests' login step waits for that outcome, not for the phone to go (a busy CI machine found
    the next step run against the phone)."""
    import time

    app = make_app(register)
    async with app.run_test(size=SIZE) as pilot:
        poll = app.desk.poll_login

        def late_poll(*args, **kwargs):
            result = poll(*args, **kwargs)
            if result is not None:
                time.sleep(0.3)  # the outcome is known; it reaches the terminal late
            return result

        app.desk.poll_login = late_poll
        await log_in(pilot, CITIZEN)
        assert isinstance(app.screen, MyLettersScreen)


async def test_the_stylesheet_is_not_parsed_again_while_a_person_logs_in(register, monkeypatch):
    """The widgets' default styles are parsed once the login screen is painted (tui/warm_styles.py),
    not when the letters' screen is first mounted, while the person waits."""
    from textual.css.stylesheet import Stylesheet

    app, parsed = make_app(register), []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        parse = Stylesheet.parse
        monkeypatch.setattr(Stylesheet, "parse", lambda self: (parsed.append(1), parse(self))[1])
        await log_in(pilot, CITIZEN)
        assert isinstance(app.screen, MyLettersScreen) and parsed == []


async def test_the_warm_up_adds_no_styles_of_widgets_no_screen_shows(register):
    """Textual checks every rule of the stylesheet for each node it restyles: the warm-up adds
    the default styles of the screens' widgets (tui/warm_styles.py), not of every class loaded —
    Textual's command palette loads a file tree and toasts İzlə never shows."""
    from textual.widgets import DirectoryTree
    from textual.widgets._toast import Toast

    app = make_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        added = {where[1] for where in app.stylesheet.source}
        assert {"DataTable.DEFAULT_CSS", "OptionList.DEFAULT_CSS", "LocalFooter.DEFAULT_CSS"} <= added
        assert not {f"{cls.__name__}.DEFAULT_CSS" for cls in (DirectoryTree, Toast)} & added


def test_the_desk_is_opened_once_when_threads_ask_at_the_same_moment(register):
    """The warm-up's worker and the screens may ask for the desk while it is being opened."""
    from concurrent.futures import ThreadPoolExecutor

    app = make_app(register)
    with ThreadPoolExecutor(8) as pool:
        desks = list(pool.map(lambda _i: app.desk, range(8)))
    assert all(desk is desks[0] for desk in desks) and app.register is desks[0].register


def test_every_refused_login_has_its_sentence():
    """The login screen keys its sentences by the outcome's value (it is painted before the desk
    is loaded): a new outcome without one would end in a KeyError, not a sentence."""
    from izle.data.desk import LoginOutcome
    from izle.screens.login import OUTCOME_MESSAGES

    assert set(OUTCOME_MESSAGES) == {outcome.value for outcome in LoginOutcome} - {"OK"}
