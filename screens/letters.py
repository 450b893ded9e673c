"""Lists of letters: a citizen's own after login ("my letters"), and an operator's search by
applicant (FIN and surname). Both show the list `#my-letters` (DESIGN §5), a DataTable whose row
keys are `AGENCY|REG_NO|DD.MM.YYYY`; Enter opens the result panel, Back returns to the list.

The desk (data/desk/) decides who may list what, pages the list and audits it; these screens
ask it from workers and render its answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input, Label, Static

from izle.data.desk import Consequence, FormProblem, ListAnswer, LookupAnswer, Outcome
from izle.data.desk.sentences import Asked, consequence_sentence, sentence, spoken
from izle.data.i18n import N_, _
from izle.data.letters import LetterRow
from izle.data.modes import ModeProfile
from izle.data.statuses import DEADLINE_MARKERS, STATUS_TITLES
from izle.data.text import format_date, strip_controls
from izle.screens.messages import Back, TrackOther
from izle.screens.list_fit import AUTHORITY, LEAST, STATE, Fit, cell_lines, fit_table
from izle.screens.result import ResultHost, ResultPanel
from izle.screens.widgets import FormFlow, LocalFooter, TitleBar, NewCallButton, wait_sentence
from izle.screens.keys import DEFAULT_KEYS

if TYPE_CHECKING:
    from izle.data.desk import Desk

LOAD_AHEAD = 5  # rows before the end of the list at which the next page is asked for
AUTHORITY_WIDTH = LEAST[AUTHORITY]  # the long columns' widths until the table's room is known
STATE_WIDTH = LEAST[STATE]
DUE = 4  # the answer-due column


def due_cell(row: LetterRow) -> Text:
    """The due date behind the result panel's marker ([!!] overdue, [!] due today); nothing
    once no answer is owed. Narrow enough for an 80-column kiosk; days left are on the result."""
    deadline = row.deadline
    if deadline is None or deadline.state == "closed":
        return Text("-")
    if deadline.state == "open":
        return Text(format_date(deadline.due))
    return Text(f"{DEADLINE_MARKERS[deadline.state]} {format_date(deadline.due)}", style="bold")


def row_texts(row: LetterRow, lang: str) -> tuple[str, ...]:
    """The row's cells as plain text, control characters dropped."""
    return (strip_controls(row.agency.name.get(lang)), strip_controls(row.reg_no),
            format_date(row.reg_date), _(STATUS_TITLES.get(row.status, row.status)),
            due_cell(row).plain)


def row_cells(row: LetterRow, lang: str, fit: Fit) -> tuple[tuple[Text, ...], int]:
    """The row's cells as shown under `fit` — register text as data (rich Text, never markup) —
    and its height: two lines where its authority or state needs them and may have them."""
    texts = row_texts(row, lang)
    cells = [Text(text) for text in texts]
    cells[DUE] = due_cell(row)
    height = 1
    for i in (AUTHORITY, STATE):
        lines = cell_lines(texts[i], fit.widths[i], fit.lines)
        cells[i] = Text("\n".join(lines), overflow="ellipsis", no_wrap=True)
        height = max(height, len(lines))
    return tuple(cells), height


