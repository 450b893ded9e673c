"""Step 3 of the seed: the letter's number and registration date, then *show*.

In operator mode one more field, `#caller-check`: the applicant's FIN or surname as the caller
states it. The letter's details show only when it matches (DESIGN §2).
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from data import deadlines
from data.caller import FOUND, UNVERIFIED, Lookup
from data.letters import Agency, LetterView
from data.text import MIN_YEAR, parse_date
from screens.widgets import LocalFooter, TitleBar, data_text
from tui.i18n import N_, _

DATE_CHARS = r"[0-9./\-]*"


def check_date(text: str, today: date) -> tuple[date | None, str]:
    """The registration date, or None and the reason in the user's language."""
    if not text.strip():
        return None, _("Enter the registration date, e.g. 05.03.2026.")
    try:
        value = parse_date(text)
    except ValueError:
        return None, _("There is no such date. Enter it as DD.MM.YYYY, e.g. 05.03.2026.")
    if value > today:
        return None, _("The registration date cannot be in the future.")
    if value.year < MIN_YEAR:
        return None, _("There is no such date. Enter it as DD.MM.YYYY, e.g. 05.03.2026.")
    return value, ""


class LookupScreen(Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "other_agency", N_("Other authority"), id="other-agency"),
        Binding("f3", "app.logout", N_("Log out"), id="logout"),
    ]

    def __init__(self, agency: Agency) -> None:
        super().__init__()
        self.agency = agency
        self._result_shown = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(classes="panel"):
            yield Label(_("Customs authority"), classes="field-label")
            yield Label(data_text(self.agency.name.get(self.app.lang)), id="lookup-agency", classes="value")
            yield Label(_("Letter number (as on your receipt)"), classes="field-label")
            yield Input(placeholder=_("e.g. 01-31/3073"), id="reg-number", compact=True, max_length=40)
            yield Label(_("Registration date (DD.MM.YYYY)"), classes="field-label")
            yield Input(placeholder=_("DD.MM.YYYY"), id="reg-date", compact=True, max_length=10, restrict=DATE_CHARS)
            if self.operator:
                yield Label(_("Caller's FIN or surname, as the caller states it"), classes="field-label")
                yield Input(placeholder=_("e.g. 5ZK9Q2M or Həsənov"), id="caller-check", compact=True,
                            max_length=40)
            yield Button(_("Show in which customs authority the letter is"), id="show", variant="primary")
            yield Static("", id="lookup-error", classes="error", markup=False)
            yield Static("", id="lookup-warning", classes="error", markup=False)
        yield LocalFooter()

    @property
    def operator(self) -> bool:
        return self.app.mode == "operator"

    @property
    def fields(self) -> tuple[str, ...]:
        return ("#reg-number", "#reg-date", "#caller-check") if self.operator else ("#reg-number", "#reg-date")

    def on_mount(self) -> None:
        self.query_one("#reg-number", Input).focus()

    def on_screen_resume(self) -> None:
        """Back from a result: ready for the next letter of the same person.

        Back from help or the idle prompt, the form stays as it was.
        """
        if not self._result_shown:
            return
        self._result_shown = False
        for field in self.fields:
            self.query_one(field, Input).value = ""
        self.query_one("#lookup-error", Static).update("")
        self.query_one("#show", Button).disabled = False
        self.query_one("#reg-number", Input).focus()

    def action_other_agency(self) -> None:
        self.app.pop_screen()

    @on(Input.Submitted, "#reg-number")
    def _number_entered(self) -> None:
        self.query_one("#reg-date", Input).focus()

    @on(Input.Submitted, "#reg-date")
    def _date_entered(self) -> None:
        if self.operator:
            self.query_one("#caller-check", Input).focus()
        else:
            self.show()

    @on(Input.Submitted, "#caller-check")
    @on(Button.Pressed, "#show")
    def show(self) -> None:
        number = self.query_one("#reg-number", Input).value.strip()
        if not number:
            self._error(_("Enter the letter's registration number."), "#reg-number")
            return
        reg_date, problem = check_date(self.query_one("#reg-date", Input).value, deadlines.today())
        if reg_date is None:
            self._error(problem, "#reg-date")
            return
        caller = self.query_one("#caller-check", Input).value.strip() if self.operator else ""
        if self.operator and not caller:
            self._error(_("Ask the caller for the applicant's FIN or surname and enter it as they say it."), "#caller-check")
            return
        self.query_one("#lookup-error", Static).update("")
        self.query_one("#show", Button).disabled = True
        self._lookup(number, reg_date, caller)

    @work(thread=True, exclusive=True, group="lookup")
    def _lookup(self, number: str, reg_date: date, caller: str) -> None:
        try:
            result = self.app.lookup(self.agency, number, reg_date, caller)
        except Exception:  # the audit or the register failed: show nothing of the letter
            self.app.call_from_thread(self._failed)
            return
        self.app.call_from_thread(self._answered, result)

    def _failed(self) -> None:
        self.query_one("#show", Button).disabled = False
        self._error(_("The lookup could not be completed. Please try again or ask staff for help."), "#reg-number")

    def _answered(self, result: Lookup) -> None:
        self.query_one("#show", Button).disabled = False
        if result.outcome == FOUND and result.letter is not None:
            self.query_one("#lookup-warning", Static).update("")
            self._result_shown = True
            self._show_result(result.letter)
            return
        consequence = self.app.after_miss()
        if consequence == "end":
            self.app.end_session("miss_limit", _("Too many unsuccessful searches: for your safety the session has ended."))
            return
        if consequence == "flag":
            self.query_one("#lookup-warning", Static).update(
                _("Warning: several lookups in a row found nothing or could not verify the caller. This has been recorded for your supervisor."))
        self._error(self._miss_message(result), "#caller-check" if result.outcome == UNVERIFIED else "#reg-number")

    def _show_result(self, letter: LetterView) -> None:
        """Push this form's result panel, built once and refilled for every next letter."""
        from screens.result import ResultScreen

        name = self._result_name
        if self.app.is_screen_installed(name):
            self.app.get_screen(name).show(letter)
        else:
            self.app.install_screen(ResultScreen(letter), name)
        self.app.push_screen(name)

    @property
    def _result_name(self) -> str:
        return f"result-{id(self)}"

    def on_unmount(self) -> None:
        """Leaving the form (another authority, logout, idle): its result panel goes with it."""
        name = self._result_name
        if not self.app.is_screen_installed(name):
            return
        screen = self.app.get_screen(name)
        if screen in self.app.screen_stack:  # only while the whole app shuts down
            return
        self.app.uninstall_screen(name)
        screen.remove()

    def _miss_message(self, result: Lookup) -> str:
        if result.outcome == UNVERIFIED:
            return _("The caller could not be verified: the FIN or surname they gave does not match the applicant. Give no details of this letter.")
        if self.operator:
            return _("No letter with this number and registration date was found at this authority.")
        return _("No letter of yours with this number and registration date was found at this authority. Check both on your receipt.")

    def _error(self, message: str, focus: str) -> None:
        self.query_one("#lookup-error", Static).update(message)
        self.query_one(focus, Input).focus()
