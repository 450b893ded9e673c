"""Between two visitors of a kiosk: nothing of the first is readable by the second."""

from __future__ import annotations

import pytest

from izle.data.clock import FixedClock
from izle.screens.idle import IdleScreen
from izle.screens.login import LoginScreen
from tests.conftest import CITIZEN, TODAY, izle_app
from tests.pilot import choose_agency, log_in, look_up, screen_text, terminal_lines, text_of
from tests.test_kiosk import wait_for

SIZE = (80, 24)


@pytest.mark.parametrize("size", [(60, 17)])  # an opaque page covers at any size
async def test_the_idle_prompt_covers_the_letter_behind_it(register, size):
    clock = FixedClock(TODAY)
    app = izle_app(register, kiosk=True, terminal="kiosk-7", clock=clock)
    async with app.run_test(size=size) as pilot:
        await log_in(pilot, CITIZEN)
        await choose_agency(pilot, "baki")
        await look_up(pilot, "01-31/3073", "05.03.2026")
        clock.advance(61)
        await wait_for(pilot, lambda: isinstance(app.screen, IdleScreen))
        shown = "\n".join(line.text for line in terminal_lines(app))  # the screens beneath too
        assert "Hələ buradasınız?" in shown
        for trace in ("Həsənov", "01-31/3073", "Məmmədov", "404 11 22", "Gömrük nəzarəti", "Bakı Baş"):
            assert trace not in shown


async def test_the_goodbye_goes_by_itself_before_the_next_visitor(register, monkeypatch):
    monkeypatch.setattr("izle.tui.app.GOODBYE_SECONDS", 1.0)
    app = izle_app(register, kiosk=True, terminal="kiosk-7", lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, CITIZEN)
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert text_of(app, "#login-error") == "You have logged out."
        await wait_for(pilot, lambda: text_of(app, "#login-error") == "")
        assert "logged out" not in screen_text(app)
