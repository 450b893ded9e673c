"""Every private Textual call İzlə makes, each beside the public way it stands in for.

Each one saves milliseconds a person waits for; none is needed for
anything to work. With IZLE_PLAIN_TEXTUAL=1 in the environment each takes its public fallback:
the app then only is slower. Textual is pinned (pyproject.toml); tests/test_fast_paths.py fails
when a name used here is gone and runs story tests with the fallbacks.
"""

from __future__ import annotations

import os
from inspect import getfile

from textual.app import App
from textual.css.stylesheet import Stylesheet
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget

PLAIN = os.environ.get("IZLE_PLAIN_TEXTUAL") == "1"


def fast() -> bool:
    """The private fast paths are used (not switched off, and Textual still has them)."""
    return not PLAIN


def build_mode(app: App, mode: str) -> bool:
    """Make `mode`'s screen stack now, so a screen can be pushed into it unseen (Textual makes
    it only when the mode is first shown). False: it cannot be done with public calls, and the
    caller builds its screen when it is shown instead."""
    if PLAIN:
        return False
    app._init_mode(mode)
    return True


def mark_styled(screen: Screen, app: App) -> None:
    """Mark `screen` as styled by the stylesheet as it is now. Textual marks only the screens
    of the mode shown; unmarked, showing another mode re-parses every stylesheet (~20 ms).
    Public fallback: none needed — Textual re-parses, which is only slower."""
    if not PLAIN:
        screen._css_update_count = app._css_update_count


def paint_now(screen: Screen) -> None:
    """Lay `screen` out and paint it now rather than at the next frame tick (what Textual does
    itself when a screen is pushed). Public fallback: a layout refresh, painted a tick later."""
    if PLAIN:
        screen.refresh(layout=True)
    else:
        screen._refresh_layout()


def reflow(screen: Screen, size: Size) -> bool:
    """Arrange `screen` for `size` without drawing a frame. False: not done (no public call
    arranges a screen without painting it; the first paint arranges it instead)."""
    if PLAIN:
        return False
    screen._compositor.reflow(screen, size)
    return True


def add_default_css(stylesheet: Stylesheet, classes: set[type[Widget]]) -> None:
    """Add the DEFAULT_CSS of `classes` (and their bases) as Textual adds it when their first
    widget is mounted (Widget._post_register: the same sources, ranks and scopes), then parse
    once. Public fallback: nothing — Textual adds each when it is first mounted."""
    if PLAIN:
        return
    for cls in classes:
        for tie_breaker, base in enumerate(cls._css_bases(cls)):
            css = base.__dict__.get("DEFAULT_CSS", "")
            if not css:
                continue
            try:
                where = (getfile(base), f"{base.__name__}.DEFAULT_CSS")
            except (TypeError, OSError):
                where = ("", f"{base.__name__}.DEFAULT_CSS")
            scope = base._css_type_name if base.__dict__.get("SCOPED_CSS", True) else ""
            stylesheet.add_source(css, read_from=where, is_default_css=True,
                                  tie_breaker=-tie_breaker, scope=scope)
    stylesheet.parse()
