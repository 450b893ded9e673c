"""A terminal a few rows high survives every key: the lists page, move and choose without an
exception ending the app (Textual's OptionList raised KeyError on PageDown at ≤ 7 rows)."""

from __future__ import annotations

import pytest

from izle.screens.agency import AgencyScreen
from izle.screens.letters import MyLettersScreen
from tests.conftest import CITIZEN, OPERATOR, izle_app
from tests.pilot import log_in

KEYS = ["down", "pagedown", "pagedown", "up", "pageup", "end", "home", "down", "pagedown",
        "tab", "pagedown", "down", "shift+tab", "pageup", "up", "pagedown"]


@pytest.mark.parametrize("height, who, mode, screen", [(7, OPERATOR, "operator", AgencyScreen),
                                                       (3, OPERATOR, "operator", AgencyScreen),
                                                       (5, CITIZEN, "citizen", MyLettersScreen)])
async def test_every_paging_key_on_a_tiny_terminal_leaves_the_app_running(register, height, who,
                                                                          mode, screen):
    app = izle_app(register, mode=mode)
    async with app.run_test(size=(80, 40)) as pilot:
        await log_in(pilot, who)
        assert isinstance(app.screen, screen)
        await pilot.resize_terminal(80, height)
        await pilot.pause()
        for key in KEYS:
            await pilot.press(key)
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert isinstance(app.screen, screen)
