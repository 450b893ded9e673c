"""The stop signals in a real terminal: SIGTERM (a service manager), SIGHUP (the terminal has
gone) and SIGINT end İzlə at any moment — before its first paint, mid-login, mid-lookup — and
a stop that cannot end on its own is ended anyway.

The handlers are installed before the run begins and kept until it has ended (the App's `run`).
The event loop stops the app; Python's own handler arms the watchdog. Python runs a handler in
the main thread even while that thread waits on a lock, so the watchdog is armed even when the
event loop is stuck and never reads the signal — as when a hang-up once left İzlə in a futex
wait, ignoring SIGTERM. A signal that comes before the event loop runs — from the start of the
command (`caught_early`), before the app even exists — is kept and handed over when it does
(`attach`).

The watchdog ends a stop that has not ended WATCHDOG_SECONDS after its signal: it puts the
terminal back as well as it can and exits with FORCED_STOP_STATUS, which a service manager
reads as a failure — the stop may not have been audited.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import termios
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
WATCHDOG_SECONDS = 10.0  # after a stop's signal; the stop itself leaves by STOP_GRACE (tui/app.py)
FORCED_STOP_STATUS = 1
# Textual's application mode undone: keyboard protocol, alternate screen, cursor, focus
# reports, mouse reports, bracketed paste, line wrap.
LEAVE_APPLICATION_MODE = (b"\x1b[<u\x1b[?1049l\x1b[?25h\x1b[?1004l\x1b[?1000l\x1b[?1003l"
                          b"\x1b[?1015l\x1b[?1006l\x1b[?2004l\x1b[?7h")


_caught: dict[str, Any] = {"previous": {}, "name": None}  # see caught_early


@contextmanager
def caught_early() -> Iterator[None]:
    """From the start of a terminal run, before the app exists: a stop signal is kept for the
    app (its handlers take it over, `StopSignals.install`) instead of ending the process
    unaudited. An app that never ran leaves the handlers as they were before."""
    for sig in STOP_SIGNALS:
        _caught["previous"][sig] = signal.signal(sig, _keep_early)
    try:
        yield
    finally:
        for sig, handler in _caught["previous"].items():
            signal.signal(sig, handler)
        _caught["previous"], _caught["name"] = {}, None


def _keep_early(signum: int, frame: FrameType | None) -> None:
    _caught["name"] = _caught["name"] or signal.Signals(signum).name


class _Terminal:
    """The terminal as it was before the run: its path and modes, to put back in a hurry."""

    def __init__(self) -> None:
        self.path: str | None = None
        self.modes: list[Any] | None = None
        if sys.__stdin__ is None:
            return
        try:
            fd = sys.__stdin__.fileno()
            self.path, self.modes = os.ttyname(fd), termios.tcgetattr(fd)
        except (OSError, ValueError, termios.error):
            pass  # not a terminal: nothing to put back

    def put_back(self) -> None:
        """Never blocks: a descriptor of its own, non-blocking (the shell's stays as it was)."""
        if self.path is None:
            return
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY)
        except OSError:
            return  # hung up: nothing left to put back
        try:
            os.write(fd, LEAVE_APPLICATION_MODE)
            if self.modes is not None:
                termios.tcsetattr(fd, termios.TCSANOW, self.modes)
        except (OSError, termios.error):
            pass
        finally:
            os.close(fd)


class Watchdog:
    """A thread that, once armed, waits WATCHDOG_SECONDS and then ends the process. Started
    before any signal: a handler must not start a thread (the main thread may hold the lock
    that takes), only set an event no one else ever holds."""

    def __init__(self, seconds: float = WATCHDOG_SECONDS) -> None:
        self._seconds = seconds
        self._terminal = _Terminal()
        self._armed = False
        self._cancelled = False
        self._event = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True, name="izle-watchdog")
        self._thread.start()

    @property
    def armed(self) -> bool:
        return self._armed

    def arm(self) -> None:
        if self._armed:  # a second signal, perhaps inside the first one's handler
            return
        self._armed = True
        self._event.set()

    def cancel(self) -> None:
        """The run has ended without a stop: the thread ends. Once armed it stays, to end an
        exit that is stuck after the run."""
        if not self._armed:
            self._cancelled = True
            self._event.set()

    def _watch(self) -> None:
        self._event.wait()
        if self._cancelled:
            return
        threading.Event().wait(self._seconds)  # the process normally exits meanwhile
        self._terminal.put_back()
        os._exit(FORCED_STOP_STATUS)


class StopSignals:
    """The stop signals' handlers for one run: each signal's name goes to `on_signal`, called
    in the event loop.

    Two handlers work together. Python's (this class's `_handler`) arms the watchdog, and
    keeps a signal that comes before the event loop runs. The event loop's (asyncio's
    `add_signal_handler`, given on_signal) calls on_signal: asyncio's C-level handler writes
    the signal's number to a descriptor the loop reads, so a signal is never lost between a
    handler's replacement and its dispatch — as it was when Textual's web driver, which gives
    SIGTERM to the loop to exit at once (unaudited), had its handler taken back.
    """

    def __init__(self, on_signal: Callable[[str], object]) -> None:
        self._on_signal = on_signal
        self._loop: asyncio.AbstractEventLoop | None = None
        self._early: str | None = None  # a signal that came before the event loop ran
        self._previous: dict[signal.Signals, Any] = {}
        self.watchdog: Watchdog | None = None

    def install(self, *, watchdog: bool) -> None:
        if self._previous:
            return
        if watchdog:
            self.watchdog = Watchdog()
        for sig in STOP_SIGNALS:
            self._previous[sig] = signal.signal(sig, self._handler)
        if _caught["previous"]:  # caught early: the handlers before that are the ones to restore
            self._previous.update(_caught["previous"])
            _caught["previous"] = {}
            self._early, _caught["name"] = _caught["name"], None
            if self._early is not None and self.watchdog is not None:
                self.watchdog.arm()
        try:
            self.attach(asyncio.get_running_loop())
        except RuntimeError:
            pass  # before the run: the App attaches its loop when it runs

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """The run's event loop, now running, takes the stop signals (again: after a driver
        that took them); a signal that came before it is handed over now."""
        if not self._previous:
            return
        self._loop = loop
        for sig in STOP_SIGNALS:
            loop.add_signal_handler(sig, self._on_signal, sig.name)
            signal.signal(sig, self._handler)  # Python's handler back over asyncio's no-op
        if self._early is not None:
            name, self._early = self._early, None
            loop.call_soon(self._on_signal, name)

    def restore(self) -> None:
        """The handlers there were before `install`; the watchdog goes unless a stop armed it."""
        for sig, handler in self._previous.items():
            if self._loop is not None and not self._loop.is_closed():
                self._loop.remove_signal_handler(sig)
            signal.signal(sig, handler)
        self._previous.clear()
        if self.watchdog is not None:
            self.watchdog.cancel()

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        if self.watchdog is not None:
            self.watchdog.arm()
        if self._loop is None and self._early is None:
            self._early = signal.Signals(signum).name
