"""IzleApp: the application shell — it opens the desk (data/desk/), hands the screens' requests
to the router (tui/router.py, every screen change) and locks a kiosk down. Every rule of a
session lives in the desk.

Modes (DESIGN §2): citizen (the default), operator, and the kiosk lockdown on top of citizen
mode. In every mode an idle terminal asks "still there?" and then logs out (citizen 60 s,
operator 900 s, `idle_timeout` overrides); the kiosk also cannot be left with any key.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on
from textual.app import App
from textual.binding import Binding, BindingType
from textual.widget import Widget

from izle.data.clock import Clock, SystemClock, system_random
from izle.data.limits import Limits
from izle.data.schema import ensure_terminal
from izle.data.i18n import DEFAULT_LANGUAGE, N_, _, set_language
from izle.data.modes import Mode, ModeProfile, profile
from izle.screens.messages import Navigate
from izle.tui.router import Router
from izle.tui.screen_ahead import ScreenAhead
from izle.tui.settings import DEFAULT_KEYS, Settings
from izle.tui.stopping import StopSignals
from izle.tui.themes import DEFAULT_THEME, IZLE_VARIABLES, THEMES
from izle.tui.typeahead import TypeAhead

if TYPE_CHECKING:  # loaded with the desk, after the login screen's first paint
    from textual.screen import Screen
    from textual.timer import Timer

    from izle.data.desk import Desk, Session
    from izle.data.letters import Register
    from izle.data.mobile_id import EmulatedMobileId, MobileIdProvider
    from izle.data.speech import Voice
    from izle.tui.speech import ScreenReader

IDLE_TICK = 0.25  # seconds between idle checks: cheap, and a prompt is never late
GOODBYE_SECONDS = 8.0  # a kiosk's goodbye stays this long, or until the next key
SPEECH_TICK = 0.1  # seconds between looks for a new error or result to say
NOTICE_SECONDS = 20.0  # long enough to read a path aloud
# What no key may do on a kiosk: leave, suspend, open the palette or save the screen.
KIOSK_LOCKED_ACTIONS = frozenset({"quit", "help_quit", "suspend_process", "command_palette",
                                  "screenshot"})
# Exit status after an administrator's "Stop this terminal": the kiosk's systemd unit lists it in
# RestartPreventExitStatus=, so that stop is not undone by Restart=always (docs/kiosk.md).
ADMIN_STOP_STATUS = 10
STOP_GRACE = 3.0  # seconds a signal's stop waits for its audit rows before leaving without them
SETTLE_TICK = 0.02  # seconds between looks, while stopping, for a screen still being built


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


class IzleApp(App, inherit_bindings=False):
    """İzlə: where is my letter to the State Customs Committee?"""

    CSS_PATH = "app.tcss"
    TITLE = "İzlə"
    ENABLE_COMMAND_PALETTE = False
    # A large console font leaves few rows (60x17 with Terminus 16x32): screens lose their
    # blank lines and three-line buttons below 20 rows (Screen.-short in app.tcss).
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (20, "-tall")]
    # The app-wide keys, declared once for every screen; ids let a keymap move them.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(DEFAULT_KEYS["help"], "help", N_("Help"), id="help"),
        Binding(DEFAULT_KEYS["logout"], "logout", N_("Log out"), id="logout"),
        Binding(DEFAULT_KEYS["new-call"], "new_call", N_("New call"), id="new-call"),
        Binding(DEFAULT_KEYS["readout"], "readout", N_("Read out"), id="readout"),
        Binding("ctrl+q", "quit", N_("Quit"), priority=True, id="quit"),
        # Moving between fields acts at once, before the keys typed after it reach a field
        # (priority: not queued behind them at the focused Input).
        Binding("tab", "app.focus_next", show=False, priority=True, id="focus-next"),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True, id="focus-previous"),
        Binding("enter", "app.enter_field", show=False, priority=True, id="enter-field"),
        Binding(DEFAULT_KEYS["speak-again"], "speak_again", N_("Repeat"), show=False,
                priority=True, id="speak-again"),
        Binding(DEFAULT_KEYS["speak-pause"], "speak_pause", N_("Pause"), show=False,
                id="speak-pause"),
        Binding("plus", "speak_louder", N_("Louder"), show=False, id="speak-louder"),
        Binding("minus", "speak_softer", N_("Softer"), show=False, id="speak-softer"),
    ]

    def __init__(
        self,
        db_path: str | Path | None = None,
        mode: Mode | str = Mode.CITIZEN,
        kiosk: bool = False,
        lang: str = DEFAULT_LANGUAGE,
        idle_timeout: float | None = None,
        confirm_timeout: float = 120,
        terminal: str | None = None,
        state_path: str | Path | None = None,
        *,
        settings: Settings | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        provider: MobileIdProvider | None = None,
        limits: Limits | None = None,
        theme: str | None = None,
        voice: Voice | None = None,
    ) -> None:
        settings = settings or Settings(
            db_path=Path(db_path), state_path=Path(state_path) if state_path else None,  # type: ignore[arg-type]
            mode=Mode(mode), kiosk=kiosk, lang=lang, idle_timeout=idle_timeout,
            confirm_timeout=confirm_timeout, terminal=terminal, limits=limits or Limits(),
            theme=theme or DEFAULT_THEME)
        console = on_linux_console()
        if console:
            use_console_glyphs()
        super().__init__(css_path=[self.CSS_PATH, "console.tcss"] if console else None)
        self.settings = settings
        for each in THEMES.values():
            self.register_theme(each)
        self.theme = settings.theme
        self.clock = clock or SystemClock()
        set_language(settings.lang)
        self.lang = settings.lang
        self.mode, self.kiosk = settings.mode, settings.kiosk
        self.profile: ModeProfile = profile(settings.mode)
        self.terminal_name = settings.terminal or socket.gethostname()
        ensure_terminal(settings.terminal_db)  # one that cannot be opened is refused before a run
        self._rng = rng or system_random()
        self._given_provider = provider
        self._desk: Desk | None = None
        self._opening = threading.Lock()
        self._last_input = self.clock.monotonic()
        self.idle_prompt_open = False
        self._stopping = False  # a stop (a signal, an administrator) is under way
        self._signals = StopSignals(self._on_signal)
        self._goodbye_timer: Timer | None = None
        self.reader = self._screen_reader(voice)
        self.router = Router(self)
        self.typeahead = TypeAhead(self, self._deliver_key)
        if settings.kiosk:
            self.add_class("-kiosk")  # what a screen may ask the App (`has_class`) and style on
            self.ALLOW_SELECT = False
            # With this set, ctrl+c/ctrl+z would reach the process as signals again.
            os.environ.pop("TEXTUAL_ALLOW_SIGNALS", None)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """İzlə's own variables (`izle-field-*` …) for a theme that does not set them."""
        return IZLE_VARIABLES

    def _screen_reader(self, voice: Voice | None) -> ScreenReader | None:
        """Speech, when asked for (or a test's voice given): None otherwise."""
        settings = self.settings
        if voice is None and not (settings.speech or settings.speech_to):
            return None
        from izle.data.speech import EspeakVoice, FileVoice, Speaker, espeak_missing
        from izle.tui.speech import ScreenReader

        if voice is None:
            if settings.speech_to is not None:
                voice = FileVoice(settings.speech_to)
            elif espeak_missing() is None:
                voice = EspeakVoice()
            else:
                return None  # the command said so in one sentence before the app started
        return ScreenReader(Speaker(voice, private=settings.speech_private), lambda: self.lang)

    # --- the desk: opened after the login screen's first paint ------------------------------

    @property
    def desk(self) -> Desk:
        """The session's rules over the register and this terminal's store. Loading its modules
        took ~40 ms of the start-up, so the warm-up opens it once the login screen is painted;
        whatever asks sooner opens it then, or waits while it opens."""
        if self._desk is None:
            with self._opening:
                if self._desk is None:
                    self._desk = self._open_desk()
        return self._desk

    def _open_desk(self) -> Desk:
        from izle.data.desk import Desk
        from izle.data.letters import Register
        from izle.data.mobile_id import EmulatedMobileId
        from izle.data.terminal import TerminalStore

        settings = self.settings
        store = TerminalStore(settings.terminal_db, self.clock, self._rng)
        provider = self._given_provider or EmulatedMobileId(store, self.clock, self._rng,
                                                             settings.confirm_timeout)
        desk = Desk(register=Register(settings.register, clock=self.clock), store=store,
                    provider=provider, clock=self.clock, mode=settings.mode,
                    audit_mode=settings.audit_mode, terminal=self.terminal_name,
                    limits=settings.limits)
        if isinstance(provider, EmulatedMobileId):
            provider.on_wrong_pin = lambda user_id: desk.record_safely(
                "pin", "WRONG_PIN", {"user_id": user_id}, actor=user_id)
        return desk

    @property
    def register(self) -> Register:
        return self.desk.register

    @property
    def provider(self) -> MobileIdProvider:
        return self.desk.provider

    @property
    def session(self) -> Session | None:
        return self._desk.session if self._desk is not None else None  # unopened: nobody yet

    @property
    def emulated_phone(self) -> EmulatedMobileId | None:
        """The emulator's phone, when the provider is the emulator (a real one has its own)."""
        from izle.data.mobile_id import EmulatedMobileId

        return self.provider if isinstance(self.provider, EmulatedMobileId) else None

    # --- lifecycle -------------------------------------------------------------------------

    def on_mount(self) -> None:
        self._signals.attach(asyncio.get_running_loop())  # after the driver, which may take them
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        if self.reader is not None:
            self.screen_change_signal.subscribe(self, self._screen_changed)
            self.set_interval(SPEECH_TICK, self._speak_changes)
        self.router.start()
        if self.settings.notice:  # what the terminal said before the app took the screen
            self.notify(self.settings.notice, timeout=NOTICE_SECONDS, markup=False)
        self.set_interval(IDLE_TICK, self._check_idle)
        # After the first paint: load what the first lookup would otherwise wait for, and read
        # every page of the register once (quick_check) — damage found then, not mid-lookup.
        self.call_after_refresh(
            lambda: self.run_worker(self._warm_up_and_check, thread=True, exit_on_error=False)
        )

    def _warm_up_and_check(self) -> None:
        desk = self.desk  # opened now rather than when the person presses "log in"
        # The screens after login, imported now rather than while a person waits for them.
        import izle.screens.agency, izle.screens.letters, izle.screens.lookup  # noqa: E401, F401

        try:
            self.call_from_thread(self._warm_styles)
        except Exception:  # noqa: BLE001 - a head start only (Textual parses them when needed);
            pass  # it must never keep the register's check below from running
        damage = desk.register_damage()
        if damage is None and (unfilled := desk.register_unfilled()) is not None:
            damage = unfilled.text(_)
        if damage is None:
            try:
                self.register.warm_up()
                return
            except Exception as error:  # noqa: BLE001 - any failure here means: not readable
                damage = str(error)
        self.call_from_thread(self.out_of_service, damage)

    def _warm_styles(self) -> None:
        from izle.tui.warm_styles import add_default_styles

        add_default_styles(self.stylesheet)

    @property
    def screen_ahead(self) -> ScreenAhead:
        return self.router.ahead

    @on(Navigate)
    async def _navigate(self, message: Navigate) -> None:
        """A screen asked for another: the router decides (tui/router.py)."""
        self.typeahead.press_handled()  # a button's press that asked it has been handled
        await self.router.route(message)

    def on_button_pressed(self) -> None:
        """A press bubbled up here once its screen handled it: the keys after it go on."""
        self.typeahead.press_handled()

    def out_of_service(self, detail: str) -> None:
        self.router.out_of_service(detail)

    def show_login(self, message: str = "") -> None:
        self.router.show_login(message)

    def get_driver_class(self):
        """On Linux and macOS terminals, a driver that drops undecodable input bytes."""
        driver = super().get_driver_class()
        from textual.drivers.linux_driver import LinuxDriver

        if driver is LinuxDriver:
            from izle.tui.tolerant_input import TolerantLinuxDriver

            return TolerantLinuxDriver
        return driver

    # --- a stop by a signal ------------------------------------------------------------------

    def run(self, **options: Any) -> Any:
        """A run in a terminal: the stop signals are handled from before the first paint until
        the run has ended (tui/stopping.py)."""
        if options.get("headless"):
            return super().run(**options)
        self.install_signal_handlers()
        try:
            return super().run(**options)
        finally:
            self._signals.restore()

    def install_signal_handlers(self) -> None:
        """SIGTERM/SIGINT from the service manager (or SIGHUP, the terminal gone) stop it
        cleanly, audited. A headless test's app has no watchdog: it would end the tests."""
        self._signals.install(watchdog=not self.is_headless)

    def on_load(self) -> None:
        self._signals.attach(asyncio.get_running_loop())

    def on_unmount(self) -> None:
        if self.is_headless:  # a test's app: the test process's own handlers back
            self._signals.restore()

    @property
    def stopping(self) -> bool:
        """A stop (a signal, an administrator) is under way: no screen changes any more."""
        return self._stopping

    def _on_signal(self, name: str) -> None:
        """Never blocks the event loop, whatever the moment: no login completes from now on,
        the session ends in memory at once, its logout and the stop are audited by a thread
        (the desk may still be opening, or terminal.db be locked), and the app leaves when they
        are written or STOP_GRACE seconds pass. A second signal is the same stop (a hang-up
        brings two: the terminal's own and the kernel's)."""
        if self._stopping:
            return
        self._stopping = True
        if self._desk is not None:
            self._desk.stop(name, wait=False)
        threading.Thread(target=self._audit_stop, args=(name,), daemon=True,
                         name="izle-stop").start()
        self.set_timer(STOP_GRACE, partial(self.exit, return_code=0))

    def _audit_stop(self, name: str) -> None:
        try:
            self.desk.stop(name)  # the logouts, then the stop (the desk opened if it was not)
        except Exception as error:  # noqa: BLE001 - the app leaves all the same
            self.log.error(f"stop audit: {error!r}")
        try:
            super().call_from_thread(self._leave)
        except RuntimeError:
            pass  # the app has already gone (the grace timer)

    def _leave(self) -> None:
        """Exit once no screen or widget is still being built: once the app exits, Textual
        composes and mounts nothing more, so a screen pushed just before the signal would
        mount empty and fail on its first query, and a panel a screen mounts after its first
        paint would fail to mount (a traceback and exit status 1 instead of a clean stop).
        Looked at after the screen's next refresh, behind what the screens asked to do then."""
        self.screen.call_after_refresh(self._leave_when_built)

    def _leave_when_built(self) -> None:
        if self._still_building():
            self.set_timer(SETTLE_TICK, self._leave)
            return
        self.exit(return_code=0)

    def _still_building(self) -> bool:
        screens = [*self.screen_stack]
        if (ahead := self.router.ahead.screen) is not None:
            screens.append(ahead)
        return any(not node.is_mounted for screen in screens
                   for node in (screen, *screen.walk_children(Widget)))

    def call_from_thread(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """What a worker hands the UI, dropped once a stop has begun (decided when it would
        run): the screens are about to go, and anything they built now would never be
        composed."""
        def unless_stopping() -> Any:
            return None if self._stopping else callback(*args, **kwargs)

        return super().call_from_thread(unless_stopping)

    def stop_terminal(self, reason: str) -> None:
        """Stop this terminal, an administrator's choice (exit status ADMIN_STOP_STATUS):
        once, and not while a signal's stop is under way (the same stop)."""
        if self._stopping:
            return
        self._stopping = True
        self.desk.stop(reason)
        self.exit(return_code=ADMIN_STOP_STATUS if reason == "admin" else 0)

    def get_key_display(self, binding: Binding) -> str:
        """Keys as printed on the keyboard: F1, Esc, Ctrl+Q (Textual shows f1, escape, ^q)."""
        if binding.key_display:
            return binding.key_display
        names = {"escape": "Esc", "enter": "Enter", "tab": "Tab"}
        shown = []
        for key in binding.key.split(","):
            *modifiers, name = key.strip().split("+")
            name = names.get(name, name.upper() if len(name) <= 3 else name.capitalize())
            shown.append("+".join([*(m.capitalize() for m in modifiers), name]))
        return "/".join(shown)

    # --- the kiosk lockdown ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """On a kiosk the locked actions are off; logout only where someone is logged in."""
        if self.kiosk and action in KIOSK_LOCKED_ACTIONS:
            return False
        if action == "logout":
            return self.session is not None
        if action.startswith("speak_"):
            return self.reader is not None
        if action == "new_call":  # hidden outside an operator's session
            return self.profile.operator and self.session is not None
        if action == "readout":  # an operator's, on a letter shown
            return self.profile.operator and self._letter_shown() is not None
        return True

    def _letter_shown(self):
        """The letter on the screen being worked on, under help or the readout if one is open
        (so help lists the readout key of the letter it was opened on)."""
        for screen in reversed(self.screen_stack):
            result = getattr(screen, "result", None)
            if result is not None:
                return result.letter if result.shown else None
            if not screen.is_modal:
                return None
        return None

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
            self._last_input = self.clock.monotonic()
        if isinstance(event, events.Key):
            if self._goodbye_timer is not None:
                self._forget_goodbye()  # the next person's first key: the last one's goodbye goes
            if self.reader is not None:
                self.reader.key_pressed()
        if isinstance(event, events.Key) and not event.is_forwarded and self.typeahead.holds(event):
            return  # typed ahead of its screen: delivered once the screen has a field focused
        await super().on_event(event)
        if isinstance(event, events.DescendantFocus):
            self.typeahead.focus_moved(event.widget)
            if self.typeahead.holding:
                await self.typeahead.release()

    async def _deliver_key(self, key: events.Key) -> None:
        await super().on_event(key)

    def action_enter_field(self) -> None:
        """Enter in a form's field acts at once (next field, or the form's question), so the
        keys typed after it land where a slow typist's would; elsewhere Enter is the widget's."""
        from textual.actions import SkipAction
        from textual.widgets import Input

        from izle.screens.widgets import FormFlow

        screen, field = self.screen, self.focused
        if not (isinstance(screen, FormFlow) and isinstance(field, Input) and screen.owns(field)):
            raise SkipAction()
        self.typeahead.after_queued(field, partial(screen.enter_in, field))

    # --- speech (a kiosk with --speech) ---------------------------------------------------

    def _screen_changed(self, screen: Screen) -> None:
        self.call_after_refresh(self._announce, screen)

    def _announce(self, screen: Screen) -> None:
        if self.reader is not None and screen is self.screen:
            self.reader.screen_shown(screen)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if self.reader is not None and event.widget.screen is self.screen:
            self.reader.focus_moved(event.widget)

    def _speak_changes(self) -> None:
        if self.reader is not None:
            self.reader.changes_on(self.screen)

    def action_speak_again(self) -> None:
        if self.reader is not None:
            self.reader.speaker.again()

    def action_speak_pause(self) -> None:
        if self.reader is not None:
            self.reader.speaker.pause()

    def action_speak_louder(self) -> None:
        if self.reader is not None:
            self.reader.speaker.louder()
            self.reader.speaker.again()

    def action_speak_softer(self) -> None:
        if self.reader is not None:
            self.reader.speaker.softer()
            self.reader.speaker.again()

    def _check_idle(self) -> None:
        """Never raises: a kiosk must not end on a timer, whatever state the screens are in."""
        if self._stopping:
            return
        try:
            self._idle_step()
        except Exception as error:  # noqa: BLE001 - logged; the next tick tries again
            self.log.error(f"idle check: {error!r}")

    def _idle_step(self) -> None:
        idle = self.clock.monotonic() - self._last_input
        if self.idle_prompt_open or idle < self.settings.idle_seconds:
            return
        login = self.router.login_screen()
        if self.session is None and (login is None or login.is_blank()):
            if login is not None and login.is_mounted:
                login.clear_message()  # the last person's "wrong PIN" does not greet the next
            return
        self.router.ask_still_there()

    def idle_answered(self) -> None:
        self.idle_prompt_open = False
        self._last_input = self.clock.monotonic()

    def set_lang(self, lang: str) -> None:
        set_language(lang)
        self.lang = lang
        self.refresh_bindings()

    # --- the session -----------------------------------------------------------------------

    def end_session(self, reason: str, message: str = "") -> None:
        self.router.end_session(reason, message)

    def start_goodbye(self) -> None:
        """A kiosk's goodbye stays GOODBYE_SECONDS, or until the next key (on_event)."""
        self._goodbye_timer = self.set_timer(GOODBYE_SECONDS, self._forget_goodbye)

    def _forget_goodbye(self) -> None:
        if self._goodbye_timer is not None:
            self._goodbye_timer.stop()
            self._goodbye_timer = None
        login = self.router.login_screen()
        if login is not None and login.is_mounted:
            login.clear_message()

    def action_logout(self) -> None:
        self.end_session("user", N_("You have logged out."))

    def action_new_call(self) -> None:
        self.router.new_call()

    def action_readout(self) -> None:
        letter = self._letter_shown()
        if letter is not None:
            self.router.read_out(letter)

    def action_help(self) -> None:
        self.router.show_help()
