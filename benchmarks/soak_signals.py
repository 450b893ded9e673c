"""Signals at random moments against a real `izle` in a real terminal: does it always end, cleanly?

    python -m benchmarks.soak_signals [--runs 300] [--seed 29] [--jobs 2] [--bound 15]
        [--modes citizen,kiosk,operator] [--moments start,painted,...] [--kinds SIGHUP,...]
        [--load N] [--letters 300] [--show-clean] [--slow 3] [--checkout DIR] [--only-run I]

Each run starts `izle` (the demo register, a fresh copy of its two files) in a pseudo-terminal
that is its controlling terminal, as a shell's would be, walks it to a moment (MOMENTS) and,
after a random delay within that moment's spread, ends it with one of KINDS:

  SIGHUP, SIGTERM  the signal, sent to the process group; the terminal stays
  hangup           the terminal goes: the pty's master is closed (the kernel sends SIGHUP and
                   every later read or write of the terminal fails), as when an SSH link or a
                   terminal window dies
  tmux             the same through tmux: `izle` in a tmux pane, the session killed

Each run then checks what a person, and the administrator after them, would find: `izle` has
exited within --bound seconds of the signal, with status 0; no traceback on the screen; the
terminal restored (the alternate screen left, echo and line mode back) where a terminal is
left to restore; and terminal.db's audit has every login closed by a logout and the stop
recorded as ("stop", SIGNAL). A run that has not exited within the bound has its threads' stacks printed
(py-spy when installed, else /proc/PID/task/*/wchan), is sent SIGTERM (does it still listen?)
and then SIGKILL.

A signal before the app has installed its handlers (the "start" moment) ends the process by
the signal's default action: reported as "died by the signal", not as a failure, when it left
neither a changed terminal nor an open session behind.

The figures: runs, exits within the bound, failures by kind, worst and 95th-percentile time
from the signal to the exit. `--load N` runs `stress-ng --cpu N` alongside. Every run's choices
come from --seed, and a failing run prints them (mode, moment, kind, delay) to try it again
with `--only-run I`. `--checkout DIR` runs the İzlə of another source tree (`git archive
COMMIT | tar -x -C DIR`): the same seed against the code before a change.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import random
import re
import select
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import ROOT, WORK, demo_register, percentile

CHECKOUT = ROOT  # the İzlə that is run: this checkout, or --checkout's
SIZE = (100, 30)  # columns, rows
STEP_TIMEOUT = 60.0  # seconds a step waits for its screen (generous: the machine may be loaded)
MODES = ("citizen", "kiosk", "operator")
KINDS = ("SIGHUP", "SIGTERM", "hangup", "tmux")
# Each moment: when the signal is sent, relative to the walk through the app, and the spread
# (seconds) of the random delay after reaching it.
MOMENTS: dict[str, float] = {
    "start": 1.5,     # from the spawn: imports, the app built, the first paint
    "painted": 0.8,   # the login screen painted: the desk opens, the register is checked
    "login": 0.3,     # Enter on the user ID: the login worker asks the phone
    "phone": 1.0,     # the phone panel polls for the confirmation
    "pin": 0.4,       # PIN1 entered: the login completes, the first list loads
    "lookup": 0.3,    # a letter asked for: the lookup worker
    "goodbye": 1.0,   # logged out: the goodbye on the login screen
}
# Where a wrapper leaves the pty as the controlling terminal of the new session (setsid), so that
# closing the master hangs it up, and then becomes `python -m izle`.
# It says so (a window title, which nothing shows) before it does: a "start" moment counts
# from there, not from before the terminal was izle's.
EXECUTING = "\x1b]2;izle-soak\x07"
CONTROLLING_TTY = ("import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
                   f"os.write(2, {EXECUTING.encode()!r}); "
                   "os.execv(sys.executable, [sys.executable, '-m', 'izle', *sys.argv[1:]])")
PTY_KEYS = {"enter": b"\r", "tab": b"\t", "f3": b"\x1bOR"}
TMUX_KEYS = {"enter": "Enter", "tab": "Tab", "f3": "F3"}
ALT_SCREEN_ON, ALT_SCREEN_OFF = b"\x1b[?1049h", b"\x1b[?1049l"


# --- the terminals ----------------------------------------------------------------------------


class PtyTerminal:
    """`izle ARGS` on a pty that is its controlling terminal; output collected by a reader that
    also closes the master when asked to hang up (a close from another thread would not end a
    read blocked on it)."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
        self.master, self.slave = master, slave  # the slave kept: its modes are read at the end
        self.lflag_before = termios.tcgetattr(slave)[3]
        self.output = bytearray()
        self.changed = threading.Condition()
        self.hung_up = False
        self._wake_r, self._wake_w = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-c", CONTROLLING_TTY, *args], stdin=slave, stdout=slave,
            stderr=slave, cwd=CHECKOUT, env=env, start_new_session=True)
        self.pid = self.process.pid
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            ready, _, _ = select.select([self.master, self._wake_r], [], [], 0.1)
            if self._wake_r in ready:  # hang up: the master closed here, between two reads
                os.close(self.master)
                with self.changed:
                    self.hung_up = True
                    self.changed.notify_all()
                return
            if not ready:  # nothing more to read: the end, once the process has exited
                if self.process.poll() is not None:
                    return
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                chunk = b""
            with self.changed:
                if chunk:
                    self.output += chunk
                self.changed.notify_all()
            if not chunk and self.process.poll() is not None:
                return

    def wait_for(self, text: str, timeout: float = STEP_TIMEOUT) -> bool:
        wanted, deadline = text.encode(), time.monotonic() + timeout
        with self.changed:
            while wanted not in self.output:
                left = deadline - time.monotonic()
                if left <= 0 or self.hung_up or self.process.poll() is not None:
                    return wanted in self.output
                self.changed.wait(min(left, 0.5))
        return True

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def key(self, name: str) -> None:
        os.write(self.master, PTY_KEYS[name])

    def hang_up(self) -> None:
        os.write(self._wake_w, b"x")

    def drain(self) -> None:
        """All it wrote, read: the reader ends at the output's end (or the hang-up)."""
        self._reader.join(10)

    def alive(self) -> bool:
        return self.process.poll() is None

    def exit_status(self) -> int | None:
        return self.process.poll()

    def screen(self) -> str:
        return self.output.decode("utf-8", "replace")

    def restored(self) -> str | None:
        """What the terminal was left with, when not as it was (None: restored)."""
        out = bytes(self.output)
        if out.rfind(ALT_SCREEN_ON) > out.rfind(ALT_SCREEN_OFF):
            return "still on the alternate screen"
        lflag = termios.tcgetattr(self.slave)[3]
        lost = (self.lflag_before & ~lflag) & (termios.ECHO | termios.ICANON | termios.ISIG)
        return f"terminal modes not restored (lflag {lflag:#o})" if lost else None

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.pid, signal.SIGKILL)
            self.process.wait(10)
        os.write(self._wake_w, b"x")  # the reader, if it still reads, closes the master
        self._reader.join(5)
        if not self.hung_up:
            os.close(self.master)  # it had ended at the output's end
        for fd in (self.slave, self._wake_r, self._wake_w):
            os.close(fd)


