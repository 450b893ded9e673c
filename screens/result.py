"""Step 4 of the seed: where the letter is, who has it, their phone, and its state."""

from __future__ import annotations

import gc

from rich.cells import cell_len, set_cell_size
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widget import AwaitMount
from textual.widgets import Button, Static

from izle.data.letters import LetterView
from izle.data.modes import ModeProfile
from izle.data.statuses import STATUS_TITLES, describe_deadline, explain
from izle.data.text import format_date, strip_controls
from izle.screens.widgets import Plain, data_text, lay_out_unseen, NewCallButton, paint_now
from izle.data.i18n import N_, _, ngettext


def status_content(letter: LetterView, lang: str) -> Content:
    """One sentence: the state, its date and the next step. Every state's sentence names the
    state itself (in each language), so its title before it would say it twice."""
    _title, sentence, values = explain(letter, letter.deadline, lang)
    clean = {k: strip_controls(str(v)) for k, v in values.items()}
    return Content(_(sentence).format(**clean))


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


def fit(text: str, width: int) -> str:
    """`text` in at most `width` cells, ending in "…" when cut."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1) + "…" if width > 1 else "…"


class Movements(Plain):
    """The letter's movements, newest first, as one table drawn for the width it has: a column
    each for the date, the state, the unit and the executor; what does not fit ends in "…".

    One widget instead of a DataTable: the table costs a few lines of text, not a scrolling
    widget with its own cursor, cache and scrollbars.
    """

    DEFAULT_CSS = "Movements { height: auto; }"

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.rows: list[tuple[str, str, str, str]] = []

    def set_rows(self, rows: list[tuple[str, str, str, str]]) -> None:
        self.rows = rows
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return 1 + max(1, len(self.rows))

    def render(self) -> Content:
        width = self.content_region.width or 74
        header = (_("Date"), _("State"), _("Unit"), _("Executor"))  # newest first
        state = min(max(cell_len(r[1]) for r in [header, *self.rows]), 26)
        rest = max(width - 10 - state - 6, 8)
        unit = rest * 11 // 20
        widths = (10, state, unit, rest - unit)

        def line(cells: tuple[str, str, str, str]) -> str:
            fitted = [fit(c, w) for c, w in zip(cells, widths)]
            return "  ".join(f + " " * (w - cell_len(f)) for f, w in zip(fitted, widths)).rstrip()

        lines = [Content.styled(line(header), "bold")]
        lines += [Content(line(row)) for row in self.rows] or [Content("-")]
        return Content("\n").join(lines)


LABEL_WIDTH = 22  # the label column; each field's value starts one cell after it


class Fields(Vertical):
    """The letter's fields, one under the other, each value beside its label.

    Each value is a `Plain` with the §5 id; the labels are drawn by this container itself, in
    the column the values leave free (their left margin), from each value's first row. A widget
    per label and a grid layout were half of the first letter's layout and paint. A label that
    wraps keeps its value that many rows high, as a grid row would. The language does not change while a session's screen lives.
    """

    DEFAULT_CSS = f"Fields {{ height: auto; }} Fields > Plain {{ margin-left: {LABEL_WIDTH + 1}; }}"

    def __init__(self, fields: tuple[tuple[str, str], ...], *, id: str) -> None:
        super().__init__(id=id)
        self.fields = fields
        self.labels: list[list[Content]] = []

    def compose(self) -> ComposeResult:
        self.labels = []
        for label, widget_id in self.fields:
            lines = Content(_(label)).wrap(LABEL_WIDTH)
            self.labels.append(lines)
            value = Plain(id=widget_id)
            value.styles.min_height = len(lines)
            yield value

    def render(self) -> Content:
        """The labels, each from the first row of its value (the values are laid out already)."""
        rows = [Content("")] * self.content_size.height
        top = 0
        for lines, value in zip(self.labels, self.children):
            for offset, line in enumerate(lines[:value.outer_size.height]):
                if top + offset < len(rows):
                    rows[top + offset] = line
            top += value.outer_size.height
        return Content("\n").join(rows)


class ResultPanel(Vertical):
    """The result panel: where the letter is, who has it, their phone, its state, its due date
    and its movements — a title, the values beside their labels and one table, laid out to fit
    80×24 without scrolling.

    It is shown in place of the form or list that asked for it, on the same screen: mounted
    (hidden) once that screen is painted and refilled by `show` for every letter, so no letter —
    the first included — pays for building a screen. Back closes it and
    tells the screen with `ResultPanel.Closed`; Esc and F12 are the screen's keys.
    """

    class Closed(Message):
        """Back was pressed: the screen shows what asked for the letter again."""

    def __init__(self, lang: str, shows_applicant: bool) -> None:
        """`shows_applicant`: the applicant and the channel too, for an operator to check the
        caller against (a kiosk never shows them)."""
        super().__init__(id="result-panel", classes="panel wide")
        self.lang, self.shows_applicant = lang, shows_applicant
        self.letter: LetterView | None = None
        self.display = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="result-body"):
            with Horizontal(id="result-head"):
                yield Plain(id="result-title")
                if self.shows_applicant:  # an operator's: the next caller from here too
                    yield NewCallButton()
                yield Button(_("Back"), id="back", variant="primary", compact=True)
            yield Fields(self.fields(), id="result-fields")
            yield Movements(id="result-history")

    def fields(self) -> tuple[tuple[str, str], ...]:
        """(label msgid, widget id) of the rows this mode shows, in order."""
        if self.shows_applicant:
            return OPERATOR_FIELDS + FIELDS
        return FIELDS

    @property
    def shown(self) -> bool:
        return self.display

    def show(self, letter: LetterView) -> None:
        """Fill the panel with this letter and show it; nothing of the previous one stays."""
        self.letter, lang = letter, self.lang
        values = {
            "#result-title": Content.assemble(
                (_("Letter No. {number} of {date}").format(
                    number=strip_controls(letter.reg_no), date=format_date(letter.reg_date)), "bold"),
                "\n", strip_controls(letter.agency.name.get(lang))),
            "#result-unit": data_text(letter.unit.get(lang) if letter.unit else _("not assigned yet")),
            "#result-executor": data_text(letter.executor or _("not assigned yet")),
            "#result-phone": data_text(letter.executor_phone or "-"),
            "#result-status": status_content(letter, lang),
            "#result-due": due_content(letter),
        }
        if self.shows_applicant:
            values["#result-applicant"] = data_text(letter.applicant_name or "-")
            values["#result-channel"] = channel_text(letter.channel)
        for selector, content in values.items():
            self.query_one(selector, Static).update(content)
        self.query_one(Fields).refresh()  # labels follow their values' new heights
        self.query_one("#result-history", Movements).set_rows([
            (format_date(move.at), _(STATUS_TITLES.get(move.status, move.status)),
             strip_controls(move.unit.get(lang) if move.unit else ""),
             strip_controls(move.executor or move.note or ""))
            for move in letter.movements])
        self.display = True
        self.query_one("#result-body", VerticalScroll).scroll_home(animate=False)
        self.query_one("#back", Button).focus(scroll_visible=False)

    def close(self) -> None:
        """Hide the panel. Its texts stay until the same person's next letter refills them; a
        logout or an idle timeout removes the whole screen, panel and all."""
        self.display = False
        self.letter = None
        self.post_message(self.Closed())

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.close()


class ResultHost:
    """A screen that shows letters in place of `RESULT_HIDES` (a mixin for Screen classes).

    Its `ResultPanel` is mounted after the screen's first paint, when nobody waits for it, and
    is shown with the screen painted at once (`paint_now`), not at the next frame tick.
    """

    RESULT_HIDES = ""  # the selector of what the letter is shown in place of
    help_here: tuple[str, str] = ()  # type: ignore[assignment]  # help for the form or list
    markers_here = False  # whether the list shows the due-date markers

    @property
    def help_msgids(self) -> tuple[str, str]:
        """Help's text for what is shown now: the letter, or the form or list."""
        return RESULT_HELP if self.result.shown else self.help_here

    @property
    def shows_markers(self) -> bool:
        return self.result.shown or self.markers_here
    _result_mounting: AwaitMount | None = None
    lang: str               # the host screen's, given to it when it was built
    profile: ModeProfile

    @property
    def result(self) -> ResultPanel:
        if "_result" not in self.__dict__:
            self._result = ResultPanel(self.lang, self.profile.shows_applicant)
        return self._result

    def prepare_result(self) -> None:
        """Call from on_mount: the panel joins the screen once the screen is painted, and is
        laid out once, unseen, while the person reads the screen."""
        self.call_after_refresh(self._prepare_result)  # type: ignore[attr-defined]

    async def _prepare_result(self) -> None:
        if not self.is_attached:  # type: ignore[attr-defined]  # gone, or the app is leaving
            return  # (Textual mounts nothing then; the letter, if one comes, mounts it)
        await self._mount_result()
        hides = self.query(self.RESULT_HIDES)  # type: ignore[attr-defined]
        if hides and not self.result.shown:  # the screen still here, no letter asked for yet
            lay_out_unseen(self, self.result, hides.first())  # type: ignore[arg-type]

    def _mount_result(self) -> AwaitMount:
        if self._result_mounting is None:
            self._result_mounting = self.mount(self.result)  # type: ignore[attr-defined]
        return self._result_mounting

    async def show_in_place(self, letter: LetterView) -> None:
        if not self.result.is_mounted:  # asked before the screen's first paint was done
            await self._mount_result()
        self.query_one(self.RESULT_HIDES).display = False  # type: ignore[attr-defined]
        self.result.show(letter)
        self.refresh_bindings()  # type: ignore[attr-defined]
        paint_now(self)  # type: ignore[arg-type]

    def result_closed(self) -> None:
        """What the letter was shown in place of, again (the caller then moves the focus)."""
        self.query_one(self.RESULT_HIDES).display = True  # type: ignore[attr-defined]
        self.refresh_bindings()  # type: ignore[attr-defined]
        # Painting a letter leaves cyclic garbage in Textual's render caches that Python's
        # collector reaches late; collected here once the form is painted again, while the
        # person reads it, it no longer adds up (peak RSS).
        self.call_after_refresh(gc.collect)  # type: ignore[attr-defined]


RESULT_HELP = (
    N_("Where the letter is: the structural unit, the executor and their phone, the state of execution and when the answer is due; below, its movements, newest first. Back returns to where you came from."),
    N_("The caller's letter: first the applicant, to check against the caller, and the channel; then where it is, who has it, its state and due date, and its movements, newest first."),
)
# The rows every mode shows, in order: (label msgid, widget id). The registration date is in
# the title ("Letter No. … of …").
FIELDS = (
    (N_("Structural unit"), "result-unit"),
    (N_("Executor"), "result-executor"),
    (N_("Executor's phone"), "result-phone"),
    (N_("State of execution"), "result-status"),
    (N_("Answer due"), "result-due"),
)
# An operator checks the caller against these first; a kiosk never shows them.
OPERATOR_FIELDS = (
    (N_("Applicant"), "result-applicant"),
    (N_("Channel"), "result-channel"),
)
