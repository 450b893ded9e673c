"""İzlə in a real pseudo-terminal, for tests of what only a terminal does: raw bytes on its
input, its size, signals. Every wait is for a condition, bounded by a timeout."""

from __future__ import annotations

import fcntl
import os
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class PtyApp:
    """`python -m izle ARGS` on a pty of `size` (columns, rows); output collected as bytes."""

    def __init__(self, *args: str, size: tuple[int, int] = (100, 30), env: dict | None = None):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.master = master
        self.output = bytearray()
        self._changed = threading.Condition()
        environment = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "TERM": "xterm-256color",
                       "PYTHONPATH": str(ROOT), **(env or {})}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "izle", *args], stdin=slave, stdout=slave, stderr=slave,
            cwd=ROOT, env=environment, start_new_session=True)
        os.close(slave)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: the other side is closed
                chunk = b""
            with self._changed:
                if not chunk:
                    self._changed.notify_all()
                    return
                self.output += chunk
                self._changed.notify_all()

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

    def wait_exit(self, timeout: float = 20.0) -> int | None:
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def text(self) -> str:
        return self.output.decode("utf-8", "replace")

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        os.close(self.master)
        self._reader.join(5)
