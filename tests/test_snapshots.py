"""Every screen in each language, as a console of 80x24 shows it (SVG snapshots), and the
contrast of every cell on it (tests/contrast.py): every state, in each language, measured in both
themes — the default at 4.5:1, then, switched in the same run, the high-contrast one at 7:1 (each
language wraps, truncates and highlights other words, so each is measured).

Deterministic: izle_app's fixed clock and seeded randomness (so one verification code), no blinking cursor, the small
register of conftest.py. After a deliberate change of a screen, review `snapshot_report.html`
and only then run `pytest tests/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations


import pytest
from textual.widgets import Input

from tests.contrast import shortfalls
from tests.conftest import izle_app
from tests.tour import SCREENS, WIDE_SCREENS
from izle.data.i18n import LANGUAGES
from izle.tui.settings import THEME_NAMES

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def deterministic(monkeypatch):
    monkeypatch.setattr(Input, "cursor_blink", False)


def settled(steps, every_theme: bool = True):
    """The steps, then the pointer off the buttons and past their press effect: a snapshot must
    not depend on how quickly a worker or the last click finished. Then the contrast check in
    the app's theme and (`every_theme`) in the other one, switched there and back in the same
    run — a fraction of a second, where a run of its own would cost the steps again — leaving
    the snapshot as it was."""

    async def run(pilot) -> None:
        if steps is not None:
            await steps(pilot)
        await pilot.hover(None, offset=(0, 0))
        await pilot.pause(0.3)
        app = pilot.app
        own = app.theme
        low = [f"{own}: {s}" for s in shortfalls(app)]
        if every_theme:
            for theme in (name for name in THEME_NAMES if name != own):
                app.theme = theme
                await pilot.pause()
                low += [f"{theme}: {s}" for s in shortfalls(app)]
            app.theme = own
            await pilot.pause()
        assert not low, "\n".join(low)

    return run


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("screen", SCREENS)
def test_screen(snap_compare, register, screen, lang):
    options, steps, _shows = SCREENS[screen]
    assert snap_compare(izle_app(register, lang=lang, **options), terminal_size=SIZE,
                        run_before=settled(steps))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_letter_in_the_high_contrast_theme(snap_compare, register, lang):
    options, steps, _shows = SCREENS["result"]
    app = izle_app(register, lang=lang, theme="izle-high-contrast", **options)
    assert snap_compare(app, terminal_size=SIZE, run_before=settled(steps, every_theme=False))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_letter_on_a_kiosk_at_60_by_17(snap_compare, register, lang):
    """A large console font (docs/kiosk.md): the letter's unit, executor, phone, state and due
    date above the fold, the keypad's footer below; legible in both themes."""
    options, steps, _shows = SCREENS["result"]
    app = izle_app(register, lang=lang, kiosk=True, terminal="kiosk-7")
    assert snap_compare(app, terminal_size=(60, 17), run_before=settled(steps))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("screen", WIDE_SCREENS)
def test_wide_screen(snap_compare, register, screen, lang):
    options, steps, _shows = WIDE_SCREENS[screen]
    assert snap_compare(izle_app(register, lang=lang, **options), terminal_size=(120, 40),
                        run_before=settled(steps))
