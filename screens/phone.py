"""The emulated phone of Asan İmza: the code, Təsdiq / İmtina, then PIN1.

It belongs to the emulator (data/mobile_id.py EmulatedMobileId): it talks to the emulator's
phone side only, never to the login screen, which learns the outcome from the provider as it
would from a real one.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from izle.data.i18n import N_, _, ngettext
from izle.data.mobile_id import EmulatedMobileId, PinAnswer
from izle.data.terminal import StoreError
from izle.screens.widgets import Asking, FormFlow, LocalFooter


class PhoneScreen(FormFlow, ModalScreen[None]):
    """A panel drawn like a phone."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="cancel"),
    ]

    def __init__(self, phone: EmulatedMobileId, session_id: str, phone_display: str,
                 code: str) -> None:
        super().__init__()
        self.phone, self.session_id = phone, session_id
        self.phone_display, self.code = phone_display, code
        self._checking = Asking(self, "#pin1-ok")  # PIN1 being checked

    def compose(self) -> ComposeResult:
        with Vertical(id="phone-body"):
            yield Label("Asan İmza", classes="phone-brand")
            yield Label(self.phone_display, classes="phone-number")
            with Vertical(id="phone-confirm-step"):
                yield Label(_("Login request from İzlə. Verification code:"), classes="phone-text")
                yield Static(self.code, id="phone-code", classes="code")
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
        # The keys in force while the phone is up (Esc cancels; the login's are not).
        yield LocalFooter()

    def on_mount(self) -> None:
        self.query_one("#phone-pin-step").display = False
        self.query_one("#phone-confirm", Button).focus()

    @on(Button.Pressed, "#phone-confirm")
    def _confirm(self) -> None:
        if not self.phone.confirm(self.session_id):
            self.dismiss()  # too late: the login screen hears TIMEOUT from the provider
            return
        self.query_one("#phone-confirm-step").display = False
        self.query_one("#phone-pin-step").display = True
        self.set_focus(self.query_one("#pin1", Input))

    @on(Button.Pressed, "#phone-cancel, #pin1-cancel")
    def action_cancel(self) -> None:
        self.phone.cancel(self.session_id)
        self.dismiss()

    def form_fields(self) -> tuple[str, ...]:
        return ("#pin1",)

    def submit_form(self) -> None:
        self._submit_pin()

    @on(Button.Pressed, "#pin1-ok")
    def _submit_pin(self) -> None:
        pin = self.query_one("#pin1", Input).value
        if not 4 <= len(pin) <= 8:
            self.query_one("#pin1-error", Static).update(_("PIN1 has 4 to 8 digits."))
            return
        if self._checking.on_its_way:
            return
        self._checking.start()
        self._check_pin(pin)

    @work(thread=True, exclusive=True, group="pin")
    def _check_pin(self, pin: str) -> None:
        # scrypt is deliberately slow, and terminal.db may be busy: never on the UI thread.
        try:
            answer, left = self.phone.enter_pin(self.session_id, pin)
        except StoreError as error:
            self.app.call_from_thread(self._show_error, error.problem.text(_))
            return
        self.app.call_from_thread(self._pin_checked, answer, left)

    def _show_error(self, message: str) -> None:
        if self.is_mounted:
            self._checking.answered()
            self.query_one("#pin1-error", Static).update(message)

    def _pin_checked(self, answer: PinAnswer, left: int) -> None:
        if not self.is_mounted:
            return
        if answer is PinAnswer.ACCEPTED:
            # The phone stays as it is (OK taking no second PIN1, dimmed if the service is
            # slow) until the service goes on a moment later and the login screen puts it away:
            # one screen change instead of two, and no repaint in between to wait through.
            return
        if answer is not PinAnswer.WRONG:
            self.dismiss()
            return
        self._checking.answered()  # OK works again for the next try
        pin_input = self.query_one("#pin1", Input)
        pin_input.value = ""
        pin_input.focus()
        self.query_one("#pin1-error", Static).update(
            ngettext("Wrong PIN1. {n} attempt left before PIN1 is blocked.",
                     "Wrong PIN1. {n} attempts left before PIN1 is blocked.",
                     left).format(n=left)
        )
