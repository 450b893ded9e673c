"""Every screen in each language, as a console of 80x24 shows it (SVG snapshots).

Deterministic: a fixed "today", a fixed verification code, no blinking cursor, the small
register of conftest.py. After a deliberate change of a screen, review `snapshot_report.html`
and only then run `pytest tests/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from textual.widgets import Input

from data import deadlines, mobile_id
from tests.conftest import ADMIN, CITIZEN, OPERATOR
from tests.pilot import choose_agency, log_in, look_up, settle, start_login, type_into
from tui.app import IzleApp
from tui.i18n import LANGUAGES, set_language

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def deterministic(monkeypatch):
    monkeypatch.setattr(deadlines, "today", lambda: date(2026, 11, 25))
    # The challenge's bytes decide the verification code: all zeros give one fixed code.
    monkeypatch.setattr(mobile_id, "os", SimpleNamespace(urandom=lambda n: bytes(n)))
    monkeypatch.setattr(Input, "cursor_blink", False)
    yield
    set_language("az")


async def _phone(pilot) -> None:
    await start_login(pilot, CITIZEN)


async def _pin(pilot) -> None:
    await start_login(pilot, CITIZEN)
    await pilot.click("#phone-confirm")
    await pilot.pause()


async def _wrong_pin(pilot) -> None:
    await _pin(pilot)
    await type_into(pilot, "#pin1", "0000")
    await pilot.click("#pin1-ok")
    await settle(pilot)


async def _agency(pilot) -> None:
    await log_in(pilot, CITIZEN)


async def _agency_filtered(pilot) -> None:
    await log_in(pilot, CITIZEN)
    await type_into(pilot, "#agency-filter", "Бакы Баш Гёмрюк")


async def _help(pilot) -> None:
    await log_in(pilot, CITIZEN)
    await pilot.press("f1")
    await pilot.pause()


async def _lookup(pilot) -> None:
    await log_in(pilot, CITIZEN)
    await choose_agency(pilot, "baki")


async def _lookup_error(pilot) -> None:
    await _lookup(pilot)
    await look_up(pilot, "01-31/3073", "31.02.2026")


async def _result(pilot) -> None:
    await _lookup(pilot)
    await look_up(pilot, "01-31/3073", "05.03.2026")


async def _result_answered(pilot) -> None:
    await _lookup(pilot)
    await look_up(pilot, "02-14/118", "12.10.2026")


async def _idle(pilot) -> None:
    from screens.idle import IdleScreen

    await log_in(pilot, CITIZEN)
    pilot.app.push_screen(IdleScreen(20))
    await pilot.pause()


async def _operator_lookup(pilot) -> None:
    await log_in(pilot, OPERATOR)
    await choose_agency(pilot, "baki")


async def _operator_unverified(pilot) -> None:
    await _operator_lookup(pilot)
    await look_up(pilot, "01-31/3073", "05.03.2026", caller="Quliyeva")


async def _operator_result(pilot) -> None:
    await _operator_lookup(pilot)
    await look_up(pilot, "01-31/3073", "05.03.2026", caller="Həsənov")


async def _kiosk_admin(pilot) -> None:
    await log_in(pilot, ADMIN)


CITIZEN_MODE: dict = {}
OPERATOR_MODE = {"mode": "operator"}
KIOSK = {"kiosk": True, "terminal": "kiosk-7"}
# name: (how the app is built, the steps to the screen)
SCREENS = {
    "login": (CITIZEN_MODE, None),
    "phone": (CITIZEN_MODE, _phone),
    "phone-pin": (CITIZEN_MODE, _pin),
    "phone-wrong-pin": (CITIZEN_MODE, _wrong_pin),
    "agency": (CITIZEN_MODE, _agency),
    "agency-filtered": (CITIZEN_MODE, _agency_filtered),
    "help": (CITIZEN_MODE, _help),
    "idle": (CITIZEN_MODE, _idle),
    "lookup": (CITIZEN_MODE, _lookup),
    "lookup-error": (CITIZEN_MODE, _lookup_error),
    "result": (CITIZEN_MODE, _result),
    "result-answered": (CITIZEN_MODE, _result_answered),
    "operator-lookup": (OPERATOR_MODE, _operator_lookup),
    "operator-unverified": (OPERATOR_MODE, _operator_unverified),
    "operator-result": (OPERATOR_MODE, _operator_result),
    "kiosk-admin": (KIOSK, _kiosk_admin),
}


def settled(steps):
    """The steps, then the pointer off the buttons and past their press effect: a snapshot must
    not depend on how quickly a worker or the last click finished."""

    async def run(pilot) -> None:
        if steps is not None:
            await steps(pilot)
        await pilot.hover(None, offset=(0, 0))
        await pilot.pause(0.3)

    return run


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("screen", SCREENS)
def test_screen(snap_compare, register, screen, lang):
    options, steps = SCREENS[screen]
    assert snap_compare(IzleApp(register, lang=lang, **options), terminal_size=SIZE,
                        run_before=settled(steps))
