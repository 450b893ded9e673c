"""WCAG contrast of what the terminal shows, cell by cell, through Textual's compositor.

Text (1.4.3 / 1.4.6): each character cell's foreground against its background. Box-drawing and
block characters are not text: they are graphics (a panel's frame, a button's edge).
Boundaries (1.4.11): each enabled field and button against what surrounds it, by its own
background or by its border, whichever stands out more.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rich.color import Color as RichColor
from rich.style import Style
from textual.widget import Widget
from textual.widgets import Button, Input

from tests.pilot import terminal_lines

TEXT_BAR = {"izle": 4.5, "izle-high-contrast": 7.0}
BOUNDARY_BAR = 3.0
GRAPHICS = range(0x2500, 0x25A0)  # box drawing, blocks: a frame, not something to read

RGB = tuple[int, int, int]


def relative_luminance(rgb: RGB) -> float:
    """WCAG 2.2's relative luminance of an sRGB colour."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: RGB, b: RGB) -> float:
    light, dark = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _rgb(color: RichColor | None) -> RGB | None:
    return tuple(color.get_truecolor()) if color is not None else None  # type: ignore[return-value]


def colours(style: Style | None) -> tuple[RGB | None, RGB | None]:
    """(foreground, background) as the terminal paints them: reverse video swaps the two."""
    if style is None:
        return None, None
    fg, bg = _rgb(style.color), _rgb(style.bgcolor)
    return (bg, fg) if style.reverse else (fg, bg)


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    char: str
    fg: RGB | None
    bg: RGB | None


def cells(app) -> list[list[Cell]]:
    """The whole terminal as the person sees it (a modal over the screens beneath), cell by cell."""
    grid = []
    for y, strip in enumerate(terminal_lines(app)):
        row, x = [], 0
        for segment in strip:
            fg, bg = colours(segment.style)
            for char in segment.text:
                row.append(Cell(x, y, char, fg, bg))
                x += 1
        grid.append(row)
    return grid


@dataclass(frozen=True)
class Shortfall:
    where: str
    ratio: float
    bar: float

    def __str__(self) -> str:
        return f"{self.where}: {self.ratio:.2f}:1 < {self.bar}:1"


def text_shortfalls(app, bar: float) -> list[Shortfall]:
    """Each run of text on one line whose colours fall below `bar`, with its words."""
    found: dict[tuple[int, RGB | None, RGB | None], list[Cell]] = {}
    for row in cells(app):
        for cell in row:
            if cell.char.isspace() or ord(cell.char) in GRAPHICS:
                continue
            if cell.fg is None or cell.bg is None:
                found.setdefault((cell.y, cell.fg, cell.bg), []).append(cell)
            elif contrast_ratio(cell.fg, cell.bg) < bar:
                found.setdefault((cell.y, cell.fg, cell.bg), []).append(cell)
    return [Shortfall(f"line {y} {''.join(c.char for c in run)!r} {fg} on {bg}",
                      contrast_ratio(fg, bg) if fg and bg else 0.0, bar)
            for (y, fg, bg), run in found.items()]


def _most_common(colors: list[RGB | None]) -> RGB | None:
    counted = Counter(c for c in colors if c is not None)
    return counted.most_common(1)[0][0] if counted else None


def boundary_ratio(app, widget: Widget) -> float:
    """How well `widget` stands out from the page around it, on its weakest side: its
    background against each side's surrounding cells, or its border's lines against them,
    whichever is higher (sides beyond the terminal's edge do not count)."""
    grid = cells(app)
    outer = widget.region

    def at(x: int, y: int) -> Cell | None:
        return grid[y][x] if 0 <= y < len(grid) and 0 <= x < len(grid[y]) else None

    def bg_of(points) -> RGB | None:
        return _most_common([c.bg for x, y in points if (c := at(x, y))])

    sides = [bg_of([(x, outer.y - 1) for x in range(outer.x, outer.right)]),
             bg_of([(x, outer.bottom) for x in range(outer.x, outer.right)]),
             bg_of([(outer.x - 1, y) for y in range(outer.y, outer.bottom)]),
             bg_of([(outer.right, y) for y in range(outer.y, outer.bottom)])]
    inner = widget.content_region
    inside = bg_of([(x, y) for y in range(inner.y, inner.bottom) for x in range(inner.x, inner.right)])
    line = _most_common([c.fg for x in range(outer.x, outer.right) for y in (outer.y, outer.bottom - 1)
                         if (c := at(x, y)) and ord(c.char) in GRAPHICS])
    has_border = widget.styles.border_top[0] not in ("", "none", "hidden", "blank")
    ratios = []
    for around in (side for side in sides if side is not None):
        best = contrast_ratio(inside, around) if inside else 0.0
        if line is not None and has_border:
            best = max(best, contrast_ratio(line, around))
        ratios.append(best)
    return min(ratios) if ratios else 0.0


def controls(app) -> list[Widget]:
    """The fields and buttons a person can use on the current screen (shown, enabled)."""
    return [w for w in app.screen.query("Input, Button").results()
            if isinstance(w, (Input, Button)) and w.display and w.visible and not w.disabled
            and _on_screen(app, w)]


def _on_screen(app, widget: Widget) -> bool:
    from textual.errors import NoWidget

    try:
        return bool(app.screen.find_widget(widget).region.area)
    except NoWidget:  # scrolled out of view, or under a panel
        return False


def boundary_shortfalls(app) -> list[Shortfall]:
    found = []
    for widget in controls(app):
        ratio = boundary_ratio(app, widget)
        if ratio < BOUNDARY_BAR:
            found.append(Shortfall(f"edge of {widget!r}", ratio, BOUNDARY_BAR))
    return found


def shortfalls(app) -> list[Shortfall]:
    """Everything on the terminal below the bar of the app's theme."""
    return text_shortfalls(app, TEXT_BAR[app.theme]) + boundary_shortfalls(app)
