"""The router: every screen change of İzlə, in the order a session goes.

Screens post messages (screens/messages.py) and never push a screen or call the App; the App
hands each one to `Router.route`. Each screen is given what it uses — the desk (or, before it
is opened, a way to open it), the language and the mode's profile — when it is built here.

A session, read top to bottom:
1. `show_login`: a fresh login screen on an empty stack.
2. `LoginUnderWay`: the code is shown; the phone rings (the emulator's) and, while the person
   confirms and types PIN1, the session's first screen is built out of sight (`prepare_first_screen`,
   tui/screen_ahead.py).
3. `first_page`: as the login completes, off the UI thread, the data that screen shows.
4. `LoggedIn`: `start_session` shows it (or builds it, if it was not built ahead).
5. `TrackOther`, `AgencyChosen`, `FindApplicant`, `Back`: the steps of a lookup.
6. `SessionEnded` (log out, idle, too many misses), `OutOfService`: back to step 1.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from izle.data.i18n import N_, _
from izle.screens.messages import (AgencyChosen, Back, FindApplicant, LanguageChosen, LoggedIn,
                                   LoginFailed, LoginUnderWay, Navigate, NewCall, OutOfService,
                                   SessionEnded, StopAsked, TrackOther)
from izle.tui.screen_ahead import ScreenAhead

if TYPE_CHECKING:
    from textual.screen import Screen

    from izle.data.desk import ListAnswer
    from izle.screens.login import LoginScreen
    from izle.tui.app import IzleApp

P = ParamSpec("P")
R = TypeVar("R")


def unless_stopping(method: Callable[Concatenate[Router, P], R]) -> Callable[Concatenate[Router, P], R | None]:
    """No screen changes once a stop has begun (tui/app.py): the screens are about to go, and
    one pushed now would never be composed."""
    @wraps(method)
    def guarded(self: Router, *args: P.args, **kwargs: P.kwargs) -> R | None:
        return None if self.app.stopping else method(self, *args, **kwargs)

    return guarded


class Router:
    def __init__(self, app: IzleApp) -> None:
        self.app = app
        self.ahead = ScreenAhead(app)

    async def route(self, message: Navigate) -> None:
        """The screen change a screen asked for (none once the app is stopping or closing:
        its screens are going, and a worker's late answer has nowhere to go)."""
        if self.app.stopping or not self.app.screen_stack:
            return
        match message:
            case LanguageChosen():
                await self.change_language(message)
            case LoginUnderWay():
                self.login_under_way(message)
            case LoggedIn():
                self.start_session(message.first_page)
            case LoginFailed():
                self.login_refused()
            case TrackOther():
                self.app.push_screen(self.agency_screen(back_to_letters=True))
            case AgencyChosen():
                self.app.push_screen(self.lookup_screen(message))
            case FindApplicant():
                self.app.push_screen(self.applicant_screen())
            case Back():
                self.app.pop_screen()
            case NewCall():
                self.new_call()
            case SessionEnded():
                self.end_session(message.reason, message.message)
            case OutOfService():
                self.out_of_service(message.detail)
            case StopAsked():
                self.confirm_stop()

    # --- 1. the login -------------------------------------------------------------------------

    @unless_stopping
    def start(self) -> None:
        self.ahead.start()
        self.show_login()

    @unless_stopping
    def show_login(self, message: str = "", message_lang: str | None = None) -> None:
        """A fresh login screen on an empty stack: nothing of the last person survives (their
        speech volume neither). `message_lang`: the language `message` is in, if not the app's."""
        from izle.screens.login import LoginScreen

        app = self.app
        while len(app.screen_stack) > 1:
            app.pop_screen()
        app.idle_prompt_open = False
        if app.reader is not None:
            app.reader.speaker.next_visitor()
        app.push_screen(LoginScreen(message, lang=app.lang, open_desk=lambda: app.desk,
                                    hint=self._demo_hint(), first_page=self.first_page,
                                    message_lang=message_lang, operator=app.profile.operator))

    def _demo_hint(self) -> dict | None:
        """The demo identity to try, of this mode's kind (an operator's in operator mode)."""
        from izle.data.demo_hint import read_demo_hint

        try:
            return read_demo_hint(self.app.settings.register, self.app.profile.mode.value)
        except Exception:  # noqa: BLE001 - a hint is a courtesy; a broken register says so later
            return None

    def login_screen(self) -> LoginScreen | None:
        from izle.screens.login import LoginScreen

        return next((s for s in self.app.screen_stack if isinstance(s, LoginScreen)), None)

    async def change_language(self, message: LanguageChosen) -> None:
        self.app.set_lang(message.lang)
        await message.screen.retranslate(message.lang)

    # --- 2. the phone rings; the first screen is built ahead ---------------------------------

    @unless_stopping
    def login_under_way(self, message: LoginUnderWay) -> None:
        from izle.data.text import format_phone
        from izle.screens.phone import PhoneScreen

        app, login = self.app, message.screen
        login.take_keys()  # keys typed ahead go to the phone, once it is there
        # Built while the person reads the code and types PIN1, after the phone is painted.
        app.call_after_refresh(self.prepare_first_screen)
        emulator = app.emulated_phone
        session_id = message.started.session_id
        ringing = emulator.ringing(session_id) if emulator else None
        if emulator is None or ringing is None:
            # No phone on this screen (a real one is the person's own, or none rings for an
            # unknown ID): keys typed ahead for it, PIN1 among them, are not the login's.
            app.typeahead.drop()
            return
        login.phone_shown()
        app.push_screen(PhoneScreen(emulator, session_id, format_phone(ringing[0]), ringing[1]),
                        callback=login.phone_put_away)

    def login_refused(self) -> None:
        """What was typed ahead was meant for the phone — PIN1 among it — never for the
        login's fields: dropped, and the login takes the next keys."""
        self.app.typeahead.drop()
        login = self.login_screen()
        if login is not None:
            login.take_keys()
        self.put_phone_away()

    def put_phone_away(self) -> None:
        """Timed out or refused while the phone was open."""
        from izle.screens.phone import PhoneScreen

        if isinstance(self.app.screen, PhoneScreen):
            self.app.screen.dismiss()

    def _lists_letters_first(self) -> bool:
        """A citizen's own letters first (DESIGN §5); a kiosk's administrator has none."""
        app = self.app
        session = app.session
        return (session is not None and app.profile.first_screen == "letters"
                and not (app.kiosk and session.identity.role == "admin"))

    @unless_stopping
    def prepare_first_screen(self) -> None:
        """The session's first screen, built ahead (tui/screen_ahead.py). A kiosk's
        administrator, known only after PIN1, does not use it."""
        if self.app.session is not None:
            return
        if self.app.profile.first_screen == "letters":
            self.ahead.prepare(partial(self.letters_screen, ahead=True), self.app.lang)
        else:
            self.ahead.prepare(self.agency_screen, self.app.lang)

    # --- 3. and 4. the session's first screen ------------------------------------------------

    def first_page(self) -> ListAnswer | None:
        """Called off the UI thread as a login completes: what the first screen shows (a
        citizen's letters), so that screen is painted whole at once, in one step."""
        return self.app.desk.my_letters() if self._lists_letters_first() else None

    @unless_stopping
    def start_session(self, first_page: ListAnswer | None = None) -> None:
        """The session's first screen replaces the login (and the phone, if it is still open);
        the one built ahead is shown as it is, filled with `first_page`."""
        from izle.screens.admin import AdminScreen
        from izle.screens.agency import AgencyScreen
        from izle.screens.letters import MyLettersScreen

        app = self.app
        session = app.session
        if session is None:
            return
        first: Screen
        if app.kiosk and session.identity.role == "admin":
            first = AdminScreen(app.terminal_name, app.desk)
        elif self._lists_letters_first():
            letters = self.ahead.take(MyLettersScreen, app.lang)
            if letters is not None:
                letters.show_first_page(first_page)
                self.ahead.show()
                return
            first = self.letters_screen(first_page)
        elif self.ahead.take(AgencyScreen, app.lang) is not None:
            self.ahead.show()
            return
        else:
            first = self.agency_screen()
        while len(app.screen_stack) > 2:  # the phone, above the login on its blank base
            app.pop_screen()
        app.switch_screen(first)

    # --- 5. the screens of a session ----------------------------------------------------------

    def letters_screen(self, first_page: ListAnswer | None = None, *, ahead: bool = False):
        from izle.screens.letters import MyLettersScreen

        app = self.app
        return MyLettersScreen(app.desk, app.lang, app.profile, first_page, ahead=ahead)

    def agency_screen(self, *, back_to_letters: bool = False):
        from izle.screens.agency import AgencyScreen

        app = self.app
        return AgencyScreen(app.desk, app.lang, app.profile, back_to_letters=back_to_letters)

    def lookup_screen(self, message: AgencyChosen):
        from izle.screens.lookup import LookupScreen

        app = self.app
        return LookupScreen(message.agency, app.desk, app.lang, app.profile)

    def applicant_screen(self):
        from izle.screens.letters import ApplicantScreen

        app = self.app
        return ApplicantScreen(app.desk, app.lang, app.profile)

    @unless_stopping
    def new_call(self) -> None:
        """The operator's next caller: the desk forgets the last one and audits the boundary,
        and every screen of the last call goes — form, caller check, letter, applicant search —
        for a fresh authority picker."""
        app = self.app
        if not app.profile.operator or app.session is None:
            return
        app.desk.new_call()
        while len(app.screen_stack) > 2:  # above the mode's blank base and the picker
            app.pop_screen()
        app.switch_screen(self.agency_screen())

    @unless_stopping
    def read_out(self, letter) -> None:
        """The letter shown, in the caller's language (the next after the operator's: a caller
        speaking the operator's own needs no readout); the operator's screens keep theirs."""
        from izle.data.i18n import LANGUAGES
        from izle.screens.readout import ReadoutScreen

        app = self.app
        caller = LANGUAGES[(LANGUAGES.index(app.lang) + 1) % len(LANGUAGES)]
        app.push_screen(ReadoutScreen(letter, caller))

    @unless_stopping
    def show_help(self) -> None:
        from izle.screens.help import HelpScreen

        if not isinstance(self.app.screen, HelpScreen):
            self.app.push_screen(HelpScreen(self.app.profile, self.app.screen))

    @unless_stopping
    def ask_still_there(self) -> None:
        """Nobody touched the terminal for a while: "still there?", then log out."""
        from izle.screens.idle import IdleScreen

        app = self.app
        app.idle_prompt_open = True
        app.push_screen(IdleScreen(app.settings.idle_prompt, app.clock), self._still_there)

    @unless_stopping
    def _still_there(self, stay: bool | None) -> None:
        self.app.idle_answered()
        if not stay:
            self.end_session("idle", N_("You were logged out because the terminal was not used."))

    @unless_stopping
    def confirm_stop(self) -> None:
        """Asked once more: Tab wraps onto the stop button, and a kiosk stopped by mistake is a
        kiosk out of service until someone comes."""
        from izle.screens.admin import ConfirmStop

        def answered(stop: bool | None) -> None:
            if stop:
                self.app.stop_terminal("admin")

        self.app.push_screen(ConfirmStop(), answered)

    # --- 6. the end of a session --------------------------------------------------------------

    @unless_stopping
    def end_session(self, reason: str, message: str = "") -> None:
        """Log out: the audit row is written by a worker, the screens are cleared at once.

        `message` is a msgid, said in the language of the person leaving (their goodbye, or
        why they were logged out); on a kiosk the screen then goes back to the terminal's
        language, and the goodbye goes after GOODBYE_SECONDS or at the next key, whichever
        comes first, so the next person never reads the last one's.
        """
        app = self.app
        if app.settings.end_on_logout:  # nobody else comes to a browser's tab: the run ends
            from izle.tui.web.endings import exit_status

            app.desk.end_session(reason)
            app.exit(return_code=exit_status(reason))  # the page says why (tui/web/endings.py)
            return
        if app.desk.close_session(reason) is not None:
            app.run_worker(app.desk.write_logouts, thread=True, exit_on_error=False)
        goodbye, visitor_lang = (_(message) if message else ""), app.lang
        if app.kiosk and app.lang != app.settings.lang:
            app.set_lang(app.settings.lang)
        self.show_login(goodbye, message_lang=visitor_lang)
        if goodbye and app.kiosk:
            app.start_goodbye()

    @unless_stopping
    def out_of_service(self, detail: str) -> None:
        """The register cannot be read: one sentence instead of a crash or half a letter."""
        from izle.screens.out_of_service import OutOfServiceScreen

        app = self.app
        if app.desk.close_session("out_of_service") is not None:
            app.run_worker(app.desk.write_logouts, thread=True, exit_on_error=False)
        app.desk.record_safely("out_of_service", "register", {"detail": detail[:200]})
        while len(app.screen_stack) > 1:
            app.pop_screen()
        app.push_screen(OutOfServiceScreen(detail))
