"""Step 3 of the seed: the letter's number and registration date, then *show*.

In operator mode one more field, `#caller-check`: the applicant's FIN or surname as the caller
states it. The letter's details show only when it matches (DESIGN §2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from izle.data.desk import Consequence, FormProblem, LookupAnswer, LookupRequest, Outcome
from izle.data.desk.sentences import Asked, consequence_sentence, sentence, spoken
from izle.data.i18n import N_, _, ngettext
from izle.data.letters import Agency
from izle.data.modes import ModeProfile
from izle.screens.messages import Back, SessionEnded
from izle.screens.result import ResultHost, ResultPanel
from izle.screens.keys import DEFAULT_KEYS
from izle.screens.widgets import (Asking, FormFlow, LocalFooter, NewCallButton, TitleBar, data_text,
                                  say, wait_sentence)

if TYPE_CHECKING:
    from izle.data.desk import Desk

DATE_CHARS = r"[0-9./\-]*"
FIELDS = {"number": "#reg-number", "date": "#reg-date", "caller": "#caller-check"}


class LookupScreen(FormFlow, ResultHost, Screen):
    RESULT_HIDES = "#lookup-form"
    help_here = (
        N_("Enter the letter's number and registration date as on your receipt, then press Enter."),
        N_("Enter the number and registration date from the caller's receipt, and the caller's FIN or surname: the letter is shown only when they match its applicant."),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        # One key and one legend for both: from a result back to the form, from the form back to
        # the authorities (an unchanged legend spares the footer a rebuild on every letter).
        Binding(DEFAULT_KEYS["back"], "back", N_("Back"), id="back"),
    ]

    def __init__(self, agency: Agency, desk: Desk, lang: str, profile: ModeProfile) -> None:
        super().__init__()
        self.agency, self.desk, self.lang, self.profile = agency, desk, lang, profile
        self._asking = Asking(self, "#show")  # a lookup on its way

    def compose(self) -> ComposeResult:
        yield TitleBar(self.desk)
        with Vertical(id="lookup-form", classes="panel"):
            with Horizontal(id="lookup-head"):
                yield Label(_("Customs authority"), classes="field-label")
                if self.operator:  # the next caller from here too, in a row the form has anyway
                    yield NewCallButton()
            yield Label(data_text(self.agency.name.get(self.lang)), id="lookup-agency", classes="value")
            yield Label(_("Letter number (as on the caller's receipt)") if self.operator
                        else _("Letter number (as on your receipt)"), classes="field-label")
            yield Input(placeholder=_("e.g. 01-31/3073"), id="reg-number", compact=True, max_length=40)
            yield Label(_("Registration date (DD.MM.YYYY)"), classes="field-label")
            yield Input(placeholder=_("DD.MM.YYYY"), id="reg-date", compact=True, max_length=10, restrict=DATE_CHARS)
            if self.operator:
                yield Label(_("Caller's FIN or surname, as the caller states it"), classes="field-label")
                yield Input(placeholder=_("e.g. 5ZK9Q2M or Həsənov"), id="caller-check", compact=True,
                            max_length=40)
            yield Button(_("Show in which customs authority the letter is"), id="show", variant="primary")
            # Each message takes its rows only when it says something: at 80x24 the operator's
            # form, a three-line miss and the footer fit without scrolling.
            yield Static("", id="lookup-error", classes="error message", markup=False)
            yield Static("", id="lookup-warning", classes="error message", markup=False)
        yield LocalFooter()

    @property
    def operator(self) -> bool:
        """The form asks for the caller's FIN or surname (a call centre's)."""
        return self.profile.asks_caller

    @property
    def fields(self) -> tuple[str, ...]:
        return ("#reg-number", "#reg-date", "#caller-check") if self.operator else ("#reg-number", "#reg-date")

    def form_fields(self) -> tuple[str, ...]:
        return self.fields

    def submit_form(self) -> None:
        self.show()

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#reg-number", Input))  # now: keys typed ahead wait for it
        self.prepare_result()

    def action_back(self) -> None:
        """Esc/F12: from a result to the form, from the form to the authorities."""
        if self.result.shown:
            self.result.close()
        else:
            self.post_message(Back())

    @on(ResultPanel.Closed)
    def _result_closed(self) -> None:
        """Back from a result: the form again, empty, ready for the next letter of the same person."""
        for field in self.fields:
            self.query_one(field, Input).value = ""
        self._tell("#lookup-error", "")
        self.result_closed()
        self.set_focus(self.query_one("#reg-number", Input))

    @on(Button.Pressed, "#show")
    def show(self) -> None:
        if self._asking.on_its_way:
            return
        caller = self.query_one("#caller-check", Input).value if self.operator else ""
        request = self.desk.check_lookup(
            self.agency, self.query_one("#reg-number", Input).value,
            self.query_one("#reg-date", Input).value, caller)
        if isinstance(request, FormProblem):
            self._error(request.problem.text(_), FIELDS[request.field])
            return
        self._tell("#lookup-error", "")
        self._asking.start()
        self._lookup(request)

    @work(thread=True, exclusive=True, group="lookup")
    def _lookup(self, request: LookupRequest) -> None:
        answer = self.desk.lookup(
            request, on_wait=lambda seconds: self.app.call_from_thread(self._waiting, seconds))
        self.app.call_from_thread(self._answered, answer)

    def _waiting(self, seconds: float) -> None:
        self._tell("#lookup-error", wait_sentence(seconds))

    async def _answered(self, answer: LookupAnswer) -> None:
        self._asking.answered()
        if answer.outcome is Outcome.FOUND and answer.letter is not None:
            self._tell("#lookup-warning", "")
            self._tell("#lookup-error", "")
            await self.show_in_place(answer.letter)
            return
        if answer.consequence is Consequence.SESSION_ENDED:
            self.post_message(SessionEnded("miss_limit", consequence_sentence(answer) or ""))
            return
        if answer.consequence is Consequence.FLAGGED:
            self._tell("#lookup-warning", spoken(consequence_sentence(answer), _))
        message = spoken(sentence(Asked.LOOKUP, answer, self.profile.mode), _)
        if answer.misses_left is not None and answer.misses_left <= 2:  # before the last miss
            message += "\n" + ngettext(
                "{n} more unsuccessful search ends this session.",
                "{n} more unsuccessful searches end this session.", answer.misses_left,
            ).format(n=answer.misses_left)
        self._error(message, "#caller-check" if answer.outcome is Outcome.UNVERIFIED else "#reg-number")

    def _error(self, message: str, focus: str) -> None:
        self._tell("#lookup-error", message)
        self.set_focus(self.query_one(focus, Input))

    def _tell(self, selector: str, text: str) -> None:
        """A message said (or cleared); said, it is scrolled into view, where a small terminal
        has the form scroll inside its border."""
        say(self.query_one(selector, Static), text)
        if text:
            self.call_after_refresh(self.query_one("#lookup-form").scroll_end, animate=False)
