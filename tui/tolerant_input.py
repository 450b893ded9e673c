"""A terminal driver that neither a stray byte nor a terminal gone can stop from ending cleanly.

Input: Textual's Linux driver decodes the keyboard's bytes with a strict UTF-8 decoder; one
stray byte (`ff fe` from a serial line, a barcode reader in the wrong mode) raised
UnicodeDecodeError in its input thread, and the app panicked and exited — on a kiosk, out of
service until someone comes. The driver looks its decoder factory up by name in its module
when its input thread starts; this driver gives it the same decoder with `errors="ignore"`.

A terminal that goes (a hang-up: the SSH link, the terminal window or the tmux pane closed)
made İzlə hang for good in a futex wait, deaf to SIGTERM. The kernel sends SIGHUP *and SIGCONT*
when a terminal hangs up; Textual resumes application mode on every SIGCONT, suspended or not,
so it started a second writer thread on the dead terminal, which died at its first write (EIO);
the UI thread then blocked on that writer's full queue and the event loop never ran again.
Here application mode is resumed only after a suspend, and the writer's output stream takes a
failed write as the terminal gone: from then on it writes to /dev/null, so no writer thread
dies, no queue fills, and the interpreter's last flush does not fail (exit status 120).
"""

from __future__ import annotations

import codecs
import os
from functools import partial
from typing import TYPE_CHECKING, TextIO

from textual.drivers import linux_driver
from textual.drivers.linux_driver import LinuxDriver

if TYPE_CHECKING:
    from textual.app import App


def _dropping_undecodable(encoding: str):
    return partial(codecs.getincrementaldecoder(encoding), errors="ignore")


class TerminalOutput:
    """The terminal's output stream, as Textual's writer thread uses it (write, flush,
    fileno); after the first write the terminal refuses, its file descriptor (and standard
    output's, when that is the same terminal) writes to /dev/null."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.gone = False

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except (OSError, ValueError):
            self._terminal_gone()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except (OSError, ValueError):
            self._terminal_gone()

    def fileno(self) -> int:
        return self._stream.fileno()

    def isatty(self) -> bool:
        return not self.gone and self._stream.isatty()

    def _terminal_gone(self) -> None:
        if self.gone:
            return
        self.gone = True
        try:
            fd = self._stream.fileno()
            targets = [fd]
            if os.path.samestat(os.fstat(1), os.fstat(fd)) and fd != 1:
                targets.append(1)
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                for target in targets:
                    os.dup2(devnull, target)
            finally:
                os.close(devnull)
            self._stream.flush()  # what was buffered for the terminal: now into /dev/null
        except (OSError, ValueError):
            pass


class TolerantLinuxDriver(LinuxDriver):
    """LinuxDriver, its input decoded leniently and its output and SIGCONT safe on a terminal
    that has gone (see the module's docstring)."""

    def __init__(self, app: App, **options) -> None:
        super().__init__(app, **options)
        # Textual's own attribute, read once when the writer thread starts (Textual is pinned;
        # tests/test_pty.py hangs the terminal up under a running İzlə).
        self._file = TerminalOutput(self._file)
        self._suspended = False

    def run_input_thread(self) -> None:
        # Module-wide, set before the thread builds its decoder; only input threads call it.
        linux_driver.getincrementaldecoder = _dropping_undecodable
        super().run_input_thread()

    def suspend_application_mode(self) -> None:
        super().suspend_application_mode()
        self._suspended = True

    def resume_application_mode(self) -> None:
        """Only after a suspend: a SIGCONT that comes with a hang-up resumes nothing."""
        if self._suspended:
            self._suspended = False
            super().resume_application_mode()
