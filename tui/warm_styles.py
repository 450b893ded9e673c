"""The default styles of every widget class loaded so far, added to the app's stylesheet ahead
of time.

Textual adds a widget class's DEFAULT_CSS to the stylesheet when the first widget of that class
is mounted, and then parses the whole stylesheet again: after login that is the list screen's
DataTable, buttons and footer keys, a few milliseconds while a person waits for their letters
(benchmarks/RESULTS.md, issue 12). Called once the login screen is painted, with the screens
after login imported, the parse happens while the login screen is read. The sources added are
the ones Textual adds itself (Widget._post_register), for every loaded class rather than only the
mounted ones, so a base class's rank among default styles may come from a subclass never shown;
every snapshot (tests/test_snapshots.py) is unchanged by it. Textual is pinned (pyproject.toml).
"""

from __future__ import annotations

from inspect import getfile

from textual.css.stylesheet import Stylesheet
from textual.widget import Widget


def loaded_widget_classes() -> set[type[Widget]]:
    found: set[type[Widget]] = set()
    todo = [Widget]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def add_default_styles(stylesheet: Stylesheet) -> None:
    """Add the DEFAULT_CSS of every loaded widget class (and its bases), then parse once."""
    for cls in loaded_widget_classes():
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
