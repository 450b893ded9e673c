"""The kiosk: nobody can leave it, it forgets the last person, and it reads on a Linux console."""

from __future__ import annotations

import os
import signal
from datetime import date
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.scrollbar import ScrollBar

from izle.data.clock import FixedClock
from izle.data.db import connect_write
from izle.screens.admin import AdminScreen
from izle.screens.agency import AgencyScreen
from izle.screens.idle import IdleScreen
from izle.screens.letters import MyLettersScreen
from izle.screens.login import LoginScreen
from izle.screens.phone import PhoneScreen
from izle.screens.lookup import LookupScreen
from tests.conftest import TODAY, izle_app, ADMIN, CITIZEN, OPERATOR
from tests.pilot import (audit_rows, choose_agency, log_in, look_up, screen_text, settle,
                         start_login, text_of, type_into, showing_result)
from izle.tui.app import ADMIN_STOP_STATUS, IzleApp
from izle.tui.settings import DEFAULT_IDLE_TIMEOUT, Settings

SIZE = (80, 25)
LETTER = ("01-31/3073", "05.03.2026")


@pytest.fixture
def clock() -> FixedClock:
    """The app's clock: idle time passes only when a test says so, never by a busy machine."""
    return FixedClock(TODAY)


def kiosk(register, **options) -> IzleApp:
    return izle_app(register, kiosk=True, **options)


async def wait_for(pilot, condition, timeout: float = 15.0) -> None:
    """Let timers run until `condition()` holds (or fail after `timeout` seconds)."""
    for _ in range(int(timeout / 0.05)):
        if condition():
            await pilot.pause()  # and let it paint
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not reached")


def test_the_product_defaults_respect_wcag_2_2_1():
    assert Settings(db_path=Path("register.db")).idle_prompt >= 20
    assert DEFAULT_IDLE_TIMEOUT == {"citizen": 60.0, "operator": 900.0}


async def test_ctrl_q_ctrl_c_ctrl_p_do_nothing_on_a_kiosk(register):
    app = kiosk(register)
    async with app.run_test(size=SIZE) as pilot:
        for keys in (("ctrl+q",), ("ctrl+c",), ("ctrl+p",), ("ctrl+z",), ("ctrl+backslash",)):
            await pilot.press(*keys)
            await pilot.pause()
            assert app.return_code is None and isinstance(app.screen, LoginScreen)
        await log_in(pilot, CITIZEN)
        await pilot.press("ctrl+q", "ctrl+c", "ctrl+p")
        await pilot.pause()
        assert app.return_code is None
        assert isinstance(app.screen, MyLettersScreen) and not isinstance(app.screen, CommandPalette)
        # Nor can an action be reached another way, and the footer does not offer it.
        await app.run_action("quit")
        await app.run_action("screenshot")
        await pilot.pause()
        assert app.return_code is None
        assert "quit" not in {b.binding.action for b in app.screen.active_bindings.values()}
        assert not app.ALLOW_SELECT
        assert "Ctrl+Q" not in screen_text(app) and "^q" not in screen_text(app)


async def test_outside_a_kiosk_ctrl_q_still_quits(register):
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.return_code == 0


async def test_idle_prompt_then_logout_leaves_nothing_of_the_last_person(register, clock):
    app = kiosk(register, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, CITIZEN)
        await choose_agency(pilot, "baki")
        await look_up(pilot, *LETTER)
        assert showing_result(app)
        clock.advance(59)  # the person walks away; a minute less a second is not yet idle
        await pilot.pause(0.4)
        assert showing_result(app)
        clock.advance(2)
        await wait_for(pilot, lambda: isinstance(app.screen, IdleScreen))
        assert "Hələ buradasınız?" in screen_text(app)
        assert "20 saniyə" in text_of(app, "#idle-countdown")
        clock.advance(21)
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        assert app.session is None and len(app.screen_stack) == 2
        assert app.screen.query_one("#phone").value == "" and app.screen.query_one("#user-id").value == ""
        shown = screen_text(app)
        for trace in ("Həsənov", "01-31/3073", "Gömrük nəzarəti", "Bakı Baş"):
            assert trace not in shown
    assert audit_rows(register, "logout")[-1]["outcome"] == "idle"


async def test_a_half_typed_login_is_cleared_too(register, clock):
    app = kiosk(register, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "#phone", CITIZEN.phone_typed)
        clock.advance(61)
        await wait_for(pilot, lambda: isinstance(app.screen, IdleScreen))
        clock.advance(21)
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        assert app.screen.query_one("#phone").value == ""


