"""What an administrator sees after logging in on a kiosk: stop the terminal, or go back."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Label, Static

from izle.data.i18n import N_, _
from izle.screens.messages import SessionEnded, StopAsked
from izle.screens.widgets import LocalFooter, TitleBar, data_text

if TYPE_CHECKING:
    from izle.data.desk import Desk


class AdminScreen(Screen):
    def __init__(self, terminal_name: str, desk: Desk) -> None:
        super().__init__()
        self.terminal_name, self.desk = terminal_name, desk

    def compose(self) -> ComposeResult:
        yield TitleBar(self.desk)
        with Vertical(id="admin-panel", classes="panel"):
            yield Label(_("Kiosk administration"), classes="panel-title")
            yield Label(_("Terminal"), classes="field-label")
            yield Static(data_text(self.terminal_name), id="admin-terminal", classes="value")
            yield Static(_("Stopping the terminal closes İzlə; its service manager may start it again."), classes="hint")
            with Horizontal(id="admin-actions"):
                yield Button(_("Stop this terminal"), id="stop-terminal", variant="error")
                yield Button(_("Back to login"), id="back-to-login", variant="primary")
        yield LocalFooter()

    def on_mount(self) -> None:
        self.query_one("#back-to-login", Button).focus()

    @on(Button.Pressed, "#stop-terminal")
    def _stop(self) -> None:
        self.post_message(StopAsked())

    @on(Button.Pressed, "#back-to-login")
    def _back(self) -> None:
        self.post_message(SessionEnded("user", N_("You have logged out.")))


class ConfirmStop(ModalScreen[bool]):
    """"Stop this terminal?" — No is focused, so Enter alone never stops it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "no", N_("Cancel"), id="cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-stop", classes="panel"):
            yield Label(_("Stop this terminal?"), classes="panel-title")
            yield Static(_("Nobody can use it until it is started again."), classes="hint")
            with Horizontal(id="admin-actions"):
                yield Button(_("No"), id="stop-no", variant="primary")
                yield Button(_("Yes, stop it"), id="stop-yes", variant="error")
        yield LocalFooter()

    def on_mount(self) -> None:
        self.query_one("#stop-no", Button).focus()

    @on(Button.Pressed, "#stop-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#stop-no")
    def action_no(self) -> None:
        self.dismiss(False)
