"""Keys typed ahead of the screen they are meant for.

A fast typist, a paste or a barcode scanner (text, Tab, text, Enter) sends keys faster than a
screen is built: right after start the login screen is not there yet, and after Enter on the
authority picker the number form is still being composed. A key that arrives while the
current screen has no focused widget would reach no field at all, so it is held, in order,
and delivered once the screen has focused its first field — as a slow typist's would be.

Enter in a form waits the same way for the keys typed before it: they are queued at their
field, not yet in its value, when the app sees Enter. So Enter runs after them, in the field's
own queue (`after_queued`), and the keys after Enter are held until it has run.

Enter (or space) on a button is handled by its screen a few messages later, when the keys
after it would already have reached the button and been lost (Confirm on the phone, then
PIN1): they are held until the press has been handled (`press_handled`). A screen that has
asked a question whose answer brings the next screen (the login, until the phone rings) says
so with `keys_wait`; what is typed meanwhile waits for that screen, and is dropped (`drop`) if
the answer is a refusal instead: it was meant for the phone — PIN1 among it — never for the
login's fields.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual import events
from textual.app import App
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button

TICK = 0.02       # seconds between checks whether the screen is ready for the held keys
MAX_TICKS = 100   # after this many checks (2 s) held keys go on as they are: never kept for good
PRESS_TICKS = 10  # a press whose Pressed message was stopped on its way: 0.2 s, then go on
WAIT_TICKS = 1500  # a screen's question (terminal.db may be locked 5 s): 30 s at most
MAX_HELD = 512    # a runaway paste or a stuck key is not kept without bound


class TypeAhead:
    def __init__(self, app: App, deliver: Callable[[events.Key], Awaitable[None]]) -> None:
        self.app = app
        self._deliver = deliver  # the app's own handling of a key, holding aside
        self._held: list[events.Key] = []
        self._gates = 0  # Enters waiting for the keys typed before them
        self._timer: Timer | None = None
        self._ticks = 0
        self._pressed: Button | None = None  # a button whose press is not handled yet
        self._press_ticks = 0
        self._wait_ticks = 0

    @property
    def holding(self) -> bool:
        return bool(self._held)

    def ready(self) -> bool:
        """No Enter waits, and the current screen has a field (or button) to take keys."""
        if self._gates or self._pressed is not None:
            return False
        try:
            screen = self.app.screen
        except Exception:  # noqa: BLE001 - no screen yet at all: not ready
            return False
        return screen.focused is not None and not getattr(screen, "keys_wait", False)

    def holds(self, key: events.Key) -> bool:
        """Hold `key` if the screen is not ready for it, or keys before it are still held."""
        if not self._held and self.ready():
            self._note_press(key)
            return False
        if len(self._held) < MAX_HELD:
            self._held.append(key)
        self._watch()
        return True

    def _note_press(self, key: events.Key) -> None:
        """Enter or space about to reach a focused button: hold what follows until it is handled."""
        focused = self.app.focused
        if key.key in ("enter", "space") and isinstance(focused, Button) and not focused.disabled:
            self._pressed, self._press_ticks = focused, 0
            self._watch()

    def press_handled(self) -> None:
        """A button's Pressed reached the app, a screen change was asked, or the focus moved."""
        if self._pressed is not None:
            self._pressed = None
            self.app.call_later(self.release)

    def focus_moved(self, widget: Widget) -> None:
        """The press moved the focus (Confirm to the PIN1 field): what follows goes there."""
        if self._pressed is not None and widget is not self._pressed:
            self.press_handled()

    def drop(self) -> None:
        """Forget the held keys: the screen they were typed for will not come."""
        self._held.clear()

    def after_queued(self, widget: Widget, action: Callable[[], object]) -> None:
        """Run `action` once `widget` has handled the keys already sent to it; hold every key
        that comes meanwhile."""
        self._gates += 1
        self._watch()

        screen = widget.screen

        def run() -> None:
            try:
                action()
            finally:
                # What the action asked for (a screen change is a message from the screen to
                # the app's router) is handled before the keys after Enter go on.
                screen.call_later(self.app.call_later, self._open_gate)

        widget.call_later(run)

    async def _open_gate(self) -> None:
        self._gates = max(self._gates - 1, 0)
        await self.release()

    def _watch(self) -> None:
        """Check every TICK until nothing is held; a check is queued on the app (a timer's
        callback runs in a task of its own), in order with the keys the app handles."""
        if self._timer is None:
            self._ticks = self._wait_ticks = 0
            self._timer = self.app.set_interval(TICK, self._tick)

    def _tick(self) -> None:
        if self._pressed is not None:
            self._press_ticks += 1
            if self._press_ticks > PRESS_TICKS:
                self._pressed = None
        if self._screen_waits() and self._wait_ticks < WAIT_TICKS:
            self._wait_ticks += 1  # a question being answered: the keys are not forgotten
        else:
            self._ticks += 1
        self.app.call_later(self.release)

    def _screen_waits(self) -> bool:
        try:
            return bool(getattr(self.app.screen, "keys_wait", False))
        except Exception:  # noqa: BLE001 - no screen: nothing waits
            return False

    async def release(self) -> None:
        """Deliver the held keys in order while the screen is ready for them (a key may bring
        a new screen: the keys after it wait for that one). After MAX_TICKS, deliver anyway."""
        stale = self._ticks > MAX_TICKS
        if stale:
            self._gates = 0  # an Enter whose field went before it could run
        while self._held and (stale or self.ready()):
            key = self._held.pop(0)
            if not stale:
                self._note_press(key)
            await self._deliver(key)
        if not self._held and not self._gates and self._pressed is None and self._timer is not None:
            self._timer.stop()
            self._timer = None
