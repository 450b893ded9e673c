"""Every screen in each language, as a console of 80x24 shows it (SVG snapshots).

Deterministic: izle_app's fixed clock and seeded randomness (so one verification code), no blinking cursor, the small
register of conftest.py. After a deliberate change of a screen, review `snapshot_report.html`
and only then run `pytest tests/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations


import pytest
from textual.widgets import Input

from tests.conftest import izle_app
from tests.tour import SCREENS
from izle.data.i18n import LANGUAGES

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def deterministic(monkeypatch):
    monkeypatch.setattr(Input, "cursor_blink", False)


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
    options, steps, _shows = SCREENS[screen]
    assert snap_compare(izle_app(register, lang=lang, **options), terminal_size=SIZE,
                        run_before=settled(steps))
