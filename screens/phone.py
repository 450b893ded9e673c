"""The emulated phone: shows the verification code, Təsdiq / İmtina, then asks for PIN1."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from data.mobile_id import MidResult, MidSession, PinOutcome
from tui.i18n import N_, _, ngettext


class PhoneScreen(ModalScreen[PinOutcome]):
    """A panel drawn like a phone; dismisses with the outcome of the whole signature."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="cancel"),
    ]

    def __init__(self, session: MidSession, phone_display: str) -> None:
        super().__init__()
        self.session = session
        self.phone_display = phone_display

    def compose(self) -> ComposeResult:
        with Vertical(id="phone-body"):
            yield Label("Asan İmza", classes="phone-brand")
            yield Label(self.phone_display, classes="phone-number")
            with Vertical(id="phone-confirm-step"):
                yield Label(_("Login request from İzlə. Verification code:"), classes="phone-text")
                yield Static(self.session.code, id="phone-code", classes="code")
                yield Label(_("Confirm only if the same code is on the screen."), classes="phone-text")
                with Horizontal(classes="phone-buttons"):
                    yield Button(_("Confirm"), id="phone-confirm", variant="success")
                    yield Button(_("Cancel"), id="phone-cancel", variant="error")
            with Vertical(id="phone-pin-step"):
                yield Label(_("Enter PIN1"), classes="phone-text")
                yield Input(id="pin1", compact=True, password=True, max_length=8, restrict=r"[0-9]*")
                yield Static("", id="pin1-error", classes="error")
                with Horizontal(classes="phone-buttons"):
                    yield Button(_("OK"), id="pin1-ok", variant="success")
                    yield Button(_("Cancel"), id="pin1-cancel", variant="error")

    def on_mount(self) -> None:
        self.query_one("#phone-pin-step").display = False
        self.query_one("#phone-confirm", Button).focus()

    @on(Button.Pressed, "#phone-confirm")
    def _confirm(self) -> None:
        result = self.app.mobile_id.confirm(self.session)
        if result is not None:
            self.dismiss(PinOutcome(result, 0))
            return
        self.query_one("#phone-confirm-step").display = False
        self.query_one("#phone-pin-step").display = True
        self.query_one("#pin1", Input).focus()

    @on(Button.Pressed, "#phone-cancel, #pin1-cancel")
    def action_cancel(self) -> None:
        self.dismiss(PinOutcome(self.app.mobile_id.cancel(self.session), 0))

    @on(Input.Submitted, "#pin1")
    @on(Button.Pressed, "#pin1-ok")
    def _submit_pin(self) -> None:
        pin = self.query_one("#pin1", Input).value
        if not 4 <= len(pin) <= 8:
            self.query_one("#pin1-error", Static).update(_("PIN1 has 4 to 8 digits."))
            return
        self.query_one("#pin1-ok", Button).disabled = True
        self._check_pin(pin)

    @work(thread=True, exclusive=True, group="pin")
    def _check_pin(self, pin: str) -> None:
        # scrypt is deliberately slow: keep it off the UI thread.
        with self.app.state_lock:  # terminal.db is shared with the UI thread
            outcome = self.app.mobile_id.submit_pin(self.session, pin)
        self.app.call_from_thread(self._pin_checked, outcome)

    def _pin_checked(self, outcome: PinOutcome) -> None:
        if outcome.result is not MidResult.WRONG_PIN:
            self.dismiss(outcome)
            return
        self.app.record_safely("pin", "WRONG_PIN", {"user_id": self.session.identity.user_id},
                        actor=self.session.identity.user_id)
        pin_input = self.query_one("#pin1", Input)
        pin_input.value = ""
        pin_input.focus()
        self.query_one("#pin1-ok", Button).disabled = False
        self.query_one("#pin1-error", Static).update(
            ngettext("Wrong PIN1. {n} attempt left before PIN1 is blocked.",
                     "Wrong PIN1. {n} attempts left before PIN1 is blocked.",
                     outcome.tries_left).format(n=outcome.tries_left)
        )