async def test_an_empty_login_screen_is_left_alone(register, clock):
    app = kiosk(register, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        login = app.screen
        clock.advance(3600)
        await pilot.pause(0.6)
        assert app.screen is login


@pytest.mark.parametrize("answer", ["key", "yes"])
async def test_any_key_or_yes_keeps_the_session(register, clock, answer):
    app = kiosk(register, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, CITIZEN)
        await choose_agency(pilot, "baki")
        await type_into(pilot, "#reg-number", "01-31/3073")
        clock.advance(61)
        await wait_for(pilot, lambda: isinstance(app.screen, IdleScreen))
        if answer == "key":
            await pilot.press("x")
        else:
            await pilot.click("#idle-yes")
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen) and app.session is not None
        assert app.screen.query_one("#reg-number").value == "01-31/3073"  # the key typed nothing
    assert not audit_rows(register, "logout")


async def test_five_misses_end_a_kiosk_session(register):
    app = kiosk(register)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, CITIZEN)
        await choose_agency(pilot, "baki")
        for attempt in range(4):
            await look_up(pilot, f"00-00/{attempt}", "05.03.2026")
            assert isinstance(app.screen, LookupScreen)
        await look_up(pilot, *LETTER[:1], "06.03.2026")  # the right number, the wrong date
        assert isinstance(app.screen, LoginScreen) and app.session is None
        assert app.screen.query_one("#phone").value == ""
    assert audit_rows(register, "logout")[-1]["outcome"] == "miss_limit"


async def test_an_administrator_can_stop_the_kiosk(register):
    app = kiosk(register, terminal="KIOSK-7")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, ADMIN)
        assert isinstance(app.screen, AdminScreen)
        assert "KIOSK-7" in screen_text(app)
        await pilot.click("#back-to-login")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and app.return_code is None
        await log_in(pilot, ADMIN)
        await pilot.click("#stop-terminal")
        await pilot.pause()
        await pilot.press("enter")  # No is focused: Enter alone does not stop it
        await pilot.pause()
        assert isinstance(app.screen, AdminScreen) and app.return_code is None
        await pilot.click("#stop-terminal")
        await pilot.pause()
        await pilot.click("#stop-yes")
        await pilot.pause()
        assert app.return_code == ADMIN_STOP_STATUS == 10  # systemd: RestartPreventExitStatus=10
    stop = audit_rows(register, "stop")[-1]
    assert (stop["outcome"], stop["actor"], stop["terminal"]) == ("admin", ADMIN.user_id, "KIOSK-7")


async def test_an_operator_on_a_kiosk_gets_no_admin_screen(register):
    app = kiosk(register)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, OPERATOR)
        assert isinstance(app.screen, MyLettersScreen)  # a kiosk is citizen mode: their (no) letters


async def test_sigterm_from_the_service_manager_stops_it_cleanly(register):
    app = kiosk(register)
    async with app.run_test(size=SIZE) as pilot:
        app.install_signal_handlers()  # a real terminal does this on mount; headless tests do not
        await log_in(pilot, CITIZEN)
        os.kill(os.getpid(), signal.SIGTERM)
        await wait_for(pilot, lambda: app.return_code is not None)  # audited by a thread, then it leaves
        assert app.return_code == 0
    rows = audit_rows(register)
    assert [(r["action"], r["outcome"]) for r in rows[-2:]] == [("logout", "stop"), ("stop", "SIGTERM")]


CONSOLE_GLYPHS = Path(__file__).with_name("data") / "console_glyphs.txt"


def console_font() -> set[str]:
    lines = CONSOLE_GLYPHS.read_text(encoding="utf-8").splitlines()
    return set("".join(line for line in lines if not line.startswith("# ")))


async def test_every_kiosk_screen_fits_a_linux_console_font(register, monkeypatch):
    monkeypatch.setenv("TERM", "linux")
    monkeypatch.setattr(ScrollBar, "renderer", ScrollBar.renderer)  # restored after the test
    font = console_font() | {"\n"}
    app = kiosk(register)
    seen: dict[str, str] = {}

    def look(name: str) -> None:
        seen[name] = "".join(sorted(set(screen_text(app)) - font))

    async with app.run_test(size=SIZE) as pilot:
        look("login")
        await start_login(pilot, CITIZEN)
        look("phone")
        await pilot.click("#phone-confirm")
        await type_into(pilot, "#pin1", CITIZEN.pin1)
        look("pin")
        await pilot.click("#pin1-ok")
        await settle(pilot)
        look("agency")
        await pilot.press("f1")
        await pilot.pause()
        look("help")
        await pilot.press("escape")
        await choose_agency(pilot, "baki")
        await look_up(pilot, "1", "05.03.2026")
        look("lookup")
        await look_up(pilot, *LETTER)
        look("result")
        app.push_screen(IdleScreen(20, app.clock))
        await pilot.pause()
        look("idle")
    assert seen == {name: "" for name in seen}