class TmuxTerminal:
    """`izle ARGS` as the process of a tmux pane (a server of its own socket, so no one else's
    tmux is touched); the screen read with capture-pane."""

    counter = 0
    lock = threading.Lock()

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        with TmuxTerminal.lock:
            TmuxTerminal.counter += 1
            self.name = f"soak{os.getpid()}-{TmuxTerminal.counter}"
        self.socket = self.name
        command = " ".join(["exec", "env", *(f"{k}={v}" for k, v in env.items()),
                            sys.executable, "-m", "izle", *args])
        self._tmux("new-session", "-d", "-s", self.name, "-x", str(SIZE[0]), "-y", str(SIZE[1]),
                   "-c", str(CHECKOUT), command)
        self.pid = int(self._tmux("display", "-p", "-t", self.name, "#{pane_pid}").strip())
        self.socket_path = self._tmux("display", "-p", "#{socket_path}").strip()
        self.hung_up = False
        self.last_screen = ""

    def _tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True, check=False).stdout

    def wait_for(self, text: str, timeout: float = STEP_TIMEOUT) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.alive():
            self.last_screen = self._tmux("capture-pane", "-p", "-t", self.name)
            if text in self.last_screen:
                return True
            time.sleep(0.05)  # polling the pane: tmux has no "tell me when" for its screen
        return False

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", self.name, "-l", text)

    def key(self, name: str) -> None:
        self._tmux("send-keys", "-t", self.name, TMUX_KEYS[name])

    def hang_up(self) -> None:
        self.hung_up = True
        self._tmux("kill-server")  # its only session: the pane's pty closed, SIGHUP sent

    def drain(self) -> None:
        pass  # the pane is gone with its screen

    def alive(self) -> bool:
        try:
            with open(f"/proc/{self.pid}/stat") as stat:
                return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False

    def exit_status(self) -> int | None:
        return None  # not our child: its status is tmux's to collect, and tmux has gone

    def screen(self) -> str:
        return self.last_screen

    def restored(self) -> str | None:
        return None  # the pane is gone with its session

    def close(self) -> None:
        if self.alive():
            os.kill(self.pid, signal.SIGKILL)
        self._tmux("kill-server")
        if self.socket_path:  # a killed server leaves its socket behind
            Path(self.socket_path).unlink(missing_ok=True)


