"""F1: help for the screen it was opened on — what that screen is for, what its markers mean,
and the keys in force there (a keymap's, not the defaults), as the footer shows them."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Label, Static

from izle.data.i18n import N_, _
from izle.data.modes import ModeProfile
from izle.data.statuses import DEADLINE_MARKERS
from izle.screens.keys import DEFAULT_KEYS
from izle.screens.widgets import LocalFooter, TitleBar, shown_keys

# What a screen without help of its own is for: the seed's steps, as before.
GENERAL = N_(
    "İzlə shows where your letter to the State Customs Committee is: the structural unit, the "
    "executor and their phone, and the state of execution.")
# The keys every form has, whatever the keymap: they type and move.
FORM_KEYS = (
    ("Tab / Shift+Tab", N_("move between fields")),
    ("Enter", N_("next field; asks once the form is filled")),
)
MARKERS = (
    ("overdue", N_("overdue")),
    ("due_today", N_("due today")),
    ("open", N_("not due yet")),
    ("closed", N_("no answer owed any more")),
)


def markers_legend() -> str:
    """The due-date markers of the lists and the result, on a line or two."""
    return _("Answer due: {legend}").format(
        legend=" · ".join(f"{DEADLINE_MARKERS[state]} {_(meaning)}" for state, meaning in MARKERS))


def screen_help(screen: Screen | None, mode: str) -> str:
    """What `screen` is for, in this mode: its `help_msgids` (citizen's, operator's)."""
    texts = getattr(screen, "help_msgids", None)
    if not texts:
        return _(GENERAL)
    citizen, operator = texts
    return _(operator if mode == "operator" else citizen)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        # Closed by Back and by Help again, wherever a keymap puts them.
        Binding(DEFAULT_KEYS["back"], "close", N_("Close"), id="back"),
        Binding(DEFAULT_KEYS["help"], "close", show=False, id="help"),
    ]

    def __init__(self, profile: ModeProfile, beneath: Screen | None = None) -> None:
        """`beneath`: the screen help was asked on; its keys are read as they are now."""
        super().__init__()
        self.profile, self.beneath = profile, beneath

    def compose(self) -> ComposeResult:
        # The title row stays: the service's name and who is logged in, as beneath.
        yield TitleBar(getattr(self.beneath, "desk", None))
        with VerticalScroll(id="help-body", classes="panel"):
            yield Label(_("Help"), classes="panel-title")
            yield Static(screen_help(self.beneath, self.profile.mode), id="help-context",
                         classes="help-text", markup=False)
            if getattr(self.beneath, "shows_markers", False):
                yield Static(markers_legend(), id="help-markers", classes="help-text", markup=False)
            for keys, what in self.keys_in_force():
                yield Label(f"{keys:<16} {what}", classes="help-key", markup=False)
            yield Button(_("Close"), id="help-close", variant="primary", compact=True)
        yield LocalFooter()  # help's own keys: Back closes it, and the app's keys still work

    def keys_in_force(self) -> list[tuple[str, str]]:
        """The form keys, then each key the footer beneath shows, as the keymap set it."""
        keys = [(k, _(what)) for k, what in FORM_KEYS]
        if self.beneath is None:
            return keys
        return keys + [(self.app.get_key_display(binding), _(binding.description))
                       for binding, enabled in shown_keys(self.beneath) if enabled]

    def on_mount(self) -> None:
        self.query_one("#help-close", Button).focus()

    @on(Button.Pressed, "#help-close")
    def action_close(self) -> None:
        self.dismiss(None)