# --- what a kiosk once got wrong ------------------------------------------------------------

@pytest.mark.parametrize("leave", ["f3", "idle"])
async def test_the_goodbye_is_in_the_visitors_language_and_gone_at_the_next_key(register, clock, leave):
    """The screen is the kiosk's language again at once; the goodbye, or why the session
    ended, is in the language of the person leaving — and the next person's first key clears
    it (so does GOODBYE_SECONDS, test_privacy.py)."""
    app = kiosk(register, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#lang-ru")
        await pilot.pause()
        await log_in(pilot, CITIZEN)
        assert isinstance(app.screen, MyLettersScreen)
        if leave == "f3":
            await pilot.press("f3")
        else:
            clock.advance(61)
            await wait_for(pilot, lambda: isinstance(app.screen, IdleScreen))
            clock.advance(21)
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        shown = screen_text(app)
        assert app.lang == "az" and "Asan İmza ilə giriş" in shown
        assert text_of(app, "#login-error").startswith(("Вы вышли", "Сеанс завершён"))
        await pilot.press("0")  # the next person starts typing their number
        await pilot.pause()
        assert text_of(app, "#login-error") == "" and app.screen.query_one("#phone").value == "0"


async def test_the_idle_check_survives_a_login_screen_not_yet_built(register, clock):
    app = kiosk(register, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, CITIZEN)
        clock.advance(61)
        app.show_login("")  # a fresh login screen, its widgets not composed yet …
        app._check_idle()   # … and the timer fires at that very moment
        await pilot.pause()
        assert app.return_code is None and app.is_running


async def test_a_broken_terminal_db_at_pin1_gives_a_sentence_and_the_app_goes_on(register):
    app = kiosk(register)
    async with app.run_test(size=SIZE) as pilot:
        await start_login(pilot, CITIZEN)
        conn = connect_write(register.with_name("terminal.db"))  # the disk fails under it
        conn.execute("CREATE TRIGGER broken BEFORE UPDATE ON identities "
                     "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END")
        conn.close()
        await pilot.click("#phone-confirm")
        await type_into(pilot, "#pin1", "0000")
        await pilot.click("#pin1-ok")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, PhoneScreen)
        assert "Terminalın məlumatları" in text_of(app, "#pin1-error")


async def test_f12_and_esc_go_back_from_the_number_form(register):
    app = kiosk(register)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, CITIZEN)
        for key in ("f12", "escape"):
            await choose_agency(pilot, "baki")
            assert isinstance(app.screen, LookupScreen)
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, AgencyScreen), key


async def test_f2_changes_the_language_and_typing_goes_on_in_the_same_field(register):
    app = kiosk(register)
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "#user-id", "10")
        await pilot.press("f2")
        await pilot.pause()
        await pilot.pause()
        await pilot.press("0", "0")
        await pilot.pause()
        assert app.lang == "ru"
        assert app.screen.query_one("#user-id").value == "1000"


async def test_sigterm_as_the_fifth_miss_logout_mounts_the_login_stops_cleanly(register):
    app = kiosk(register)
    async with app.run_test(size=SIZE) as pilot:
        app.install_signal_handlers()
        await log_in(pilot, CITIZEN)
        await choose_agency(pilot, "baki")
        for attempt in range(4):
            await look_up(pilot, f"00-00/{attempt}", "05.03.2026")
        ending = app.router.end_session

        def signalled_end(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGTERM)  # lands while the login is being mounted
            return ending(*args, **kwargs)

        app.router.end_session = signalled_end
        await look_up(pilot, "00-00/5", "05.03.2026")
        await wait_for(pilot, lambda: app.return_code is not None)
        assert app.return_code == 0
    outcomes = [(r["action"], r["outcome"]) for r in audit_rows(register)]
    assert ("logout", "miss_limit") in outcomes and outcomes[-1] == ("stop", "SIGTERM")
