"""Login with Asan İmza: phone number and user ID, then the code, confirmed on the phone.

The screen shows the verification code and waits, in a worker, for the provider's outcome
(data/desk/ polls it the MID-REST way); the emulated phone is the emulator's own panel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from izle.data.i18n import LANGUAGES, N_, _
from izle.screens.keys import DEFAULT_KEYS
from izle.screens.messages import LanguageChosen, LoggedIn, LoginFailed, LoginUnderWay
from izle.screens.widgets import FormFlow, LocalFooter, TitleBar

# The desk's modules are loaded after this screen's first paint (tui/app.py `desk`): the
# handlers below, which run after it, import what they use of them.
if TYPE_CHECKING:
    from collections.abc import Callable

    from izle.data.desk import Desk, ListAnswer, LoginResult
    from izle.data.mobile_id import MidStart

# One message per outcome (LoginOutcome's values); an unknown pair and a wrong pair read the same.
OUTCOME_MESSAGES = {
    "USER_CANCELLED": N_("You cancelled the login on the phone."),
    "TIMEOUT": N_("The login was not confirmed in time. Please start again."),
    "NOT_MID_CLIENT": N_("This phone number and user ID do not match an Asan İmza account."),
    "PIN_BLOCKED": N_("PIN1 is blocked after 3 wrong attempts. Unblock it with your PUK code at an ASAN service centre."),
    "ROLE_REFUSED": N_("Only call-centre operators may use operator mode. This account may not."),
    "NOT_RECORDED": N_("The login could not be recorded. Please try again or ask staff for help."),
}
FIELDS = {"phone": "#phone", "user_id": "#user-id"}
HOLD_SECONDS = 0.25  # how long the provider may hold one status request (a long poll)


class LoginScreen(FormFlow, Screen):
    """Step 1 of the seed: Asan İmza login."""

    help_msgids = (
        N_("Log in with Asan İmza: your mobile number and user ID, then confirm the code on your phone and enter PIN1."),
        N_("Operator mode: log in with your own Asan İmza (a call-centre operator's account), then confirm the code on your phone and enter PIN1."),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(DEFAULT_KEYS["lang"], "next_language", N_("Language"), id="lang"),
    ]

    def __init__(self, message: str = "", *, lang: str, open_desk: Callable[[], Desk], hint: dict | None = None,
                 first_page: Callable[[], ListAnswer | None] = lambda: None,
                 message_lang: str | None = None, operator: bool = False) -> None:
        """`open_desk`: the desk, opened (or waited for) only when the login starts, after the
        first paint; `hint`: the demo identity to try; `first_page`: asked off the UI thread as
        the login completes, the data of the session's first screen; `message_lang`: the
        language `message` is in, when not `lang` (the voice that says it, tui/speech.py)."""
        super().__init__()
        self.message, self.lang, self.operator = message, lang, operator  # operator mode: said at once
        self.message_lang = message_lang or lang
        self._open_desk, self.hint, self._first_page = open_desk, hint, first_page
        self._pending: tuple[str, str, MidStart] | None = None
        self._typed: dict[str, str] = {}  # kept across a language switch
        self._signed_in = False
        # While the login asks for a code, keys typed ahead are for the phone about to ring,
        # not for these fields (tui/typeahead.py holds them; a refusal drops them).
        self.keys_wait = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Center(), Vertical(id="login-panel", classes="panel"):
            yield Label(_("Operator mode: log in with Asan İmza") if self.operator
                        else _("Log in with Asan İmza"), classes="panel-title")
            yield Label(_("Mobile number"), classes="field-label")
            yield Input(self._typed.get("#phone", ""), placeholder=_("e.g. 050 123 45 67"), id="phone",
                        compact=True, max_length=20, select_on_focus=False, restrict=r"[0-9+()\- ]*")
            yield Label(_("User ID"), classes="field-label")
            yield Input(self._typed.get("#user-id", ""), placeholder=_("digits from your Asan İmza card"), id="user-id", compact=True,
                        max_length=12, select_on_focus=False, restrict=r"[0-9]*")
            # One row each (the code only while it is shown): a two-line message still fits
            # the 80x24 card with the demo hint under it.
            yield Button(_("Log in"), id="login", variant="primary", compact=True)
            yield Static("", id="verification-code", classes="code")
            yield Static(self.message, id="login-error", classes="error", markup=False)
            with Horizontal(id="languages"):
                for lang in LANGUAGES:
                    current = lang == self.lang
                    yield Button(Content(f"[{lang.upper()}]" if current else lang.upper()), id=f"lang-{lang}",
                                 classes="lang current" if current else "lang", compact=True)
            if self.hint:
                yield Static(
                    _("Demo register — try phone {phone}, user ID {user_id}, PIN1 {pin1}").format(**self.hint),
                    id="demo-hint", classes="hint", markup=False,
                )
        yield LocalFooter()

    @property
    def desk(self) -> Desk:
        return self._open_desk()

    def on_mount(self) -> None:
        self.query_one("#verification-code", Static).display = False
        self.set_focus(self.query_one("#phone", Input))  # now: keys typed ahead wait for it

    def form_fields(self) -> tuple[str, ...]:
        return ("#phone", "#user-id")

    def submit_form(self) -> None:
        self.start_login()

    # --- language ------------------------------------------------------------------------------

    async def action_next_language(self) -> None:
        current = LANGUAGES.index(self.lang)
        await self._switch_language(LANGUAGES[(current + 1) % len(LANGUAGES)])

    @on(Button.Pressed, ".lang")
    async def _language_button(self, event: Button.Pressed) -> None:
        await self._switch_language(event.button.id.removeprefix("lang-"))  # type: ignore[union-attr]

    async def _switch_language(self, lang: str) -> None:
        self.post_message(LanguageChosen(self, lang))

    async def retranslate(self, lang: str) -> None:
        """Every text anew in the new language; what was typed, and where, stays."""
        typed = {f: self.query_one(f, Input).value for f in ("#phone", "#user-id")}
        focused = f"#{self.focused.id}" if self.focused is not None and self.focused.id in ("phone", "user-id") else "#phone"
        self.lang = lang
        self.message = ""
        self._typed = typed
        await self.recompose()
        self._verification_code("")
        self.set_focus(self.query_one(focused, Input))

    # --- login -----------------------------------------------------------------------------------

    @on(Button.Pressed, "#login")
    def start_login(self) -> None:
        if self._pending is not None:
            return
        from izle.data.desk import FormProblem

        checked = self.desk.check_login(self.query_one("#phone", Input).value,
                                            self.query_one("#user-id", Input).value)
        if isinstance(checked, FormProblem):
            self._fail(checked.problem.text(_), FIELDS[checked.field])
            return
        self.query_one("#login", Button).disabled = True
        self.keys_wait = True
        self._login(*checked)

    def take_keys(self) -> None:
        """The code was sent (keys typed ahead go to the phone, once it is there), or the login
        was refused (the router has dropped them): keys typed from now on are this screen's."""
        self.keys_wait = False

    @work(thread=True, exclusive=True, group="login")
    def _login(self, phone: str, user_id: str) -> None:
        """Start with the provider off the UI thread (it reads terminal.db), then show the code."""
        from izle.data.terminal import StoreError

        from izle.data.desk import LoginResult

        try:
            started = self.desk.start_login(phone, user_id)
        except StoreError as error:
            self.app.call_from_thread(self._finished, None, error.problem.text(_))
            return
        if isinstance(started, LoginResult):  # refused before any code was sent
            self.app.call_from_thread(self._finished, None, _(OUTCOME_MESSAGES[started.outcome.value]))
            return
        self.app.call_from_thread(self._show_code, phone, user_id, started)

    def _show_code(self, phone: str, user_id: str, started: MidStart) -> None:
        self._pending = (phone, user_id, started)
        self.query_one("#login-error", Static).update("")
        self._verification_code(
            _("Verification code: {code}\nCheck that your phone shows the same code, then confirm.").format(code=started.code)
        )
        self._await_provider(phone, user_id, started)
        self.post_message(LoginUnderWay(self, started))

    def phone_shown(self) -> None:
        """The panel moves aside for the phone: both codes must stay readable side by side."""
        self.add_class("-phone-ringing")

    def phone_put_away(self, result: None = None) -> None:
        if not self._signed_in:  # else this screen is replaced at once: restyling it is waste
            self.remove_class("-phone-ringing")

    @work(thread=True, group="login-poll")  # one at a time by construction (_ask_again)
    def _await_provider(self, phone: str, user_id: str, started: MidStart) -> None:
        """One status request, held by the provider until the person answers or HOLD_SECONDS
        pass (MID-REST's long poll); then the next one, asked from the UI thread. One short
        worker at a time: whoever waits for the app's workers (a script, a test) waits for one
        hold, not for a person to pick up the phone. The audit row is written here."""
        from izle.data.terminal import StoreError

        desk = self.desk
        if desk.login_abandoned(started):
            return
        try:
            result = desk.poll_login(phone, user_id, started, wait=HOLD_SECONDS)
        except StoreError as error:
            self.app.call_from_thread(self._finished, None, error.problem.text(_))
            return
        if result is None:
            self.app.call_from_thread(self._ask_again, phone, user_id, started)
            return
        first_page = self._prepare(result)
        self.app.call_from_thread(self._finished, result, "", first_page)

    def _ask_again(self, phone: str, user_id: str, started: MidStart) -> None:
        if self.is_mounted and self._pending is not None and self._pending[2] is started:
            self._await_provider(phone, user_id, started)

    def _prepare(self, result: LoginResult) -> ListAnswer | None:
        """The first screen's data, fetched in this same worker (one hop less to wait for)."""
        return self._first_page() if result.ok else None

    def on_unmount(self) -> None:
        """Logged out or timed out mid-login: the provider stops asking the phone."""
        if self._pending is not None:
            self.desk.abandon_login(self._pending[2])

    def _finished(self, result: LoginResult | None, failure: str, first_page: ListAnswer | None = None) -> None:
        if self._pending is None and result is not None:
            return  # the login was given up meanwhile
        self._pending = None
        self._signed_in = result is not None and result.ok
        if self._signed_in and self.is_mounted:  # the session's first screen replaces this
            self.post_message(LoggedIn(first_page))  # one and the phone, as they are
            return
        self.post_message(LoginFailed())
        if not self.is_mounted:
            return
        self._verification_code("")
        self.query_one("#login", Button).disabled = False
        self._fail(failure or _(OUTCOME_MESSAGES[result.outcome.value]))  # type: ignore[union-attr]

    def _verification_code(self, text: str) -> None:
        code = self.query_one("#verification-code", Static)
        code.update(text)
        code.display = bool(text)

    def is_blank(self) -> bool:
        """Nothing typed and no login under way: nothing here belongs to anyone."""
        try:
            typed = any(self.query_one(f, Input).value for f in ("#phone", "#user-id"))
        except NoMatches:  # not composed yet
            typed = False
        return self._pending is None and not typed

    def clear_message(self) -> None:
        self.message = ""
        try:
            self.query_one("#login-error", Static).update("")
        except NoMatches:  # not composed yet: nothing shown to clear
            pass

    def _fail(self, message: str, focus: str = "#phone") -> None:
        self.query_one("#login-error", Static).update(message)
        self.set_focus(self.query_one(focus, Input))
