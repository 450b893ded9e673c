"""What an administrator sees after logging in on a kiosk: stop the terminal, or go back."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Label, Static

from screens.widgets import LocalFooter, TitleBar, data_text
from tui.i18n import N_, _


class AdminScreen(Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f3", "app.logout", N_("Log out"), id="logout"),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="admin-panel", classes="panel"):
            yield Label(_("Kiosk administration"), classes="panel-title")
            yield Label(_("Terminal"), classes="field-label")
            yield Static(data_text(self.app.terminal_name), id="admin-terminal", classes="value")
            yield Static(_("Stopping the terminal closes İzlə; its service manager may start it again."), classes="hint")
            with Horizontal(id="admin-actions"):
                yield Button(_("Stop this terminal"), id="stop-terminal", variant="error")
                yield Button(_("Back to login"), id="back-to-login", variant="primary")
        yield LocalFooter()

    def on_mount(self) -> None:
        self.query_one("#back-to-login", Button).focus()

    @on(Button.Pressed, "#stop-terminal")
    def _stop(self) -> None:
        self.app.stop_terminal("admin")

    @on(Button.Pressed, "#back-to-login")
    def _back(self) -> None:
        self.app.action_logout()
