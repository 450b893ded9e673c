"""Every key lands where a slow typist's would: bursts typed ahead, pasted or sent by a
keyboard-wedge barcode scanner (text, Tab, text, Enter), right after start and while the next
screen is being built — through Pilot, and in a real terminal (tmux) as a person types."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from textual.widgets import Input

from izle.screens.login import LoginScreen
from izle.screens.lookup import LookupScreen
from izle.screens.phone import PhoneScreen
from tests.conftest import CITIZEN, OPERATOR, izle_app
from tests.pilot import audit_rows, burst, log_in, showing_result, text_of, to_agency_picker

SIZE = (80, 24)
NUMBER, DAY = "01-31/3073", "05.03.2026"  # Həsənov Orxan's letter at Bakı Baş Gömrük İdarəsi


async def until(pilot, condition, seconds: float = 10.0) -> None:
    """Wait for `condition()` (bounded): never a fixed sleep."""
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await pilot.pause(0.02)
    assert condition(), "not reached in time"


def value(app, selector: str) -> str:
    return app.screen.query_one(selector, Input).value


async def test_phone_tab_user_id_enter_right_after_start_starts_the_login(register):
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await burst(pilot, CITIZEN.phone_typed, "<tab>", CITIZEN.user_id, "<enter>")
        await until(pilot, lambda: isinstance(app.screen, PhoneScreen)
                    and bool(app.screen.query("#phone-code")))
        login = app.screen_stack[-2]
        assert isinstance(login, LoginScreen)
        assert login.query_one("#phone", Input).value == CITIZEN.phone_typed
        assert login.query_one("#user-id", Input).value == CITIZEN.user_id
        assert text_of(app, "#phone-code") == login._pending[2].code
        await until(pilot, lambda: app.screen_ahead.screen is not None)  # built while it rings


async def test_the_whole_login_typed_ahead_reaches_the_letters(register):
    """Phone, Tab, user ID, Enter, then — before the phone panel is there — Enter to confirm,
    PIN1 and Enter: each key reaches the control a slow typist's would. PIN1 never lands in
    a field of the login (where it would be shown) and never on a button (lost)."""
    from izle.screens.letters import MyLettersScreen

    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await burst(pilot, CITIZEN.phone_typed, "<tab>", CITIZEN.user_id, "<enter>",
                    "<enter>", CITIZEN.pin1, "<enter>")
        await until(pilot, lambda: isinstance(app.screen, MyLettersScreen))
    assert [r["outcome"] for r in audit_rows(register, "login")] == ["OK"]


async def test_keys_typed_ahead_of_a_login_that_fails_are_dropped(register):
    """The phone never rang (an unknown user ID): what was typed for it — PIN1 among it — is
    not put into the login's fields; the fields keep what was typed into them."""
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await burst(pilot, CITIZEN.phone_typed, "<tab>", "999999", "<enter>",
                    "<enter>", CITIZEN.pin1, "<enter>")
        await until(pilot, lambda: text_of(app, "#login-error") != "" and not app.typeahead.holding)
        assert isinstance(app.screen, LoginScreen)
        assert (value(app, "#phone"), value(app, "#user-id")) == (CITIZEN.phone_typed, "999999")
        field = app.focused
        await burst(pilot, "1")  # and typing goes on where the person is
        await until(pilot, lambda: field.value.endswith("1"))


async def test_a_scanner_burst_from_the_authority_picker_shows_the_letter(register):
    """The number form is still being built when the number arrives: it waits for it."""
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, CITIZEN)
        await to_agency_picker(pilot)
        await burst(pilot, "baki bas", "<enter>", NUMBER, "<tab>", DAY, "<enter>")
        await until(pilot, lambda: showing_result(app))
        assert (value(app, "#reg-number"), value(app, "#reg-date")) == (NUMBER, DAY)
        assert text_of(app, "#result-unit") == "Gömrük nəzarəti idarəsi"
    lookups = audit_rows(register, "lookup")
    assert [(r["query"]["reg_no"], r["outcome"]) for r in lookups] == [(NUMBER, "found")]


async def test_enter_moves_from_field_to_field_then_asks(register):
    app = izle_app(register, mode="operator")
    async with app.run_test(size=(100, 40)) as pilot:
        await log_in(pilot, OPERATOR)
        await to_agency_picker(pilot)
        await burst(pilot, "baki bas", "<enter>", NUMBER, "<enter>", DAY, "<enter>",
                    "Həsənov", "<enter>")
        await until(pilot, lambda: showing_result(app))
        assert (value(app, "#reg-number"), value(app, "#reg-date"),
                value(app, "#caller-check")) == (NUMBER, DAY, "Həsənov")


