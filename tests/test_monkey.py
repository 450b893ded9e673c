"""A monkey at the terminal: seeded random keys, text, clicks and resizes across every screen,
in the three ways İzlə is used. Two oracles: the app never fails (no unhandled exception; a
kiosk never exits), and a citizen never sees a word of another citizen's letter.

A few hundred actions per mode in the suite; thousands on demand:
`IZLE_MONKEY_ACTIONS=5000 IZLE_MONKEY_SEED=7 python3 -m pytest tests/test_monkey.py`.
"""

from __future__ import annotations

import os
import random

import pytest
from textual.pilot import OutOfBounds

from tests.conftest import CITIZEN, OPERATOR, OTHER_FIN, izle_app
from tests.pilot import choose_agency, log_in, look_up, screen_text

ACTIONS = int(os.environ.get("IZLE_MONKEY_ACTIONS", "100"))
SEED = int(os.environ.get("IZLE_MONKEY_SEED", "20261203"))
KEYS = ["tab", "shift+tab", "enter", "escape", "f1", "f2", "f3", "f12", "up", "down",
        "pagedown", "backspace", "space", "left", "right", "a", "5", "ə", "İ"]
KIOSK_KEYS = ["ctrl+q", "ctrl+c", "ctrl+p", "ctrl+z", "ctrl+backslash"]
TEXTS = [CITIZEN.phone_typed, CITIZEN.user_id, CITIZEN.pin1, "0000", "01-31/3073",
         "01-31/4000", "05.03.2026", "01.04.2026", "31.02.2026", "2026-13-01", "baki bas",
         "Həsənov", "Quliyeva", "[bold]x[/]", "[/]", "\x1b[2J", "9" * 40, "", " ", "№ 01–31 / 3073"]
# Words only another citizen's data would put on screen (the monkey never types them).
OTHERS_WORDS = ("Quliyeva Səbinə", "Elşən qızı", OTHER_FIN)

MODES = {"citizen": {}, "kiosk": {"kiosk": True}, "operator": {"mode": "operator"}}


async def act(pilot, rng: random.Random, mode: str) -> None:
    try:
        await random_action(pilot, rng, mode)
    except OutOfBounds:  # the harness cannot click what a small terminal does not show
        pass
    await pilot.pause()


async def random_action(pilot, rng: random.Random, mode: str) -> None:
    app = pilot.app
    roll = rng.random()
    if roll < 0.45:
        await pilot.press(rng.choice(KEYS + (KIOSK_KEYS if mode == "kiosk" else [])))
    elif roll < 0.7:
        focused = app.focused
        if focused is not None and hasattr(focused, "value") and isinstance(focused.value, str):
            focused.value = rng.choice(TEXTS)
    elif roll < 0.85:
        width, height = app.size
        await pilot.click(offset=(rng.randrange(width), rng.randrange(height)))
    elif roll < 0.9:
        await pilot.resize_terminal(rng.randint(40, 140), rng.randint(12, 50))
    else:  # now and then a whole step of the story, so the monkey reaches the deeper screens
        await story_step(pilot, rng, mode)


async def story_step(pilot, rng: random.Random, mode: str) -> None:
    from izle.screens.agency import AgencyScreen
    from izle.screens.login import LoginScreen
    from izle.screens.lookup import LookupScreen

    app = pilot.app
    if isinstance(app.screen, LoginScreen) and app.session is None:
        await log_in(pilot, OPERATOR if mode == "operator" else CITIZEN)
    elif isinstance(app.screen, AgencyScreen):
        await choose_agency(pilot, "baki")
    elif isinstance(app.screen, LookupScreen):
        number, day = rng.choice([("01-31/3073", "05.03.2026"), ("01-31/4000", "01.04.2026"),
                                  ("02-14/118", "12.10.2026"), ("00-00/1", "05.03.2026")])
        await look_up(pilot, number, day, "Həsənov" if mode == "operator" else None)


@pytest.mark.parametrize("mode", MODES)
async def test_a_monkey_never_breaks_it_and_never_sees_anothers_letter(register, mode):
    rng = random.Random(f"{SEED}-{mode}")
    app = izle_app(register, **MODES[mode])
    async with app.run_test(size=(80, 24)) as pilot:
        for step in range(ACTIONS):
            await act(pilot, rng, mode)
            if mode != "operator":  # an operator may see any letter, after the caller check
                shown = screen_text(app)
                assert not any(w in shown for w in OTHERS_WORDS), f"step {step}: {shown}"
                letter = getattr(app.screen, "letter", None)  # a result on screen is theirs
                assert letter is None or letter.applicant_fin == CITIZEN.fin, f"step {step}"
            if mode == "kiosk":
                assert app.return_code is None, f"step {step}: a kiosk was left"
            if app.return_code is not None:  # ctrl+q outside a kiosk: start again
                break
    # Leaving the context re-raises any exception the app met: that is the first oracle.
