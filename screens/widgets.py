"""Pieces every screen shares: the title bar, a translated footer, register text as data."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.reactive import Reactive
from textual.screen import Screen
from textual.visual import VisualType
from textual.widget import Widget
from textual.timer import Timer
from textual.widgets import Button, Footer, Static
from textual.widgets._footer import FooterKey

from data.text import strip_controls
from data.i18n import _


# Seconds before a button whose answer is on its way looks busy (dimmed): a quick answer is not
# worth two restyles of the button (benchmarks/RESULTS.md, issue 12).
BUSY_AFTER = 0.15


class Asking:
    """A question a screen's button asked, on its way: one at a time (a second press would be
    checked, counted and audited twice), and the button dims only when the answer is slow."""

    def __init__(self, screen: Screen, button: str) -> None:
        self.screen, self.button = screen, button
        self._timer: Timer | None = None

    @property
    def on_its_way(self) -> bool:
        return self._timer is not None

    def start(self) -> None:
        self._timer = self.screen.set_timer(BUSY_AFTER, self._looks_busy)

    def _looks_busy(self) -> None:
        self.screen.query_one(self.button, Button).disabled = True

    def answered(self) -> None:
        """The answer is here: the button works again."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        button = self.screen.query_one(self.button, Button)
        if button.disabled:
            button.disabled = False


def data_text(value: object | None) -> Content:
    """Register text exactly as stored, never markup; control characters dropped."""
    return Content(strip_controls("" if value is None else str(value)))


class Plain(Static):
    """A Static for text only: never markup, and no link styling pass on every line drawn (no
    register text is a link; the pass is most of a first paint, benchmarks/RESULTS.md)."""

    auto_links = Reactive(False)

    def __init__(self, content: VisualType = "", **kwargs) -> None:
        super().__init__(content, markup=False, **kwargs)


def paint_now(screen: Screen) -> None:
    """Lay `screen` out and paint it now rather than at the next frame tick (up to 1/60 s
    later, and after whatever else is queued): what Textual does itself when a screen is
    pushed. For the answer a person is waiting for, shown in place (benchmarks/RESULTS.md).
    Textual is pinned (pyproject.toml); this is its own method for a resumed screen. A screen
    under another (help, the idle prompt) is left to Textual: it is painted when it returns."""
    if screen.is_current:
        screen._refresh_layout()


class LocalFooter(Footer):
    """The key legend, its descriptions in the current language.

    Textual's footer rebuilds every key whenever focus moves; this one only when the legend
    would read differently (a third of the time from *show* to the result, benchmarks/RESULTS.md).
    """

    _legend: tuple | None = None

    def bindings_changed(self, screen) -> None:
        legend = (getattr(self.app, "lang", None), *(
            (binding.key, binding.action, binding.description, enabled)
            for _node, binding, enabled, _tip in screen.active_bindings.values() if binding.show
        ))
        if legend == self._legend:
            return
        self._legend = legend
        super().bindings_changed(screen)

    async def recompose(self) -> None:
        await super().recompose()
        # Each FooterKey is data-bound to this footer's `compact`: Textual drops the watchers of
        # removed keys only when `compact` changes, so every rebuild of a long-lived footer kept
        # its old keys alive (benchmarks/RESULTS.md, issue 12: peak memory). Drop them now, by
        # the test Textual itself uses.
        for watchers in getattr(self, "__watchers", {}).values():
            watchers[:] = [(node, callback) for node, callback in watchers
                           if not (node._closing or node._closed)]

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.description = _(widget.description)
            yield widget


class TitleBar(Widget):
    """Service name on the left, who is logged in on the right: one widget drawing one line (a
    container with two labels cost every screen three widgets to mount, benchmarks/RESULTS.md).
    A title too long for the room left ends at a word, as a one-line label's wrap did."""

    DEFAULT_CSS = """
    TitleBar { height: 1; background: $primary; color: $text; dock: top; padding: 0 1; }
    """
    GAP = 2  # columns between the title and the name

    def who(self) -> Content:
        session = getattr(self.app, "session", None)
        if session is None:
            return Content("")
        return Content(strip_controls(session.identity.full_name or session.identity.user_id))

    def render(self) -> Content:
        width = self.content_size.width
        who = self.who().truncate(width, ellipsis=True)
        room = width - who.cell_length - (self.GAP if who else 0)
        lines = Content(_("İzlə — State Customs Committee: tracking of letters")).wrap(room) if room > 0 else []
        title = lines[0].stylize("bold") if lines else Content("")
        return Content.assemble(title, " " * (width - title.cell_length - who.cell_length), who)