async def test_after_a_miss_enter_in_a_complete_form_asks_again(register):
    """Whoever corrects only the date and presses Enter is asked again, wherever the cursor is."""
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, CITIZEN)
        await to_agency_picker(pilot)
        await burst(pilot, "baki bas", "<enter>", NUMBER, "<tab>", "06.03.2026", "<enter>")
        await until(pilot, lambda: len(audit_rows(register, "lookup")) == 1
                    and text_of(app, "#lookup-error") != "")
        assert isinstance(app.screen, LookupScreen) and app.focused.id == "reg-number"
        date = app.screen.query_one("#reg-date", Input)
        date.value = DAY
        await burst(pilot, "<enter>")  # in the number field, filled as it was
        await until(pilot, lambda: showing_result(app))
    assert [r["outcome"] for r in audit_rows(register, "lookup")] == ["miss", "found"]


# --- a real terminal ------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


class Tmux:
    """İzlə in a tmux pane of 80x24, typed into as a person types (send-keys)."""

    def __init__(self, register: Path, mode: str = "citizen") -> None:
        self.name = f"izle-test-{uuid.uuid4().hex[:8]}"
        command = f"{sys.executable} -m tests.run_fixed {register} {mode}"
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", "80", "-y", "24",
                        "-c", str(ROOT), command], check=True, timeout=10)

    def screen(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], check=True,
                              capture_output=True, text=True, timeout=10).stdout

    def wait_for(self, text: str, seconds: float = 20.0) -> str:
        """The screen, once it shows `text` (polled; bounded)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never shown; the screen:\n{self.screen()}")

    def type(self, *parts: str) -> None:
        """Text literally, and key names in angle brackets (<Tab>, <Enter>, <F4>): one
        send-keys each, straight after one another, as fast as tmux sends them."""
        for part in parts:
            if part.startswith("<") and part.endswith(">"):
                args = [part[1:-1]]
            else:
                args = ["-l", part]
            subprocess.run(["tmux", "send-keys", "-t", self.name, *args], check=True, timeout=10)

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], timeout=10)


@pytest.fixture
def terminal(register):
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (Debian package tmux)")
    pane = Tmux(register)
    yield pane
    pane.close()


def field_line(screen: str, label: str) -> str:
    """The line under a field's label: what the field shows."""
    lines = screen.splitlines()
    at = next(i for i, line in enumerate(lines) if label in line)
    return lines[at + 1].strip(" │")


def test_bursts_in_a_real_terminal_land_in_their_fields(terminal, register):
    terminal.wait_for("Asan İmza ilə giriş")  # the login's first paint: the burst at once
    terminal.type(CITIZEN.phone_typed, "<Tab>", CITIZEN.user_id, "<Enter>")
    shown = terminal.wait_for("Yoxlama kodu:")  # the phone rings: the login was started
    assert field_line(shown, "Mobil nömrə").startswith(f"{CITIZEN.phone_typed} ")
    assert field_line(shown, "İstifadəçi ID").startswith(f"{CITIZEN.user_id} ")
    terminal.type("<Enter>")  # Təsdiq
    terminal.wait_for("PIN1")
    terminal.type(CITIZEN.pin1, "<Enter>")
    terminal.wait_for(CITIZEN.name)
    terminal.type("<F4>")
    terminal.wait_for("Məktub hansı gömrük orqanına")
    terminal.type("baki bas", "<Enter>", NUMBER, "<Tab>", DAY, "<Enter>")
    shown = terminal.wait_for("Gömrük nəzarəti idarəsi")
    assert f"{DAY} tarixli {NUMBER} nömrəli məktub" in shown
    for _ in range(200):  # the audit row is written by a worker: bounded wait for it
        if audit_rows(register, "lookup"):
            break
        time.sleep(0.05)
    assert [(r["query"]["reg_no"], r["outcome"]) for r in audit_rows(register, "lookup")] \
        == [(NUMBER, "found")]


def test_the_whole_login_in_one_burst_in_a_real_terminal(terminal, register):
    """Phone, Tab, ID, Enter, Enter (Təsdiq), PIN1, Enter — sent before the phone rings."""
    terminal.wait_for("Asan İmza ilə giriş")
    terminal.type(CITIZEN.phone_typed, "<Tab>", CITIZEN.user_id, "<Enter>", "<Enter>",
                  CITIZEN.pin1, "<Enter>")
    shown = terminal.wait_for(CITIZEN.name)
    assert "01-31/3073" in shown  # the citizen's letters
    assert [r["outcome"] for r in audit_rows(register, "login")] == ["OK"]
