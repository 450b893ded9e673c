"""İzlə in a real pseudo-terminal, for tests of what only a terminal does: raw bytes on its
input, its size, signals, a hang-up. Every wait is for a condition, bounded by a timeout."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The pty becomes the controlling terminal of izle's new session, as a login shell's would be
# (so closing the master hangs it up: the kernel sends SIGHUP and SIGCONT), then the wrapper
# becomes `python -m izle` (the same process).
CONTROLLING_TTY = ("import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
                   "os.execv(sys.executable, [sys.executable, '-m', 'izle', *sys.argv[1:]])")


class PtyApp:
    """`python -m izle ARGS` on a pty of `size` (columns, rows), the pty its controlling
    terminal; output collected as bytes by a reader thread, which also closes the master when
    the test hangs up (a close from another thread would not end a read blocked on it)."""

    def __init__(self, *args: str, size: tuple[int, int] = (100, 30), env: dict | None = None):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.master = master
        self.output = bytearray()
        self.hung_up = False
        self._changed = threading.Condition()
        self._wake_r, self._wake_w = os.pipe()
        environment = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "TERM": "xterm-256color",
                       "PYTHONPATH": str(ROOT), **(env or {})}
        self.process = subprocess.Popen(
            [sys.executable, "-c", CONTROLLING_TTY, *args], stdin=slave, stdout=slave,
            stderr=slave, cwd=ROOT, env=environment, start_new_session=True)
        os.close(slave)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            ready, _, _ = select.select([self.master, self._wake_r], [], [])
            if self._wake_r in ready:
                os.close(self.master)
                with self._changed:
                    self.hung_up = True
                    self._changed.notify_all()
                return
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: the other side is closed
                chunk = b""
            with self._changed:
                if chunk:
                    self.output += chunk
                self._changed.notify_all()
            if not chunk:
                return

    def wait_for(self, text: str, timeout: float = 30.0, since: int = 0) -> bool:
        """Whether `text` (UTF-8) appeared in the output after byte `since` within `timeout`."""
        wanted = text.encode()
        deadline = time.monotonic() + timeout
        with self._changed:
            while wanted not in self.output[since:]:
                left = deadline - time.monotonic()
                if left <= 0 or not self._reader.is_alive():
                    return wanted in self.output[since:]
                self._changed.wait(left)
        return True

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def signal(self, sig: int) -> None:
        os.killpg(self.process.pid, sig)

    def hang_up(self) -> None:
        """The terminal goes (its window closed, the SSH link down): the master is closed."""
        os.write(self._wake_w, b"x")
        self._reader.join(10)

    def wait_exit(self, timeout: float = 20.0) -> int | None:
        """Its exit status, once it has exited and all it wrote has been read."""
        try:
            status = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        self._reader.join(timeout)  # the output's end: EIO once no one holds the terminal
        return status

    def text(self) -> str:
        return self.output.decode("utf-8", "replace")

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        os.write(self._wake_w, b"x")  # the reader, if it still reads, closes the master
        self._reader.join(10)
        if not self.hung_up:
            os.close(self.master)  # it had ended at the output's end
        for fd in (self._wake_r, self._wake_w):
            os.close(fd)
