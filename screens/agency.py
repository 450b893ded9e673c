"""Step 2 of the seed: which customs authority the letter was addressed to."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from izle.data.i18n import N_, _
from izle.data.letters import Agency
from izle.data.matching import score
from izle.data.modes import ModeProfile
from izle.screens.keys import DEFAULT_KEYS
from izle.screens.messages import AgencyChosen, Back, FindApplicant, OutOfService
from izle.screens.widgets import FormFlow, LocalFooter, NewCallButton, PagingOptionList, TitleBar, data_text

if TYPE_CHECKING:
    from izle.data.desk import Desk

# Grouping as the Committee is organised: the Committee, main customs offices, customs offices.
GROUPS = (
    ("committee", N_("Central office of the Committee")),
    ("main_office", N_("Main customs offices")),
    ("office", N_("Customs offices")),
)


def agency_score(agency: Agency, query: str) -> int | None:
    """How well the typed text matches any of the authority's names or its code (data.matching)."""
    return score(query, (agency.name.az, agency.name.ru, agency.name.en, agency.code))


class AgencyScreen(FormFlow, Screen):
    help_msgids = (
        N_("Choose the customs authority the letter was addressed to: type part of its name, then Enter, or pick it in the list."),
        N_("Choose the customs authority the caller's letter was addressed to: type part of its name, then Enter. To find a caller's letters by FIN and surname instead, use Find by applicant."),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "focus_list", show=False),
        Binding(DEFAULT_KEYS["back"], "back", N_("My letters"), id="back"),
        Binding(DEFAULT_KEYS["track-other"], "find_applicant", N_("Find by applicant"), id="track-other"),
    ]

    def __init__(self, desk: Desk, lang: str, profile: ModeProfile, *,
                 back_to_letters: bool = False) -> None:
        """`back_to_letters`: opened from a citizen's list, which Back returns to."""
        super().__init__()
        self.desk, self.lang, self.profile = desk, lang, profile
        self.back_to_letters = back_to_letters
        self._agencies: list[Agency] = []
        self._left_for_lookup = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Back only to a citizen's list of letters beneath; the applicant search for operators."""
        if action == "back":
            return self.back_to_letters and self.is_current
        if action == "find_applicant":
            return self.profile.applicant_search
        return True

    def action_back(self) -> None:
        self.post_message(Back())

    def action_find_applicant(self) -> None:
        self.post_message(FindApplicant())

    def compose(self) -> ComposeResult:
        yield TitleBar(self.desk)
        with Vertical(classes="panel wide"):
            yield Label(_("Which customs authority was the letter addressed to?"), classes="panel-title")
            yield Input(placeholder=_("Type to filter, e.g. baki bas"), id="agency-filter", compact=True)
            yield PagingOptionList(id="agency-list")
            yield Label("", id="agency-empty", classes="hint")
            if self.profile.operator:
                yield NewCallButton()
        yield LocalFooter()

    def on_mount(self) -> None:
        agencies = self.desk.agencies()
        if agencies is None:
            self.post_message(OutOfService(_("The list of customs authorities cannot be read.")))
            return
        self._agencies = agencies
        self._fill("")
        self.set_focus(self.query_one("#agency-filter", Input))  # now: keys typed ahead wait for it

    def form_fields(self) -> tuple[str, ...]:
        return ("#agency-filter",)

    def submit_form(self) -> None:
        """Enter: the best match for what is typed now (a burst's filter may not be applied yet)."""
        self._fill(self.query_one("#agency-filter", Input).value)
        self._choose_highlighted()

    def on_screen_resume(self) -> None:
        """Back from a number form: an empty filter, ready for the next authority's name
        (not after Help or the idle prompt, which leave what was typed as it was)."""
        if self._left_for_lookup:
            self._left_for_lookup = False
            self.query_one("#agency-filter", Input).value = ""
            self._fill("")
            self.set_focus(self.query_one("#agency-filter", Input))

    def _fill(self, query: str) -> None:
        scores = {a.code: s for a in self._agencies if (s := agency_score(a, query)) is not None}
        shown = [a for a in self._agencies if a.code in scores]
        options: list[Option] = []
        for kind, title in GROUPS:
            group = [a for a in shown if a.kind == kind]
            if group:
                options.append(Option(_(title), disabled=True))
                options.extend(Option(data_text("  " + a.name.get(self.lang)), id=a.code) for a in group)
        other = [a for a in shown if a.kind not in {k for k, _t in GROUPS}]
        options.extend(Option(data_text(a.name.get(self.lang)), id=a.code) for a in other)
        option_list = self.query_one("#agency-list", OptionList)
        option_list.set_options(options)
        # The list keeps the Committee's order; the best match is the one Enter picks.
        choices = [(i, o) for i, o in enumerate(options) if o.id is not None]
        best = max(choices, key=lambda c: scores[c[1].id], default=None)  # first among equals
        option_list.highlighted = best[0] if best else None
        self.query_one("#agency-empty", Label).update(
            "" if shown else _("No authority matches. Try fewer letters.")
        )

    @on(Input.Changed, "#agency-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def _choose_highlighted(self) -> None:
        option_list = self.query_one("#agency-list", OptionList)
        if option_list.highlighted is not None:
            option = option_list.get_option_at_index(option_list.highlighted)
            if option.id:
                self._open(option.id)

    def action_focus_list(self) -> None:
        self.query_one("#agency-list", OptionList).focus()

    @on(OptionList.OptionSelected, "#agency-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self._open(event.option.id)

    def _open(self, code: str) -> None:
        agency = self.desk.choose_agency(code)
        if agency is None:
            return
        self._left_for_lookup = True
        self.post_message(AgencyChosen(agency))
