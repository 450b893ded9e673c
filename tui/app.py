"""IzleApp: the application shell — modes, the logged-in session, routing and the audit trail.

Modes (DESIGN §2): citizen (the default), operator, and the kiosk lockdown on top of citizen
mode. In every mode an idle terminal asks "still there?" and then logs out (citizen 60 s,
operator 900 s, `idle_timeout` overrides); the kiosk also cannot be left with any key.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType

from data import audit
from data.caller import FOUND, MISS, UNVERIFIED, Lookup, MissBurst, caller_key, operator_lookup
from data.db import connect_write, state_path as default_state_path
from data.identities import Identity
from data.letters import Agency, Register
from data.mobile_id import EmulatedMobileId, MobileIdProvider
from data.schema import ensure_terminal
from data.text import normalize_reg_no
from tui.i18n import DEFAULT_LANGUAGE, N_, _, set_language

MODES = ("citizen", "operator")
DEFAULT_IDLE_TIMEOUT = {"citizen": 60.0, "operator": 900.0}
IDLE_TICK = 0.25          # seconds between idle checks: cheap, and a prompt is never late
MISS_LIMIT = 5            # a citizen's misses in one session before it ends
BURST_LIMIT, BURST_WINDOW = 3, 600.0  # an operator's misses within 10 minutes are flagged
OPERATOR_ROLES = ("operator", "admin")
# What no key may do on a kiosk: leave, suspend, open the palette or save the screen.
KIOSK_LOCKED_ACTIONS = frozenset({"quit", "help_quit", "suspend_process", "command_palette",
                                  "screenshot"})
# Exit status after an administrator's "Stop this terminal": the kiosk's systemd unit lists it in
# RestartPreventExitStatus=, so that stop is not undone by Restart=always (docs/kiosk.md).
ADMIN_STOP_STATUS = 10


def on_linux_console() -> bool:
    """A Linux text console (or IZLE_CONSOLE=1): 16 colours and a 512-glyph font."""
    return os.environ.get("TERM") == "linux" or os.environ.get("IZLE_CONSOLE") == "1"


def use_console_glyphs() -> None:
    """Scrollbars without the 1/8 block glyphs a console font lacks (Textual's documented hook)."""
    from textual.scrollbar import ScrollBar, ScrollBarRender

    class ConsoleScrollBarRender(ScrollBarRender):
        VERTICAL_BARS = [" "] * 8
        HORIZONTAL_BARS = [" "] * 8

    ScrollBar.renderer = ConsoleScrollBarRender


@dataclass
class Session:
    """The person logged in on this terminal, and what they have done so far."""

    identity: Identity
    agency: Agency | None = None
    misses: int = 0
    looked_up: list[str] = field(default_factory=list)
    bursts: MissBurst = field(default_factory=lambda: MissBurst(BURST_LIMIT, BURST_WINDOW))


class IzleApp(App, inherit_bindings=False):
    """İzlə: where is my letter to the State Customs Committee?"""

    CSS_PATH = "app.tcss"
    TITLE = "İzlə"
    ENABLE_COMMAND_PALETTE = False
    # How long the "still there?" prompt waits. WCAG 2.2.1 asks for at least 20 s; tests shorten it.
    IDLE_PROMPT_SECONDS: ClassVar[float] = 20.0
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
        console = on_linux_console()
        if console:
            use_console_glyphs()
        super().__init__(css_path=[self.CSS_PATH, "console.tcss"] if console else None)
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
        # terminal.db is written from the UI thread and from workers through one connection.
        self.state_lock = threading.RLock()
        self.mobile_id: MobileIdProvider = EmulatedMobileId(self.state, confirm_timeout)
        self.session: Session | None = None
        self._last_input = time.monotonic()
        self._idle_prompt_open = False
        if kiosk:
            self.ALLOW_SELECT = False
            # With this set, ctrl+c/ctrl+z would reach the process as signals again.
            os.environ.pop("TEXTUAL_ALLOW_SIGNALS", None)

    # --- lifecycle -------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.show_login()
        self.set_interval(IDLE_TICK, self._check_idle)
        # After the first paint, load what the first lookup would otherwise wait for (holidays).
        self.call_after_refresh(
            lambda: self.run_worker(self.register.warm_up, thread=True, exit_on_error=False)
        )
        if not self.is_headless:
            self.install_signal_handlers()

    def show_login(self, message: str = "") -> None:
        """A fresh login screen on an empty stack: nothing of the last person survives."""
        from screens.login import LoginScreen

        while len(self.screen_stack) > 1:
            self.pop_screen()
        self._idle_prompt_open = False
        self.push_screen(LoginScreen(message=message))

    def install_signal_handlers(self) -> None:
        """SIGTERM/SIGINT from the service manager (or SIGHUP, the tty gone) stop it cleanly, audited."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            loop.add_signal_handler(sig, self.stop_terminal, sig.name)

    def stop_terminal(self, reason: str) -> None:
        """Stop this terminal: on a signal (exit status 0), or an administrator's choice."""
        if self.session is not None:
            self.record_safely("logout", "stop")
        self.record_safely("stop", reason)
        self.session = None
        self.exit(return_code=ADMIN_STOP_STATUS if reason == "admin" else 0)

    def get_key_display(self, binding: Binding) -> str:
        """Keys as printed on the keyboard: F1, Esc, Ctrl+Q (Textual shows f1, escape, ^q)."""
        if binding.key_display:
            return binding.key_display
        modifiers, key = binding.parse_key()
        names = {"escape": "Esc", "enter": "Enter", "tab": "Tab"}
        key = names.get(key, key.upper() if len(key) <= 3 else key.capitalize())
        return "+".join([*(m.capitalize() for m in modifiers), key])

    # --- the kiosk lockdown ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """On a kiosk the locked actions are off and hidden from the footer."""
        if self.kiosk and action in KIOSK_LOCKED_ACTIONS:
            return False
        return True

    async def action_quit(self) -> None:
        if not self.kiosk:
            self.exit()

    def action_command_palette(self) -> None:
        if not self.kiosk:
            super().action_command_palette()

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        if not self.kiosk:
            super().action_screenshot(filename, path)

    def action_suspend_process(self) -> None:
        if not self.kiosk:
            super().action_suspend_process()

    # --- idle: "still there?", then log out ------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseEvent)):
            self._last_input = time.monotonic()
        await super().on_event(event)

    def _check_idle(self) -> None:
        if self._idle_prompt_open or time.monotonic() - self._last_input < self.idle_timeout:
            return
        login = self._login_screen()
        if self.session is None and (login is None or login.is_blank()):
            if login is not None:
                login.clear_message()  # the last person's "wrong PIN" does not greet the next
            return
        from screens.idle import IdleScreen

        self._idle_prompt_open = True
        self.push_screen(IdleScreen(self.IDLE_PROMPT_SECONDS), self._idle_answered)

    def _idle_answered(self, stay: bool | None) -> None:
        self._idle_prompt_open = False
        self._last_input = time.monotonic()
        if not stay:
            self.end_session("idle", _("You were logged out because the terminal was not used."))

    def _login_screen(self):
        from screens.login import LoginScreen

        return next((s for s in self.screen_stack if isinstance(s, LoginScreen)), None)

    def set_lang(self, lang: str) -> None:
        set_language(lang)
        self.lang = lang
        self.refresh_bindings()

    # --- the session -----------------------------------------------------------------------

    def refusal(self, identity: Identity) -> str | None:
        """Why this identity may not use this terminal's mode, or None when it may."""
        if self.mode == "operator" and identity.role not in OPERATOR_ROLES:
            return _("Only call-centre operators may use operator mode. This account may not.")
        return None

    def start_session(self, identity: Identity) -> None:
        from screens.admin import AdminScreen
        from screens.agency import AgencyScreen

        self.session = Session(identity)
        if self.kiosk and identity.role == "admin":
            self.switch_screen(AdminScreen())
        else:
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
        with self.state_lock:
            return audit.append(
                self.state, terminal=self.terminal_name, mode=self.audit_mode,
                actor=actor or self.actor, action=action, outcome=outcome, query=query,
            )

    def record_safely(self, action: str, outcome: str, query: dict | None = None,
                      actor: str | None = None) -> bool:
        """Like `record`, for steps that go on anyway (a refusal, a logout); False if it failed."""
        try:
            self.record(action, outcome, query, actor)
        except Exception:
            self.log.error(f"audit row not written: {action} {outcome}")
            return False
        return True

    def tag(self, value: str) -> str:
        """A keyed hash of personal data (phone, FIN, surname) for the audit log."""
        with self.state_lock:
            return audit.keyed_tag(self.state, value)

    @property
    def audit_mode(self) -> str:
        return "kiosk" if self.kiosk else self.mode

    def lookup(self, agency: Agency, reg_no: str, reg_date: date, caller: str = "") -> Lookup:
        """One lookup under this mode's rule, audited before anything is shown.

        Citizen: only the logged-in citizen's own letters. Operator: any letter, its details only
        when `caller` (the FIN or surname the caller states) matches the applicant.
        Runs in a worker thread; if the audit row cannot be written this raises.
        """
        assert self.session is not None
        query = {"agency": agency.code, "reg_no": normalize_reg_no(reg_no),
                 "reg_date": reg_date.isoformat()}
        if self.mode == "operator":
            result = operator_lookup(self.register.find_letter(agency.code, reg_no, reg_date), caller)
            query["caller"] = self.tag(caller_key(caller))
            query["check"] = {FOUND: "match", UNVERIFIED: "mismatch"}.get(result.outcome, "none")
        else:
            letter = self.register.find_citizen_letter(
                agency.code, reg_no, reg_date, self.session.identity.fin
            )
            result = Lookup(FOUND, letter) if letter else Lookup(MISS)
        self.record("lookup", result.outcome, query)
        return result

    def after_miss(self) -> str | None:
        """Count a miss: "end" when a citizen reaches the limit, "flag" on an operator's burst."""
        assert self.session is not None
        self.session.misses += 1
        if self.mode == "operator":
            if self.session.bursts.add():
                self.record_safely("flag", "miss_burst", {"limit": BURST_LIMIT,
                                                          "window_s": int(BURST_WINDOW)})
                return "flag"
            return None
        return "end" if self.session.misses >= MISS_LIMIT else None
