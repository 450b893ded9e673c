"""A signal's stop against what is under way at that moment: a login the person answers as the
stop begins opens no session, what workers hand the UI once the stop has begun is dropped (the
screens are about to go), and a signal before the app even runs is kept for it. The same in a
real terminal: tests/test_pty.py."""

from __future__ import annotations

import asyncio
import os
import signal
import time

from izle.screens.login import LoginScreen
from izle.tui.stopping import STOP_SIGNALS, StopSignals, caught_early
from tests.conftest import CITIZEN, izle_app
from tests.pilot import audit_rows, settle, start_login, type_into

SIZE = (100, 40)


def until(condition, timeout: float = 20.0) -> None:
    """In a worker thread: wait for `condition()` (the event loop makes it true)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.01)


async def left(pilot, app, timeout: float = 20.0) -> None:
    """Let the app run until it has decided to exit."""
    deadline = time.monotonic() + timeout
    while app.return_code is None:
        assert time.monotonic() < deadline, "the app did not leave"
        await pilot.pause(0.02)


async def test_a_login_answered_as_the_stop_begins_opens_no_session(register):
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        app.install_signal_handlers()  # a real terminal's run does this; a headless one not
        provider = app.desk.provider
        status = provider.status

        def answered_as_the_stop_begins(session_id: str, wait: float = 0.0):
            answer = status(session_id, wait)
            if answer.complete:  # PIN1 is right: the answer is on its way to the desk, and then
                os.kill(os.getpid(), signal.SIGTERM)
                until(lambda: app.stopping)  # the stop has begun before the desk hears it
            return answer

        provider.status = answered_as_the_stop_begins
        await start_login(pilot, CITIZEN)
        await pilot.click("#phone-confirm")
        await settle(pilot)
        await type_into(pilot, "#pin1", CITIZEN.pin1)
        await pilot.click("#pin1-ok")
        await left(pilot, app)
        assert app.return_code == 0
    rows = [(row["action"], row["outcome"]) for row in audit_rows(register)]
    assert ("login", "OK") not in rows and ("list", "found") not in rows, rows
    assert rows[-1] == ("stop", "SIGTERM")


async def test_what_a_worker_hands_the_ui_after_the_stop_began_is_dropped(register):
    """The code of a login whose start was under way when the signal came is not shown, and no
    phone is pushed onto screens that are about to go."""
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        app.install_signal_handlers()
        start = app.desk.start_login

        def started_as_the_stop_begins(phone: str, user_id: str):
            started = start(phone, user_id)
            os.kill(os.getpid(), signal.SIGTERM)
            until(lambda: app.stopping)
            return started

        app.desk.start_login = started_as_the_stop_begins
        await type_into(pilot, "#phone", CITIZEN.phone_typed)
        await type_into(pilot, "#user-id", CITIZEN.user_id)
        await pilot.click("#login")
        await left(pilot, app)
        assert app.return_code == 0
        assert isinstance(app.screen, LoginScreen)  # no phone: its panel was never pushed
        assert not app.screen.query_one("#verification-code").display  # nor the code
    rows = [(row["action"], row["outcome"]) for row in audit_rows(register)]
    assert rows[-1] == ("stop", "SIGTERM")


async def test_a_signal_before_the_app_runs_is_kept_and_handed_over():
    """`izle` catches the stop signals from the start of the command (tui/cli/run.py): one that
    comes while the register is checked or the app built is the app's first message."""
    seen: list[str] = []
    before = signal.getsignal(signal.SIGTERM)
    with caught_early():
        signal.raise_signal(signal.SIGTERM)  # kept: the process goes on
        signals = StopSignals(seen.append)
        signals.install(watchdog=False)  # in a running event loop: it is handed over at once
        deadline = time.monotonic() + 20
        while not seen and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        signals.restore()
    assert seen == ["SIGTERM"]
    assert signal.getsignal(signal.SIGTERM) is before  # the run over, the handlers as they were


def test_a_command_that_never_runs_the_app_leaves_the_handlers_as_they_were():
    before = [signal.getsignal(sig) for sig in STOP_SIGNALS]
    with caught_early():
        signal.raise_signal(signal.SIGHUP)  # kept for an app that never comes
    assert [signal.getsignal(sig) for sig in STOP_SIGNALS] == before