# --- one run ----------------------------------------------------------------------------------


@dataclass
class Plan:
    index: int
    mode: str
    moment: str
    kind: str
    delay: float

    def describe(self) -> str:
        return (f"run {self.index}: {self.mode}, {self.moment} + {self.delay:.3f} s, "
                f"{self.kind}")


@dataclass
class Outcome:
    plan: Plan
    verdict: str  # clean | died-by-signal | stuck | dirty | not-reached
    seconds: float | None = None  # from the signal to the exit
    problems: list[str] = field(default_factory=list)


def walk(term, mode: str, demo_info: dict, moment: str) -> bool:
    """Drive the app to `moment`; False when a screen on the way did not come."""
    role = "operator" if mode == "operator" else "citizen"
    person = next(i for i in demo_info["identities"] if i["role"] == role)
    sample = demo_info["samples"][0]  # an operator looks up a citizen's letter
    steps: list[tuple[str, str]] = [
        ("wait", EXECUTING if isinstance(term, PtyTerminal) else ""),
        ("mark", "start"), ("wait", "Mobile number"), ("mark", "painted"),
        ("type", "0" + person["phone"].removeprefix("+994")), ("key", "tab"),
        ("type", person["user_id"]), ("key", "enter"), ("mark", "login"),
        ("wait", "Verification code"), ("mark", "phone"),
        ("key", "enter"), ("wait", "Enter PIN1"), ("type", person["pin1"]), ("key", "enter"),
        ("mark", "pin"),
    ]
    if mode == "operator":
        steps += [("wait", "New call"), ("key", "enter"), ("wait", "Letter number"),
                  ("type", sample["reg_no"]), ("key", "tab"), ("type", sample["reg_date"]),
                  ("key", "tab"), ("type", sample["applicant_surname"]), ("key", "enter")]
    else:
        steps += [("wait", "Your letters"), ("key", "enter")]
    steps += [("mark", "lookup"), ("wait", "Letter No."), ("key", "f3"), ("mark", "goodbye")]
    for action, value in steps:
        if action == "mark" and value == moment:
            return True
        if action == "wait" and not term.wait_for(value):
            return False
        if action == "type":
            term.type(value)
        if action == "key":
            term.key(value)
    return False


def plain(text: str) -> str:
    """Terminal output without its escape sequences."""
    return re.sub(r"\x1b(\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])", "", text)


def audit_rows(state: Path, after: int) -> list[tuple[str, str]]:
    conn = sqlite3.connect(state)
    try:
        return conn.execute("SELECT action, outcome FROM audit WHERE seq > ? ORDER BY seq",
                            (after,)).fetchall()
    finally:
        conn.close()


def last_seq(state: Path) -> int:
    conn = sqlite3.connect(state)
    try:
        return conn.execute("SELECT coalesce(max(seq), 0) FROM audit").fetchone()[0]
    finally:
        conn.close()


