"""F1: what this service does and which keys do what."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from izle.data.i18n import N_, _
from izle.data.modes import Mode, ModeProfile

KEYS = (
    ("Tab / Shift+Tab", N_("move between fields")),
    ("Enter", N_("confirm the field or press the button")),
    ("F1", N_("this help")),
    ("F2", N_("change the language (on the login screen)")),
    ("F3", N_("log out")),
    ("Esc / F12", N_("back")),
)
# What each mode adds to the steps above (text, what F4 does): a citizen starts from their own
# list (#my-letters; F4 is #track-other), an operator finds a caller's letters by applicant on
# the authority picker. One line each, so the help still fits an 80x24 console.
MODE_HELP = {
    Mode.CITIZEN: (N_("My letters lists your letters: Enter opens the chosen one."),
                N_("another letter by number and date (My letters)")),
    Mode.OPERATOR: (N_("The letters found are listed: Enter opens the chosen one."),
                 N_("find by applicant: FIN or surname (authority picker)")),
}


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,f12", "close", N_("Close"), id="close"),
    ]

    def __init__(self, profile: ModeProfile) -> None:
        super().__init__()
        self.profile = profile

    def compose(self) -> ComposeResult:
        mode_text, f4_does = MODE_HELP[self.profile.mode]
        with Vertical(id="help-body", classes="panel"):
            yield Label(_("Help"), classes="panel-title")
            yield Static(_(
                "İzlə shows where your letter to the State Customs Committee is: the structural "
                "unit, the executor and their phone, and the state of execution.\n"
                "1. Log in with Asan İmza: your mobile number and user ID, then confirm the code "
                "on your phone and enter PIN1.\n"
                "2. Choose the customs authority you wrote to.\n"
                "3. Enter the letter's number and registration date from your receipt."
            ) + "\n" + _(mode_text), classes="help-text")
            for keys, what in (*KEYS[:-1], ("F4", f4_does), KEYS[-1]):  # F-keys in order, then back
                yield Label(f"{keys:<16} {_(what)}", classes="help-key", markup=False)
            yield Button(_("Close"), id="help-close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#help-close", Button).focus()

    @on(Button.Pressed, "#help-close")
    def action_close(self) -> None:
        self.dismiss(None)
