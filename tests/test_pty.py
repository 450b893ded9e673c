"""İzlə in a real terminal: bytes that are not UTF-8 are dropped and the kiosk goes on;
SIGHUP, SIGTERM and the terminal's hang-up at random moments of a visit (seeded, bounded) end
it cleanly, its stop audited; a SIGCONT without a suspend changes nothing. The long soak of the
same: benchmarks/soak_signals.py."""

from __future__ import annotations

import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from izle.data.demo_identities import CITIZENS
from izle.tui.stopping import FORCED_STOP_STATUS
from tests.pty_app import ROOT, PtyApp

SEED = 29


@pytest.fixture
def demo(small_demo) -> Path:
    return small_demo


def test_undecodable_bytes_on_a_kiosk_are_dropped_and_it_goes_on(demo):
    app = PtyApp("--kiosk", "--lang", "en", "--db", str(demo))
    try:
        assert app.wait_for("Mobile number"), app.text()[-500:]
        mark = len(app.output)
        app.send(b"\xff\xfe\xc3")  # not UTF-8 (the last one a character cut short)
        app.send(b"0501234567")
        assert app.wait_for("0501234567", since=mark), app.text()[-800:]
        assert app.process.poll() is None
        assert "Traceback" not in app.text() and "UnicodeDecodeError" not in app.text()
    finally:
        app.close()


# A citizen's visit, step by step: each moment is reached after the steps before it.
VISIT = ["painted", "login", "phone", "pin", "letters", "lookup", "goodbye"]


def visit_to(app: PtyApp, moment: str) -> None:
    """Walk a visit by the demo's first citizen up to `moment` (VISIT), as keys typed."""
    person = CITIZENS[0]
    phone = "0" + person.phone.removeprefix("+994")
    steps = [("wait", "Mobile number"), ("mark", "painted"),
             ("keys", f"{phone}\t{person.user_id}\r"), ("mark", "login"),
             ("wait", "Verification code"), ("mark", "phone"),
             ("keys", "\r"), ("wait", "Enter PIN1"), ("keys", f"{person.pin1}\r"), ("mark", "pin"),
             ("wait", "Your letters"), ("mark", "letters"),
             ("keys", "\r"), ("mark", "lookup"),
             ("wait", "Letter No."), ("keys", "\x1bOR"), ("mark", "goodbye")]  # F3: log out
    for action, value in steps:
        if action == "mark" and value == moment:
            return
        if action == "wait":
            assert app.wait_for(value), (value, app.text()[-800:])
        if action == "keys":
            app.send(value.encode())


def audit(register: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(register.with_name("terminal.db"))
    try:
        return conn.execute("SELECT action, outcome FROM audit ORDER BY seq").fetchall()
    finally:
        conn.close()


def assert_stopped_cleanly(register: Path, signame: str) -> None:
    """The stop is audited, after everything else; no session is left without its logout."""
    rows = audit(register)
    logins = sum(1 for row in rows if row == ("login", "OK"))
    assert logins == sum(1 for action, _ in rows if action == "logout"), rows[-6:]
    assert rows[-1] == ("stop", signame), rows[-6:]


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM])
def test_a_signal_at_a_random_moment_of_a_visit_ends_izle_cleanly_and_audited(demo, sig):
    rng = random.Random(f"{SEED}-{sig.name}")
    moment, delay = rng.choice(VISIT), rng.uniform(0.0, 0.5)
    app = PtyApp("--kiosk", "--lang", "en", "--db", str(demo))
    try:
        visit_to(app, moment)
        time.sleep(delay)  # the moment under test, not a wait for a condition
        app.signal(sig)
        assert app.wait_exit(30) == 0, (moment, app.text()[-800:])
        assert "Traceback" not in app.text()
        out = bytes(app.output)  # the terminal put back: the alternate screen left
        assert out.rfind(b"\x1b[?1049l") > out.rfind(b"\x1b[?1049h"), moment
    finally:
        app.close()
    assert_stopped_cleanly(demo, sig.name)


@pytest.mark.parametrize("order", ["the terminal closes", "SIGHUP, then the terminal closes"])
def test_a_hang_up_at_a_random_moment_ends_izle_cleanly_and_audited(demo, order):
    """The terminal goes (a window closed, an SSH link down, a tmux pane killed): the kernel
    sends SIGHUP and SIGCONT and every later read or write of it fails. İzlə used to exit 120
    (its last flush failed), or hang in a futex wait until something killed it."""
    rng = random.Random(f"{SEED}-hangup-{order}")
    moment, delay = rng.choice(VISIT), rng.uniform(0.0, 0.5)
    app = PtyApp("--lang", "en", "--db", str(demo))
    try:
        visit_to(app, moment)
        time.sleep(delay)  # the moment under test, not a wait for a condition
        if order.startswith("SIGHUP"):  # tmux's kill-session: its own SIGHUP, then the close
            app.signal(signal.SIGHUP)
        app.hang_up()
        # 0: the app's own exit (a stuck stop ends by the watchdog, with status 1)
        assert app.wait_exit(30) == 0, (moment, app.text()[-800:])
    finally:
        app.close()
    assert_stopped_cleanly(demo, "SIGHUP")


def test_a_sigcont_without_a_suspend_starts_nothing_again(demo):
    """A SIGCONT that no suspend preceded (one comes with every hang-up) leaves the terminal as
    it is: Textual's driver used to start application mode again, a second writer and reader
    of the terminal."""
    app = PtyApp("--lang", "en", "--db", str(demo))
    try:
        assert app.wait_for("Mobile number"), app.text()[-500:]
        app.signal(signal.SIGCONT)
        mark = len(app.output)
        app.send(b"0501234567")
        assert app.wait_for("0501234567", since=mark), app.text()[-800:]
        assert bytes(app.output).count(b"\x1b[?1049h") == 1  # the alternate screen entered once
        app.signal(signal.SIGTERM)
        assert app.wait_exit(30) == 0, app.text()[-800:]
    finally:
        app.close()
    assert_stopped_cleanly(demo, "SIGTERM")


STUCK_STOP = """
import os, sys, termios, threading, tty
from izle.tui.stopping import Watchdog
watchdog = Watchdog(seconds=0.2)  # the terminal's modes read now, as at the start of a run
tty.setraw(0)
os.write(2, b"\\x1b[?1049hstuck")
watchdog.arm()  # a stop's signal came ...
threading.Event().wait()  # ... and the stop never ends on its own
"""


def test_a_stop_that_never_ends_is_forced_and_the_terminal_put_back():
    """The watchdog, the last resort: status 1 (FORCED_STOP_STATUS: the service manager
    reads a failure), the alternate screen left and the terminal's modes as they were."""
    master, slave = os.openpty()
    before = termios.tcgetattr(slave)
    process = subprocess.Popen([sys.executable, "-c", STUCK_STOP], stdin=slave, stdout=slave,
                               stderr=slave, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    output = b""
    try:
        assert process.wait(30) == FORCED_STOP_STATUS
        while select.select([master], [], [], 0.5)[0]:  # what it wrote, to the end
            output += os.read(master, 65536)
        assert b"stuck" in output and output.rfind(b"\x1b[?1049l") > output.rfind(b"\x1b[?1049h")
        assert termios.tcgetattr(slave)[3] == before[3]  # echo and line mode back
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
        os.close(slave)