def stacks(pid: int) -> str:
    """Where each thread of a stuck process waits."""
    if shutil.which("py-spy"):
        done = subprocess.run(["py-spy", "dump", "--pid", str(pid)], capture_output=True,
                              text=True, timeout=60, check=False)
        if done.returncode == 0:
            return done.stdout
    lines = []
    for task in sorted(Path(f"/proc/{pid}/task").glob("*")):
        try:
            name = (task / "comm").read_text().strip()
            wchan = (task / "wchan").read_text().strip()
        except OSError:
            continue
        lines.append(f"  thread {task.name} {name}: waiting in {wchan}")
    return "\n".join(lines)


def run_one(plan: Plan, demo, bound: float) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="izle-soak-") as folder:
        register, state = Path(folder) / "register.db", Path(folder) / "terminal.db"
        shutil.copy(demo.register, register)
        shutil.copy(demo.state, state)
        before = last_seq(state)
        args = ["--lang", "en", "--db", str(register), "--terminal", f"soak-{plan.index}"]
        args += {"citizen": [], "kiosk": ["--kiosk"], "operator": ["--operator"]}[plan.mode]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
               "TERM": "xterm-256color", "PYTHONPATH": str(CHECKOUT)}
        term = (TmuxTerminal if plan.kind == "tmux" else PtyTerminal)(args, env)
        try:
            return _signal_and_check(plan, term, state, before, bound, demo.info)
        finally:
            term.close()


def _signal_and_check(plan: Plan, term, state: Path, before: int, bound: float,
                      info: dict) -> Outcome:
    if not walk(term, plan.mode, info, plan.moment):
        return Outcome(plan, "not-reached", problems=[plain(term.screen())[-600:]])
    time.sleep(plan.delay)  # the moment under test, not a wait for a condition
    sent = time.monotonic()
    if plan.kind in ("hangup", "tmux"):
        term.hang_up()
    else:
        os.killpg(term.pid, signal.Signals[plan.kind])
    while term.alive() and time.monotonic() - sent < bound:
        time.sleep(0.01)
    if term.alive():
        where = stacks(term.pid)
        os.kill(term.pid, signal.SIGTERM)
        gone = _gone_within(term, 3.0)
        return Outcome(plan, "stuck", problems=[
            f"still running {bound:.0f} s after the signal; SIGTERM then "
            f"{'ended it' if gone else 'was ignored too'}", where])
    seconds = time.monotonic() - sent
    term.drain()
    return _judge(plan, term, seconds, audit_rows(state, before))