class LettersScreen(ResultHost, Screen):
    """What both lists share: the table, its pages, opening a letter in place and coming back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(DEFAULT_KEYS["back"], "close_result", N_("Back"), id="back"),
    ]

    RESULT_HIDES = "#letters-panel"
    markers_here = True

    def __init__(self, desk: Desk, lang: str, profile: ModeProfile) -> None:
        super().__init__()
        self.desk, self.lang, self.profile = desk, lang, profile

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While a letter is open only its Back works; the list's own keys wait."""
        if action == "close_result":
            return self.result.shown
        if action in ("back", "track_other"):
            return not self.result.shown
        return True

    def action_close_result(self) -> None:
        self.result.close()

    def compose_table(self) -> ComposeResult:
        yield DataTable(id="my-letters", cursor_type="row", zebra_stripes=True)
        yield Static("", id="my-letters-empty", classes="hint", markup=False)

    def setup_table(self) -> None:
        """Called by each screen's on_mount (Textual runs every class's on_mount in the MRO,
        so the base class has none of its own)."""
        self._rows: dict[str, LetterRow] = {}
        self._last: LetterRow | None = None
        self._more = False
        self._loading = False
        # Which caller's answers may be shown: an answer asked for before the list was cleared
        # (the next caller) may still arrive, slowed by a locked terminal.db, and is dropped.
        self._generation = 0
        # How the columns share the room; until the room is known the long two are narrow.
        self._fit = Fit((AUTHORITY_WIDTH, 0, 0, STATE_WIDTH, 0))
        table = self.query_one("#my-letters", DataTable)
        table.add_column(_("Authority"), width=AUTHORITY_WIDTH)
        table.add_column(_("Number"))
        table.add_column(_("Date"))
        table.add_column(_("State"), width=STATE_WIDTH)
        table.add_column(_("Answer due"))
        # A list grown taller than its room gets a scrollbar, which takes two columns of it.
        self.watch(table, "show_vertical_scrollbar", self._scrollbar_changed, init=False)

    def _scrollbar_changed(self, _shown: bool) -> None:
        self.call_after_refresh(self.fit_columns)

    def fit_columns(self) -> None:
        """Columns and rows laid out for the table's room (screens/list_fit.py), after a page
        is added, a resize, or the list shown again; the cursor stays on its letter."""
        table = self.query_one("#my-letters", DataTable)
        room = table.scrollable_content_region.width - 2 * table.cell_padding * len(table.columns)
        if room <= 0 or not getattr(self, "_rows", None):  # not set up, or nothing to fit
            return
        labels = [str(column.label) for column in table.ordered_columns]
        fit = fit_table(room, labels, [row_texts(row, self.lang) for row in self._rows.values()])
        if fit != self._fit:
            self._fit = fit
            self._lay_out(table)

    def _lay_out(self, table: DataTable) -> None:
        """Every row again under `self._fit`: DataTable sets a row's height and a column's
        width when they are added, so they are added anew (a page, a few milliseconds)."""
        cursor = table.cursor_row
        key = table.ordered_rows[cursor].key if 0 <= cursor < table.row_count else None
        table.clear()
        for column, width in zip(table.ordered_columns, self._fit.widths):
            column.width, column.auto_width = width, False
        for row in self._rows.values():
            self._add_row(table, row)
        if key is not None:
            table.move_cursor(row=table.get_row_index(key))

    def _add_row(self, table: DataTable, row: LetterRow) -> None:
        cells, height = row_cells(row, self.lang, self._fit)
        table.add_row(*cells, key=row.key, height=height)

    def on_resize(self) -> None:
        if self.query("#my-letters"):
            self.call_after_refresh(self.fit_columns)

    def clear_letters(self) -> None:
        self._generation += 1
        self._rows.clear()
        self._last, self._more, self._loading = None, False, False
        self.query_one("#my-letters", DataTable).clear()

    def is_current(self, generation: int, what: str) -> bool:
        """Whether an answer belongs to the list on screen; a stale one is dropped, audited."""
        if generation == self._generation:
            return True
        self._record_stale(what)
        return False

    @work(thread=True, group="stale")
    def _record_stale(self, what: str) -> None:
        self.desk.record_safely("stale_answer", "dropped", {"answer": what})

    def add_page(self, answer: ListAnswer) -> None:
        """Append a page from the desk; a row already shown is not shown twice."""
        table = self.query_one("#my-letters", DataTable)
        for row in answer.rows:
            if row.key not in self._rows:
                self._rows[row.key] = row
                self._add_row(table, row)
        if answer.rows:
            self._last = answer.rows[-1]
            self.call_after_refresh(self.fit_columns)
        self._more = answer.more

    @on(DataTable.RowHighlighted, "#my-letters")
    def _near_the_end(self, event: DataTable.RowHighlighted) -> None:
        """Scrolling or PageDown towards the end asks for the next page (keyset: at once)."""
        if self._more and not self._loading and event.cursor_row >= event.data_table.row_count - LOAD_AHEAD:
            self._loading = True
            self._load_more(self._last, self._generation)

    @work(thread=True, group="letters-more")
    def _load_more(self, after: LetterRow | None, generation: int) -> None:
        self.app.call_from_thread(self._more_loaded, self.desk.more_letters(after), generation)

    def _more_loaded(self, answer: ListAnswer, generation: int) -> None:
        if not self.is_current(generation, "page"):
            return
        self._loading = False
        if answer.outcome in (Outcome.FOUND, Outcome.MISS):
            self.add_page(answer)

    @on(DataTable.RowSelected, "#my-letters")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        row = self._rows.get(str(event.row_key.value))
        if row is not None:
            self._open(row, self._generation)

    @work(thread=True, exclusive=True, group="letters-open")
    def _open(self, row: LetterRow, generation: int) -> None:
        self.app.call_from_thread(self._opened, self.desk.open_listed(row), generation)

    async def _opened(self, answer: LookupAnswer, generation: int) -> None:
        if not self.is_current(generation, "letter"):
            return
        if answer.outcome is Outcome.FOUND and answer.letter is not None:
            await self.show_in_place(answer.letter)
        else:
            self.notify(spoken(sentence(Asked.OPEN, answer, self.profile.mode), _),
                        severity="error", markup=False)

    @on(ResultPanel.Closed)
    def _result_closed(self) -> None:
        """Back: the list again, its cursor on the letter just read."""
        self.result_closed()
        self.query_one("#my-letters", DataTable).focus()
        self.call_after_refresh(self.fit_columns)  # resized while the letter was shown


