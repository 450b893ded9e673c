"""Read out: the result's sentences in the caller's language, for an operator to read to the
caller, over the result as it is — the operator's own screens keep their language.

The readout key (F6) opens it and, pressed again, turns to the next language; Back closes it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from izle.data.i18n import LANGUAGES, N_, _, translate, translate_plural
from izle.data.letters import LetterView
from izle.data.statuses import describe_deadline, explain
from izle.data.text import strip_controls
from izle.screens.keys import DEFAULT_KEYS
from izle.screens.messages import NewCall
from izle.screens.widgets import LocalFooter, NewCallButton


def readout_lines(letter: LetterView, lang: str) -> list[tuple[str, str]]:
    """(label, value) of what the caller is told, every word in `lang`; register text as is."""
    def t(message: str) -> str:
        return translate(message, lang)

    _title, sentence, values = explain(letter, letter.deadline, lang)
    status = t(sentence).format(**{k: strip_controls(str(v)) for k, v in values.items()})
    if letter.deadline is None:
        due = t(N_("not set"))
    else:
        marker, singular, plural, n, due_values = describe_deadline(letter.deadline)
        due = f"{marker} {translate_plural(singular, plural, n, lang).format(**due_values)}"
    return [
        (t(N_("Structural unit")), strip_controls(letter.unit.get(lang)) if letter.unit
         else t(N_("not assigned yet"))),
        (t(N_("Executor")), strip_controls(letter.executor or t(N_("not assigned yet")))),
        (t(N_("Executor's phone")), strip_controls(letter.executor_phone or "-")),
        (t(N_("State of execution")), status),
        (t(N_("Answer due")), due),
    ]


class ReadoutScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(DEFAULT_KEYS["readout"], "next_language", N_("Next language"), id="readout"),
        Binding(DEFAULT_KEYS["back"], "close", N_("Close"), id="back"),
        # Read out, the call may end here: the app's own New call key does not reach a modal.
        Binding(DEFAULT_KEYS["new-call"], "new_call", N_("New call"), id="new-call"),
    ]

    def __init__(self, letter: LetterView, lang: str) -> None:
        super().__init__()
        self.letter, self.lang = letter, lang

    def compose(self) -> ComposeResult:
        with Vertical(id="readout-body", classes="panel"):
            yield Label(_("Read out to the caller"), classes="panel-title")
            with Horizontal(id="readout-languages"):
                for lang in LANGUAGES:
                    yield Button(lang.upper(), id=f"readout-{lang}", classes="lang", compact=True)
            yield Static(id="readout-text", markup=False)
            with Horizontal(id="readout-actions"):
                yield Button(_("Close"), id="readout-close", variant="primary", compact=True)
                yield NewCallButton()
        yield LocalFooter()  # its own keys (the next language, Close) over the result's

    def on_mount(self) -> None:
        self.show_language(self.lang)
        self.query_one("#readout-close", Button).focus()

    def show_language(self, lang: str) -> None:
        self.lang = lang
        lines = readout_lines(self.letter, lang)
        self.query_one("#readout-text", Static).update(
            Content("\n").join(Content.assemble((label, "bold"), "\n", value) for label, value in lines))
        for code in LANGUAGES:
            button = self.query_one(f"#readout-{code}", Button)
            button.label = Content(f"[{code.upper()}]" if code == lang else code.upper())
            button.set_class(code == lang, "current")

    def action_next_language(self) -> None:
        self.show_language(LANGUAGES[(LANGUAGES.index(self.lang) + 1) % len(LANGUAGES)])

    @on(Button.Pressed, ".lang")
    def _language_chosen(self, event: Button.Pressed) -> None:
        self.show_language(event.button.id.removeprefix("readout-"))  # type: ignore[union-attr]

    @on(Button.Pressed, "#readout-close")
    def action_close(self) -> None:
        self.dismiss(None)

    def action_new_call(self) -> None:
        self.post_message(NewCall())