def _gone_within(term, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while term.alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    return not term.alive()


def _judge(plan: Plan, term, seconds: float, rows: list[tuple[str, str]]) -> Outcome:
    problems = []
    status = term.exit_status()
    signame = "SIGHUP" if plan.kind in ("hangup", "tmux") else plan.kind
    if "Traceback" in (screen := term.screen()):
        problems.append("a traceback on the screen:\n" + plain(screen[screen.rfind("Traceback"):])[-1500:])
    if not term.hung_up and (left := term.restored()) is not None:
        problems.append(left)  # after a hang-up there is no terminal left to restore
    logins = sum(1 for action, outcome in rows if action == "login" and outcome == "OK")
    logouts = sum(1 for action, _ in rows if action == "logout")
    if logins != logouts:
        problems.append(f"{logins} login(s), {logouts} logout(s) audited")
    # The signal's default action, before İzlə had its handlers: killed by the signal (or,
    # in tmux, whose status is not known here, gone without a single audit row).
    if (status is not None and status < 0) or (status is None and not rows):
        verdict = "died-by-signal" if not problems else "dirty"
        return Outcome(plan, verdict, seconds, problems)
    if status not in (0, None):
        problems.append(f"exit status {status}")
    if ("stop", signame) not in rows:
        problems.append(f"no ('stop', '{signame}') in the audit after the run's start: {rows[-3:]}")
    return Outcome(plan, "dirty" if problems else "clean", seconds, problems)


# --- the soak ---------------------------------------------------------------------------------


def plans(args) -> list[Plan]:
    rng = random.Random(args.seed)
    modes, moments, kinds = args.modes.split(","), args.moments.split(","), args.kinds.split(",")
    chosen = []
    for index in range(args.runs):
        mode, moment, kind = rng.choice(modes), rng.choice(moments), rng.choice(kinds)
        chosen.append(Plan(index, mode, moment, kind, rng.uniform(0.0, MOMENTS[moment])))
    if args.only_run is not None:
        chosen = [chosen[args.only_run]]
    return chosen


def report(outcomes: list[Outcome], load: int, elapsed: float, bound: float,
           slow: float) -> None:
    verdicts = Counter(o.verdict for o in outcomes)
    times = [o.seconds for o in outcomes if o.seconds is not None]
    signalled = sum(1 for o in outcomes if o.verdict != "not-reached")
    print(f"\n{len(outcomes)} runs in {elapsed:.0f} s"
          f"{f' with stress-ng --cpu {load} alongside' if load else ''}: "
          + ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items())))
    print(f"exited within {bound:.0f} s of the signal: {len(times)} of {signalled}; "
          f"over {slow:.0f} s: {sum(1 for t in times if t > slow)}")
    if times:
        print(f"time from the signal to the exit: median {percentile(times, 50):.2f} s, "
              f"p95 {percentile(times, 95):.2f} s, worst {max(times):.2f} s")
    table: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for o in outcomes:
        table[(o.plan.kind, o.plan.moment)][o.verdict] += 1
    print(f"\n{'kind':8} {'moment':8} " + " ".join(f"{v:>14}" for v in sorted(verdicts)))
    for (kind, moment), counts in sorted(table.items()):
        print(f"{kind:8} {moment:8} " + " ".join(f"{counts[v]:>14}" for v in sorted(verdicts)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=29)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--bound", type=float, default=15.0,
                        help="seconds from the signal within which izle must have exited")
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--moments", default=",".join(MOMENTS))
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--load", type=int, default=0, help="stress-ng --cpu N alongside")
    parser.add_argument("--letters", type=int, default=300)
    parser.add_argument("--work", type=Path, default=WORK, help="where demo registers are kept")
    parser.add_argument("--only-run", type=int, default=None)
    parser.add_argument("--show-clean", action="store_true")
    parser.add_argument("--slow", type=float, default=3.0,
                        help="print a run that took longer than this to exit, however it ended")
    parser.add_argument("--checkout", type=Path, default=ROOT,
                        help="run the İzlə of this source checkout (e.g. an older commit's)")
    args = parser.parse_args(argv)
    global CHECKOUT
    CHECKOUT = args.checkout.resolve()
    missing = [tool for tool, wanted in (("tmux", "tmux" in args.kinds), ("stress-ng", args.load))
               if wanted and shutil.which(tool) is None]
    if missing:
        print(f"needs {' and '.join(missing)} (apt-get install {' '.join(missing)})")
        return 2
    demo = demo_register(args.letters, work=args.work, quiet=True)
    stress = None
    if args.load:
        stress = subprocess.Popen(["stress-ng", "--cpu", str(args.load)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    outcomes: list[Outcome] = []
    try:
        with ThreadPoolExecutor(args.jobs) as pool:
            for outcome in pool.map(lambda p: run_one(p, demo, args.bound), plans(args)):
                outcomes.append(outcome)
                slow = outcome.seconds is not None and outcome.seconds > args.slow
                if outcome.verdict not in ("clean", "died-by-signal") or slow or args.show_clean:
                    took = f" ({outcome.seconds:.2f} s)" if outcome.seconds is not None else ""
                    print(f"{outcome.verdict.upper()}{' (SLOW)' if slow else ''}: "
                          f"{outcome.plan.describe()}{took}", flush=True)
                    for problem in outcome.problems:
                        print("   ", problem.replace("\n", "\n    "), flush=True)
                elif len(outcomes) % 25 == 0:
                    print(f"  {len(outcomes)} runs …", flush=True)
    finally:
        if stress is not None:
            stress.terminate()
            stress.wait(30)
    report(outcomes, args.load, time.monotonic() - started, args.bound, args.slow)
    return 0


if __name__ == "__main__":
    sys.exit(main())
