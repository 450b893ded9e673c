"""Keys typed ahead of the screen they are meant for.

A fast typist, a paste or a barcode scanner (text, Tab, text, Enter) sends keys faster than a
screen is built: right after start the login screen is not there yet, and after Enter on the
authority picker the number form is still being composed. A key that arrives while the
current screen has no focused widget would reach no field at all, so it is held, in order,
and delivered once the screen has focused its first field — as a slow typist's would be.

Enter in a form waits the same way for the keys typed before it: they are queued at their
field, not yet in its value, when the app sees Enter. So Enter runs after them, in the field's
own queue (`after_queued`), and the keys after Enter are held until it has run.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual import events
from textual.app import App
from textual.timer import Timer
from textual.widget import Widget

TICK = 0.02       # seconds between checks whether the screen is ready for the held keys
MAX_TICKS = 100   # after this many checks (2 s) held keys go on as they are: never kept for good


class TypeAhead:
    def __init__(self, app: App, deliver: Callable[[events.Key], Awaitable[None]]) -> None:
        self.app = app
        self._deliver = deliver  # the app's own handling of a key, holding aside
        self._held: list[events.Key] = []
        self._gates = 0  # Enters waiting for the keys typed before them
        self._timer: Timer | None = None
        self._ticks = 0

    @property
    def holding(self) -> bool:
        return bool(self._held)

    def ready(self) -> bool:
        """No Enter waits, and the current screen has a field (or button) to take keys."""
        if self._gates:
            return False
        try:
            return self.app.screen.focused is not None
        except Exception:  # noqa: BLE001 - no screen yet at all: not ready
            return False

    def holds(self, key: events.Key) -> bool:
        """Hold `key` if the screen is not ready for it, or keys before it are still held."""
        if not self._held and self.ready():
            return False
        self._held.append(key)
        self._watch()
        return True

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
            self._ticks = 0
            self._timer = self.app.set_interval(TICK, self._tick)

    def _tick(self) -> None:
        self._ticks += 1
        self.app.call_later(self.release)

    async def release(self) -> None:
        """Deliver the held keys in order while the screen is ready for them (a key may bring
        a new screen: the keys after it wait for that one). After MAX_TICKS, deliver anyway."""
        if self._ticks > MAX_TICKS:
            self._gates = 0  # an Enter whose field went before it could run
        while self._held and (self._ticks > MAX_TICKS or self.ready()):
            await self._deliver(self._held.pop(0))
        if not self._held and not self._gates and self._timer is not None:
            self._timer.stop()
            self._timer = None
