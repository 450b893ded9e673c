"""IzleApp: the application shell — modes, the logged-in session, routing and the audit trail."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from data import audit
from data.db import connect_write, state_path as default_state_path
from data.identities import Identity
from data.letters import Agency, LetterView, Register
from data.mobile_id import EmulatedMobileId, MobileIdProvider
from data.schema import ensure_terminal
from tui.i18n import DEFAULT_LANGUAGE, N_, _, set_language

MODES = ("citizen", "operator")
DEFAULT_IDLE_TIMEOUT = {"citizen": 60.0, "operator": 900.0}
MISS_LIMIT = 5


@dataclass
class Session:
    """The person logged in on this terminal, and what they have done so far."""

    identity: Identity
    agency: Agency | None = None
    misses: int = 0
    looked_up: list[str] = field(default_factory=list)


class IzleApp(App, inherit_bindings=False):
    """İzlə: where is my letter to the State Customs Committee?"""

    CSS_PATH = "app.tcss"
    TITLE = "İzlə"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", N_("Help"), id="help"),
        Binding("ctrl+q", "quit", N_("Quit"), priority=True, id="quit"),
        Binding("tab", "app.focus_next", show=False, id="focus-next"),
        Binding("shift+tab", "app.focus_previous", show=False, id="focus-previous"),
    ]

    def __init__(
        self,
        db_path: str | Path,
        mode: str = "citizen",
        kiosk: bool = False,
        lang: str = DEFAULT_LANGUAGE,
        idle_timeout: float | None = None,
        confirm_timeout: float = 120,
        terminal: str | None = None,
        state_path: str | Path | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode: {mode}")
        super().__init__()
        set_language(lang)
        self.lang = lang
        self.default_lang = lang
        self.mode = mode
        self.kiosk = kiosk
        self.idle_timeout = idle_timeout if idle_timeout is not None else DEFAULT_IDLE_TIMEOUT[mode]
        self.confirm_timeout = confirm_timeout
        self.terminal_name = terminal or socket.gethostname()
        self.register = Register(Path(db_path))
        state = Path(state_path) if state_path else default_state_path(Path(db_path))
        ensure_terminal(state)
        self.state = connect_write(state)
        self.mobile_id: MobileIdProvider = EmulatedMobileId(self.state, confirm_timeout)
        self.session: Session | None = None

    # --- lifecycle -------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.show_login()

    def show_login(self, message: str = "") -> None:
        """A fresh login screen on an empty stack: nothing of the last person survives."""
        from screens.login import LoginScreen

        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(LoginScreen(message=message))

    def set_lang(self, lang: str) -> None:
        set_language(lang)
        self.lang = lang
        self.refresh_bindings()

    # --- the session -----------------------------------------------------------------------

    def start_session(self, identity: Identity) -> None:
        from screens.agency import AgencyScreen

        self.session = Session(identity)
        self.switch_screen(AgencyScreen())

    def end_session(self, reason: str, message: str = "") -> None:
        if self.session is not None:
            self.record("logout", reason)
        self.session = None
        if self.kiosk:
            self.set_lang(self.default_lang)
        self.show_login(message)

    def action_logout(self) -> None:
        self.end_session("user", _("You have logged out."))

    def action_help(self) -> None:
        from screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # --- the register and the audit ----------------------------------------------------------

    @property
    def actor(self) -> str:
        return self.session.identity.user_id if self.session else "-"

    def record(self, action: str, outcome: str, query: dict | None = None,
               actor: str | None = None) -> int:
        """Append to the audit log; raises if it cannot, so the caller shows nothing."""
        return audit.append(
            self.state, terminal=self.terminal_name, mode=self.audit_mode,
            actor=actor or self.actor, action=action, outcome=outcome, query=query,
        )

    @property
    def audit_mode(self) -> str:
        return "kiosk" if self.kiosk else self.mode

    def lookup(self, agency: Agency, reg_no: str, reg_date) -> LetterView | None:
        """The citizen rule: only the logged-in citizen's own letters are found. Audited.

        Runs in a worker thread; the audit row is written before anything is shown.
        """
        assert self.session is not None
        letter = self.register.find_citizen_letter(
            agency.code, reg_no, reg_date, self.session.identity.fin
        )
        outcome = "found" if letter else "miss"
        self.record("lookup", outcome, {"agency": agency.code, "reg_no": reg_no,
                                        "reg_date": reg_date.isoformat()})
        return letter

    def register_miss(self) -> bool:
        """Count a miss; True when the session has just reached the miss limit."""
        assert self.session is not None
        self.session.misses += 1
        return self.session.misses >= MISS_LIMIT
