"""“Still there?”: shown when nobody has touched the terminal for a while (WCAG 2.2.1).

Any key, a click on *Bəli*, keeps the session; when the countdown ends the app logs out and
shows a fresh login screen.
"""

from __future__ import annotations

import math

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from izle.data.clock import Clock
from izle.data.i18n import _, ngettext


class IdleScreen(ModalScreen[bool]):
    """Dismisses with True to keep the session, False when the time ran out."""

    def __init__(self, seconds: float, clock: Clock) -> None:
        super().__init__()
        self.seconds, self.clock = seconds, clock
        self._deadline = 0.0
        self._answered = False

    def compose(self) -> ComposeResult:
        with Vertical(id="idle-body", classes="panel"):
            yield Label(_("Are you still there?"), classes="panel-title")
            yield Static(self._countdown_text(math.ceil(self.seconds)), id="idle-countdown")
            yield Static(_("Press any key or choose Yes to continue."), classes="hint")
            yield Button(_("Yes"), id="idle-yes", variant="primary")

    def on_mount(self) -> None:
        self._deadline = self.clock.monotonic() + self.seconds
        self.set_interval(min(1.0, self.seconds / 4), self._tick)
        self.query_one("#idle-yes", Button).focus()

    def _countdown_text(self, left: int) -> str:
        return ngettext(
            "For your privacy you will be logged out in {n} second.",
            "For your privacy you will be logged out in {n} seconds.", left,
        ).format(n=left)

    def _tick(self) -> None:
        left = self._deadline - self.clock.monotonic()
        if left <= 0:
            self._answer(False)
            return
        self.query_one("#idle-countdown", Static).update(self._countdown_text(math.ceil(left)))

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        self._answer(True)

    @on(Button.Pressed, "#idle-yes")
    def _yes(self) -> None:
        self._answer(True)

    def _answer(self, stay: bool) -> None:
        if not self._answered:
            self._answered = True
            self.dismiss(stay)
