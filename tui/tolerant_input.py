"""A terminal driver whose input never ends the app: bytes that are not UTF-8 are dropped.

Textual's Linux driver decodes the keyboard's bytes with a strict UTF-8 decoder; one stray
byte (`ff fe` from a serial line, a barcode reader in the wrong mode) raised UnicodeDecodeError
in its input thread, and the app panicked and exited — on a kiosk, out of service until someone
comes. The driver looks its decoder factory up by name in its module when its input thread
starts; this driver gives it the same decoder with `errors="ignore"`.
"""

from __future__ import annotations

import codecs
from functools import partial

from textual.drivers import linux_driver
from textual.drivers.linux_driver import LinuxDriver


def _dropping_undecodable(encoding: str):
    return partial(codecs.getincrementaldecoder(encoding), errors="ignore")


class TolerantLinuxDriver(LinuxDriver):
    """LinuxDriver, its input decoded leniently (see the module's docstring)."""

    def run_input_thread(self) -> None:
        # Module-wide, set before the thread builds its decoder; only input threads call it.
        linux_driver.getincrementaldecoder = _dropping_undecodable
        super().run_input_thread()