class MyLettersScreen(LettersScreen):
    """A citizen's first screen after login: their letters, newest first."""

    help_here = (
        N_("Your letters, newest first: choose one and press Enter to see where it is. “Another of my letters, by its receipt” finds one of your letters by the number and date on its receipt."),
        "",
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(DEFAULT_KEYS["track-other"], "track_other", N_("Other letter"), id="track-other"),
    ]

    def __init__(self, desk: Desk, lang: str, profile: ModeProfile,
                 first_page: ListAnswer | None = None, *, ahead: bool = False) -> None:
        """`ahead`: built before the login completes (tui/screen_ahead.py), empty until
        `show_first_page`; else the first page is given, or asked for once mounted."""
        super().__init__(desk, lang, profile)
        self._first = first_page  # asked for with the login, off the UI thread (tui/router.py)
        self._ahead = ahead

    def compose(self) -> ComposeResult:
        yield TitleBar(self.desk)
        with Vertical(id="letters-panel", classes="panel wide"):
            yield Label(_("Your letters, newest first. Choose one and press Enter."), classes="panel-title")
            yield from self.compose_table()
            with Horizontal(id="my-letters-actions"):
                yield Button(_("Another of my letters, by its receipt"), id="track-other",
                             compact=True)
        yield LocalFooter()

    def on_mount(self) -> None:
        self.setup_table()
        self.query_one("#my-letters", DataTable).focus()
        if not self._ahead:
            self.show_first_page(self._first)
            self._first = None

    def show_first_page(self, answer: ListAnswer | None) -> None:
        """Before the first paint when it is given: the list is painted whole. The result
        panel joins after that paint (also on a screen built ahead: restyled as the screen is
        shown, its dozen hidden widgets would be waited for)."""
        self.prepare_result()
        if answer is not None:
            self._listed(answer)
        else:
            self._first_page()

    @work(thread=True, group="letters-more")
    def _first_page(self) -> None:
        self.app.call_from_thread(self._listed, self.desk.my_letters())

    def _listed(self, answer: ListAnswer) -> None:
        empty = self.query_one("#my-letters-empty", Static)
        table = self.query_one("#my-letters", DataTable)
        if answer.outcome is Outcome.FOUND and answer.rows:
            empty.update("")
            self.add_page(answer)
            return
        empty.update(spoken(sentence(Asked.LIST, answer, self.profile.mode), _))
        table.display = False
        self.query_one("#track-other", Button).focus()

    @on(Button.Pressed, "#track-other")
    def action_track_other(self) -> None:
        self.post_message(TrackOther())


