"""Step 4 of the seed: where the letter is, who has it, their phone, and its state."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, DataTable, Label, Static

from data.letters import LetterView
from data.statuses import STATUS_TITLES, describe_deadline, explain
from data.text import format_date, strip_controls
from screens.widgets import LocalFooter, TitleBar, data_text
from data.i18n import N_, _, ngettext


def status_content(letter: LetterView, lang: str) -> Content:
    """The status title in bold and one sentence with its date and the next step."""
    title, sentence, values = explain(letter, letter.deadline, lang)
    clean = {k: strip_controls(str(v)) for k, v in values.items()}
    return Content.assemble((_(title), "bold"), "\n", _(sentence).format(**clean))


CHANNELS = {"written": N_("written"), "electronic": N_("electronic")}


def channel_text(channel: str | None) -> Content:
    """How the letter came in; an unknown value from the register is shown as it is."""
    if not channel:
        return Content("-")
    return Content(_(CHANNELS[channel])) if channel in CHANNELS else data_text(channel)


def due_content(letter: LetterView) -> Content:
    """Due date with working days left or overdue: in words and a marker, not colour alone."""
    if letter.deadline is None:
        return Content(_("not set"))
    marker, singular, plural, n, values = describe_deadline(letter.deadline)
    text = ngettext(singular, plural, n).format(**values)
    style = "bold" if letter.deadline.state in ("overdue", "due_today") else ""
    return Content.assemble(marker + " ", (text, style))


class ResultScreen(Screen):
    """The result panel. One instance serves every lookup of a number form (`show` refills it):
    building 25 widgets anew was most of the time from *show* to the result (benchmarks/)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12", "back", N_("Back"), id="back", key_display="Esc/F12"),
    ]

    def __init__(self, letter: LetterView) -> None:
        super().__init__()
        self.letter = letter

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(classes="panel wide"):
            with VerticalScroll(id="result-body"):
                yield Static(id="result-title")
                with Grid(id="result-grid"):
                    if self.app.mode == "operator":  # a caller needs this checked; a kiosk never shows it
                        yield Label(_("Applicant"), classes="field-label")
                        yield Static(id="result-applicant")
                        yield Label(_("Channel"), classes="field-label")
                        yield Static(id="result-channel")
                    for label, widget_id in FIELDS:
                        yield Label(_(label), classes="field-label")
                        yield Static(id=widget_id)
                yield Label(_("Movements of the letter (newest first)"), classes="section-title")
                yield DataTable(id="result-history", cursor_type="row", zebra_stripes=False)
            with Horizontal(id="result-actions"):
                yield Button(_("Back"), id="back", variant="primary", compact=True)
        yield LocalFooter()

    def on_mount(self) -> None:
        self.query_one("#result-history", DataTable).add_columns(
            _("Date"), _("State"), _("Unit"), _("Executor"))
        self.show(self.letter)

    def show(self, letter: LetterView) -> None:
        """Fill the panel with this letter; nothing of the previous one stays."""
        self.letter, lang = letter, self.app.lang
        values = {
            "#result-title": Content.assemble(
                (_("Letter No. {number} of {date}").format(
                    number=strip_controls(letter.reg_no), date=format_date(letter.reg_date)), "bold"),
                "\n", strip_controls(letter.agency.name.get(lang))),
            "#result-unit": data_text(letter.unit.get(lang) if letter.unit else _("not assigned yet")),
            "#result-executor": data_text(letter.executor or _("not assigned yet")),
            "#result-phone": data_text(letter.executor_phone or "-"),
            "#result-status": status_content(letter, lang),
            "#result-registered": Content(format_date(letter.reg_date)),
            "#result-due": due_content(letter),
        }
        if self.app.mode == "operator":
            values["#result-applicant"] = data_text(letter.applicant_name or "-")
            values["#result-channel"] = channel_text(letter.channel)
        for selector, content in values.items():
            self.query_one(selector, Static).update(content)
        table = self.query_one("#result-history", DataTable)
        table.clear()
        for move in letter.movements:
            table.add_row(
                Text(format_date(move.at)),
                Text(_(STATUS_TITLES.get(move.status, move.status))),
                Text(strip_controls(move.unit.get(lang) if move.unit else "")),
                Text(strip_controls(move.executor or move.note or "")),
            )
        self.query_one("#result-body", VerticalScroll).scroll_home(animate=False)
        self.query_one("#back", Button).focus(scroll_visible=False)

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.app.pop_screen()


# The rows every mode shows, in order: (label msgid, widget id).
FIELDS = (
    (N_("Structural unit"), "result-unit"),
    (N_("Executor"), "result-executor"),
    (N_("Executor's phone"), "result-phone"),
    (N_("State of execution"), "result-status"),
    (N_("Registered on"), "result-registered"),
    (N_("Answer due"), "result-due"),
)
