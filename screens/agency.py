"""Step 2 of the seed: which customs authority the letter was addressed to."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from data.letters import Agency
from data.text import fold
from screens.widgets import LocalFooter, TitleBar, data_text
from tui.i18n import N_, _

# Grouping as the Committee is organised: the Committee, main customs offices, customs offices.
GROUPS = (
    ("committee", N_("State Customs Committee")),
    ("main_office", N_("Main customs offices")),
    ("office", N_("Customs offices")),
)


def matches(agency: Agency, words: list[str]) -> bool:
    """Every typed word is found in one of the authority's names (Azerbaijani-insensitive)."""
    haystack = " ".join(fold(n) for n in (agency.name.az, agency.name.ru, agency.name.en, agency.code) if n)
    return all(word in haystack for word in words)


class AgencyScreen(Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f3", "app.logout", N_("Log out"), id="logout"),
        Binding("down", "focus_list", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(classes="panel wide"):
            yield Label(_("Which customs authority was the letter addressed to?"), classes="panel-title")
            yield Input(placeholder=_("Type to filter, e.g. baki bas"), id="agency-filter", compact=True)
            yield OptionList(id="agency-list")
            yield Label("", id="agency-empty", classes="hint")
        yield LocalFooter()

    def on_mount(self) -> None:
        self._agencies = self.app.register.agencies()
        self._fill("")
        self.query_one("#agency-filter", Input).focus()

    def _fill(self, query: str) -> None:
        words = fold(query).split()
        shown = [a for a in self._agencies if matches(a, words)]
        options: list[Option] = []
        for kind, title in GROUPS:
            group = [a for a in shown if a.kind == kind]
            if group:
                options.append(Option(_(title), disabled=True))
                options.extend(Option(data_text("  " + a.name.get(self.app.lang)), id=a.code) for a in group)
        other = [a for a in shown if a.kind not in {k for k, _t in GROUPS}]
        options.extend(Option(data_text(a.name.get(self.app.lang)), id=a.code) for a in other)
        option_list = self.query_one("#agency-list", OptionList)
        option_list.set_options(options)
        first = next((i for i, o in enumerate(options) if not o.disabled), None)
        option_list.highlighted = first
        self.query_one("#agency-empty", Label).update(
            "" if shown else _("No authority matches. Try fewer letters.")
        )

    @on(Input.Changed, "#agency-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#agency-filter")
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
        from screens.lookup import LookupScreen

        agency = self.app.register.agency(code)
        if agency is None:
            return
        self.app.session.agency = agency
        self.app.push_screen(LookupScreen(agency))
