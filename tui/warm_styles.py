"""The default styles of the widget classes İzlə's screens show, added to the app's stylesheet
ahead of time.

Textual adds a widget class's DEFAULT_CSS to the stylesheet when the first widget of that class
is mounted, and then parses the whole stylesheet again: after login that is the list screen's
DataTable and buttons, a few milliseconds while a person waits for their letters. Called once the login screen is painted, with the screens
after login imported, the parse happens while the login screen is read. The sources added are
the ones Textual adds itself (Widget._post_register), in the same ranks; every snapshot
(tests/test_snapshots.py) is unchanged by it. Textual is pinned (pyproject.toml).

Only the classes the screens use: Textual filters every rule of the stylesheet for each node it
restyles, and the classes loaded but never shown (Textual's command palette loads a dozen)
brought a third more rules (327 against 222); no difference in time was measurable on the
login, but there is no reason to pay for them.
"""

from __future__ import annotations

import sys

from textual.css.stylesheet import Stylesheet
from textual.widget import Widget

from izle.screens import fast_paths

SCREENS_PACKAGE = "izle.screens"


def screen_widget_classes() -> set[type[Widget]]:
    """The widget classes named in the loaded `screens` modules: their own, and the Textual
    widgets they compose (a class mounted but not named there is added by Textual itself)."""
    found: set[type[Widget]] = set()
    for name, module in list(sys.modules.items()):
        if name == SCREENS_PACKAGE or name.startswith(SCREENS_PACKAGE + "."):
            found.update(value for value in vars(module).values()
                         if isinstance(value, type) and issubclass(value, Widget))
    return found


def add_default_styles(stylesheet: Stylesheet) -> None:
    """Add the DEFAULT_CSS of the screens' widget classes (and their bases), then parse once."""
    fast_paths.add_default_css(stylesheet, screen_widget_classes())