class ApplicantScreen(FormFlow, LettersScreen):
    """An operator's search by applicant: FIN and surname, as the caller states them."""

    help_here = (
        "",
        N_("Find a caller's letters by the FIN and surname the caller states: both must name the same applicant. Choose a letter and press Enter."),
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(DEFAULT_KEYS["back"], "back", N_("Back"), id="back"),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar(self.desk)
        with Vertical(id="letters-panel", classes="panel wide"):
            yield Label(_("Find a caller's letters: ask for the applicant's FIN and surname."),
                        classes="panel-title")
            with Horizontal(id="applicant-fields"):
                yield Input(placeholder=_("FIN, e.g. 5ZK9Q2M"), id="applicant-fin", compact=True,
                            max_length=7)
                yield Input(placeholder=_("Surname, e.g. Həsənov"), id="applicant-surname",
                            compact=True, max_length=60)
                yield Button(_("Find"), id="find-applicant", variant="primary", compact=True)
                yield NewCallButton()
            yield Static("", id="applicant-error", classes="error", markup=False)
            yield Static("", id="applicant-warning", classes="error", markup=False)
            yield from self.compose_table()
        yield LocalFooter()

    def on_mount(self) -> None:
        self.setup_table()
        self.prepare_result()
        self.query_one("#my-letters", DataTable).display = False
        self.set_focus(self.query_one("#applicant-fin", Input))

    def form_fields(self) -> tuple[str, ...]:
        return ("#applicant-fin", "#applicant-surname")

    def submit_form(self) -> None:
        self.find()

    def action_back(self) -> None:
        self.post_message(Back())

    @on(Button.Pressed, "#find-applicant")
    def find(self) -> None:
        self.clear_letters()  # the last caller's letters are gone before anything else
        self.query_one("#my-letters", DataTable).display = False
        self.query_one("#my-letters-empty", Static).update("")
        checked = self.desk.check_applicant(self.query_one("#applicant-fin", Input).value,
                                                self.query_one("#applicant-surname", Input).value)
        if isinstance(checked, FormProblem):
            self._error(checked.problem.text(_), f"#applicant-{checked.field}")
            return
        self.query_one("#applicant-error", Static).update("")
        self.query_one("#find-applicant", Button).disabled = True
        self._search(*checked, self._generation)

    @work(thread=True, exclusive=True, group="applicant")
    def _search(self, fin: str, surname: str, generation: int) -> None:
        answer = self.desk.find_applicant(
            fin, surname, on_wait=lambda seconds: self.app.call_from_thread(self._waiting, seconds))
        self.app.call_from_thread(self._answered, answer, generation)

    def _waiting(self, seconds: float) -> None:
        self.query_one("#applicant-error", Static).update(wait_sentence(seconds))

    def _answered(self, answer: ListAnswer, generation: int) -> None:
        if not self.is_current(generation, "list"):
            return
        self.query_one("#find-applicant", Button).disabled = False
        warning = self.query_one("#applicant-warning", Static)
        if answer.outcome is Outcome.FOUND:
            warning.update("")
            self.query_one("#applicant-error", Static).update("")
            table = self.query_one("#my-letters", DataTable)
            table.display = True
            self.add_page(answer)
            table.focus()
            return
        if answer.consequence is Consequence.FLAGGED:
            warning.update(spoken(consequence_sentence(answer), _))
        self._error(spoken(sentence(Asked.SEARCH, answer, self.profile.mode), _), "#applicant-fin")

    def _error(self, message: str, focus: str) -> None:
        self.query_one("#applicant-error", Static).update(message)
        self.set_focus(self.query_one(focus, Input))
