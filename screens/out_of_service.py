"""What a terminal shows when its register cannot be read: one sentence, and nothing else.

A damaged or vanished register must not end a kiosk with a traceback, nor show half a letter.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Label, Static

from izle.data.i18n import _
from izle.screens.widgets import LocalFooter, TitleBar


class OutOfServiceScreen(Screen):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Center(), Vertical(id="out-of-service", classes="panel"):
            yield Label(_("This terminal is out of service"), classes="panel-title")
            yield Static(_("The register of letters on this terminal cannot be read. Please ask staff for help."),
                         id="out-of-service-reason", classes="error")
            yield Static(self.reason, id="out-of-service-detail", classes="hint", markup=False)
        yield LocalFooter()
