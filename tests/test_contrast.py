"""Colours a person can read: the two themes, how one is chosen, and focus shown without colour.

Every screen of the tour is measured cell by cell in test_snapshots.py (tests/contrast.py);
here, that the measure itself finds what it should, and the ways a kiosk picks its theme.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from rich.color import Color as RichColor, ColorSystem
from rich.style import Style

from izle.tui.app import IzleApp
from izle.tui.cli.run import run
from tests.conftest import izle_app
from tests.contrast import (boundary_shortfalls, cells, contrast_ratio, controls, shortfalls,
                            text_shortfalls)
from tests.pilot import terminal_lines

SIZE = (80, 24)


def test_the_ratio_is_wcags():
    assert contrast_ratio((255, 255, 255), (0, 0, 0)) == pytest.approx(21.0)
    assert contrast_ratio((18, 18, 18), (18, 18, 18)) == pytest.approx(1.0)
    assert contrast_ratio((0x76, 0x76, 0x76), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)


async def test_the_measure_finds_what_textuals_own_dark_theme_gets_wrong(register):
    """The colours İzlə had before its themes: white on blue, dim placeholders, fields the
    colour of the page. The same measure that passes İzlə's themes fails them."""
    from dataclasses import replace

    from textual.theme import BUILTIN_THEMES

    before = replace(BUILTIN_THEMES["textual-dark"], name="before", variables={
        "izle-field-background": "#1B1B1B", "izle-field-focus-background": "#132A3F",
        "izle-field-foreground": "#E0E0E0", "izle-field-placeholder": "#6A7F90",
        "izle-button-background": "#0F273C"})
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        app.register_theme(before)
        app.theme = "before"
        await pilot.pause()
        low_text = text_shortfalls(app, 4.5)
        assert any("İzlə" in str(s) for s in low_text)  # the title bar
        edges = [s.where for s in boundary_shortfalls(app)]
        assert any(where.startswith("edge of Input(id='phone'") for where in edges)
        assert any(where.startswith("edge of Input(id='user-id'") for where in edges)
        app.theme = "izle"
        await pilot.pause()
        assert shortfalls(app) == []


async def test_every_field_and_button_of_the_login_is_measured(register):
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert {w.id for w in controls(app)} == {"phone", "user-id", "login", "lang-az", "lang-ru",
                                                 "lang-en"}


@pytest.mark.parametrize("how", ["argument", "settings"])
async def test_izleapp_takes_the_theme(register, how):
    from izle.tui.settings import Settings

    if how == "argument":
        app = izle_app(register, theme="izle-high-contrast")
    else:
        app = izle_app(register, settings=Settings(db_path=register, theme="izle-high-contrast"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "izle-high-contrast"
        assert app.current_theme.background == "#000000"
        assert shortfalls(app) == []  # 7:1 for text


def test_an_unknown_theme_is_a_sentence(register):
    with pytest.raises(ValueError, match="unknown theme: pink"):
        izle_app(register, theme="pink")


@pytest.mark.parametrize("given", [["--theme", "izle-high-contrast"], []])
def test_the_command_takes_theme_and_izle_theme(register, tmp_path, monkeypatch, given):
    seen = []
    monkeypatch.setattr(IzleApp, "run", lambda self: seen.append(self.theme))
    if not given:
        monkeypatch.setenv("IZLE_THEME", "izle-high-contrast")
    result = CliRunner().invoke(run, ["--db", str(register), "--state", str(tmp_path / "t.db"),
                                      *given])
    assert result.exit_code == 0, result.output
    assert seen == ["izle-high-contrast"]


def test_a_misspelt_theme_is_refused_with_the_choices(register):
    result = CliRunner().invoke(run, ["--db", str(register), "--lang", "en", "--theme", "dark"])
    assert result.exit_code == 2
    assert "'izle'" in result.output and "'izle-high-contrast'" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def _without_colour(app) -> list[list[tuple[str, bool, bool, bool, bool]]]:
    """The terminal as a monochrome screen shows it: characters and their attributes only."""
    return [[(char, bool(seg.style and seg.style.bold), bool(seg.style and seg.style.underline),
              bool(seg.style and seg.style.reverse), bool(seg.style and seg.style.italic))
             for seg in strip for char in seg.text] for strip in terminal_lines(app)]


def _region_of(grid, region):
    return [row[region.x:region.right] for row in grid[region.y:region.bottom]]


@pytest.mark.parametrize("console", [False, True])
async def test_focus_shows_without_colour(register, monkeypatch, console):
    """NO_COLOR (and a monochrome screen): the focused field or button differs from itself
    unfocused in its characters' attributes, not only in colour."""
    if console:
        monkeypatch.setenv("IZLE_CONSOLE", "1")
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for widget in controls(app):
            widget.focus()
            await pilot.pause()
            focused = _region_of(_without_colour(app), widget.region)
            app.set_focus(None)
            await pilot.pause()
            assert _region_of(_without_colour(app), widget.region) != focused, widget


# The Linux console's 16 colours (the VGA palette the kernel loads by default).
LINUX_CONSOLE = [(0, 0, 0), (170, 0, 0), (0, 170, 0), (170, 85, 0), (0, 0, 170), (170, 0, 170),
                 (0, 170, 170), (170, 170, 170), (85, 85, 85), (255, 85, 85), (85, 255, 85),
                 (255, 255, 85), (85, 85, 255), (255, 85, 255), (85, 255, 255), (255, 255, 255)]


def _on_console(rgb) -> tuple[int, int, int]:
    colour = RichColor.from_rgb(*rgb).downgrade(ColorSystem.STANDARD)
    return LINUX_CONSOLE[colour.number]


@pytest.mark.parametrize("theme", ["izle", "izle-high-contrast"])
async def test_the_focused_phone_field_reads_on_a_16_colour_console(register, monkeypatch, theme):
    """TERM=linux: colours fall to the console's 16; the focused phone field's placeholder
    (its example number) and a typed number stay legible."""
    monkeypatch.setenv("IZLE_CONSOLE", "1")
    app = izle_app(register, theme=theme)
    async with app.run_test(size=SIZE) as pilot:
        field = app.screen.query_one("#phone")
        field.focus()
        await pilot.pause()
        for typed in ("", "050"):
            field.value = typed
            await pilot.pause()
            region = field.content_region
            shown = [c for c in cells(app)[region.y][region.x:region.right] if not c.char.isspace()]
            assert shown
            for cell in shown:
                if ord(cell.char) == 0x2588 or cell.fg == cell.bg:  # the block cursor
                    continue
                fg, bg = _on_console(cell.fg), _on_console(cell.bg)
                assert contrast_ratio(fg, bg) >= 4.5, (typed, cell, fg, bg)
