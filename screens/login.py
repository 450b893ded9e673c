"""Login with Asan İmza (emulated): phone number and user ID, then the phone panel."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, Vertical
from textual.css.query import NoMatches
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Input, Label, Static

from data.mobile_id import MidResult, MidSession, PinOutcome
from data.text import format_phone, normalize_phone
from screens.widgets import LocalFooter, TitleBar
from tui.i18n import LANGUAGES, N_, _

# One message per outcome; an unknown pair and a wrong pair read the same (no enumeration).
OUTCOME_MESSAGES = {
    MidResult.USER_CANCELLED: N_("You cancelled the login on the phone."),
    MidResult.TIMEOUT: N_("The login was not confirmed in time. Please start again."),
    MidResult.NOT_MID_CLIENT: N_("This phone number and user ID do not match an Asan İmza account."),
    MidResult.PIN_BLOCKED: N_("PIN1 is blocked after 3 wrong attempts. Unblock it with your PUK code at an ASAN service centre."),
}


class LoginScreen(Screen):
    """Step 1 of the seed: Asan İmza login."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "next_language", N_("Language"), id="language"),
    ]

    def __init__(self, message: str = "") -> None:
        super().__init__()
        self.message = message
        self._session: MidSession | None = None
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Center(), Vertical(id="login-panel", classes="panel"):
            yield Label(_("Log in with Asan İmza"), classes="panel-title")
            yield Label(_("Mobile number"), classes="field-label")
            yield Input(placeholder=_("e.g. 050 123 45 67"), id="phone", compact=True, max_length=20,
                        restrict=r"[0-9+()\- ]*")
            yield Label(_("User ID"), classes="field-label")
            yield Input(placeholder=_("digits from your Asan İmza card"), id="user-id", compact=True,
                        max_length=12, restrict=r"[0-9]*")
            yield Button(_("Log in"), id="login", variant="primary")
            yield Static("", id="verification-code", classes="code")
            yield Static(self.message, id="login-error", classes="error", markup=False)
            with Horizontal(id="languages"):
                for lang in LANGUAGES:
                    current = lang == self.app.lang
                    yield Button(Content(f"[{lang.upper()}]" if current else lang.upper()), id=f"lang-{lang}",
                                 classes="lang current" if current else "lang", compact=True)
            hint = self.app.register.demo_hint()
            if hint:
                yield Static(
                    _("Demo register — try phone {phone}, user ID {user_id}, PIN1 {pin1}").format(**hint),
                    id="demo-hint", classes="hint", markup=False,
                )
        yield LocalFooter()

    def on_mount(self) -> None:
        self.query_one("#phone", Input).focus()

    # --- language ------------------------------------------------------------------------------

    def action_next_language(self) -> None:
        current = LANGUAGES.index(self.app.lang)
        self._switch_language(LANGUAGES[(current + 1) % len(LANGUAGES)])

    @on(Button.Pressed, ".lang")
    def _language_button(self, event: Button.Pressed) -> None:
        self._switch_language(event.button.id.removeprefix("lang-"))  # type: ignore[union-attr]

    def _switch_language(self, lang: str) -> None:
        phone, user_id = self.query_one("#phone", Input).value, self.query_one("#user-id", Input).value
        self.app.set_lang(lang)
        self.message = ""

        async def restore() -> None:
            await self.recompose()
            self.query_one("#phone", Input).value = phone
            self.query_one("#user-id", Input).value = user_id

        self.call_later(restore)

    # --- login -----------------------------------------------------------------------------------

    @on(Input.Submitted, "#phone")
    def _phone_entered(self) -> None:
        self.query_one("#user-id", Input).focus()

    @on(Input.Submitted, "#user-id")
    @on(Button.Pressed, "#login")
    def start_login(self) -> None:
        if self._session is not None:
            return
        phone = normalize_phone(self.query_one("#phone", Input).value)
        user_id = self.query_one("#user-id", Input).value.strip()
        if phone is None:
            self._fail(_("Enter a mobile number like 050 123 45 67 (+994 and an operator code 10, 50, 51, 55, 60, 70, 77 or 99)."), "#phone")
            return
        if not user_id:
            self._fail(_("Enter your user ID."), "#user-id")
            return
        started = self.app.mobile_id.start(phone, user_id)
        if isinstance(started, MidResult):
            # The phone number is personal data: the audit keeps only its keyed hash.
            self.app.record_safely("login", started.value,
                                   {"phone": self.app.tag(phone), "user_id": user_id}, actor=user_id)
            self._fail(_(OUTCOME_MESSAGES[started]))
            return
        self._begin(started)

    def _begin(self, session: MidSession) -> None:
        from screens.phone import PhoneScreen

        self._session = session
        self.query_one("#login-error", Static).update("")
        self.query_one("#verification-code", Static).update(
            _("Verification code: {code}\nCheck that your phone shows the same code, then confirm.").format(code=session.code)
        )
        self.query_one("#login", Button).disabled = True
        self._timer = self.set_timer(self.app.confirm_timeout, self._timed_out)
        self.app.push_screen(PhoneScreen(session, format_phone(session.identity.phone)), self._finished)

    def _timed_out(self) -> None:
        from screens.phone import PhoneScreen

        if isinstance(self.app.screen, PhoneScreen):
            self.app.screen.dismiss(PinOutcome(MidResult.TIMEOUT, 0))

    def _finished(self, outcome: PinOutcome | None) -> None:
        session, self._session = self._session, None
        if self._timer is not None:
            self._timer.stop()
        self.query_one("#verification-code", Static).update("")
        self.query_one("#login", Button).disabled = False
        result = outcome.result if outcome else MidResult.USER_CANCELLED
        user_id = session.identity.user_id if session else "-"
        identity = outcome.identity if outcome and result is MidResult.OK else None
        refusal = self.app.refusal(identity) if identity else None
        logged = "ROLE_REFUSED" if refusal else result.value
        if result is MidResult.PIN_BLOCKED:
            self.app.record_safely("pin_block", "blocked", {"user_id": user_id}, actor=user_id)
        recorded = self.app.record_safely("login", logged, {"user_id": user_id}, actor=user_id)
        if identity and not refusal:
            if recorded:  # the audit row is part of the login: without it, no session
                self.app.start_session(identity)
            else:
                self._fail(_("The login could not be recorded. Please try again or ask staff for help."))
            return
        self._fail(refusal or _(OUTCOME_MESSAGES.get(result, OUTCOME_MESSAGES[MidResult.USER_CANCELLED])))

    def is_blank(self) -> bool:
        """Nothing typed and no login under way: nothing here belongs to anyone."""
        try:
            typed = any(self.query_one(f, Input).value for f in ("#phone", "#user-id"))
        except NoMatches:  # not composed yet
            typed = False
        return self._session is None and not typed

    def clear_message(self) -> None:
        self.message = ""
        self.query_one("#login-error", Static).update("")

    def _fail(self, message: str, focus: str = "#phone") -> None:
        self.query_one("#login-error", Static).update(message)
        self.query_one(focus, Input).focus()
