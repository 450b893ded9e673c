"""A real Chromium (Debian's, never a downloaded one) driving `izle serve`, for tests/test_serve.py.

In Chromium xterm.js paints the terminal on a canvas, so the page holds no text. The init
script below keeps a reference to the page's xterm `Terminal` when textual.js creates it
(`this.terminal = new Terminal(…)`), and `screen_text` reads its buffer: what is painted.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = os.environ.get("IZLE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ROOT = Path(__file__).resolve().parent.parent

KEEP_TERMINAL = """Object.defineProperty(Object.prototype, 'terminal', {configurable: true,
  set(value) {
    Object.defineProperty(this, 'terminal', {value, writable: true, configurable: true});
    if (value && value.buffer) window.__izleTerminal = value;
  }});"""

READ_SCREEN = """() => { const t = window.__izleTerminal; if (!t) return '';
  const b = t.buffer.active, lines = [];
  for (let i = 0; i < b.length; i++) lines.push(b.getLine(i).translateToString(true));
  return lines.join('\\n'); }"""


def missing_serve() -> str | None:
    """Why `izle serve` cannot run here (its optional extra is not installed), or None."""
    try:
        import textual_serve  # noqa: F401
    except ModuleNotFoundError:
        return "textual-serve is not installed (pip install '.[serve]')"
    return None


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if reason := missing_serve():
        return reason
    try:
        import playwright  # noqa: F401
    except ModuleNotFoundError:
        return "playwright is not installed (pip install '.[test]')"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    """The live child processes of `pid` (a session's `python -m izle` is one)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def wait_until(condition, timeout: float, what: str):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s: {what}")


@contextmanager
def izle_serve(register: Path, *options: str):
    """`izle serve` on a free loopback port; always stopped, its sessions with it. Once
    stopped, `server.log` is what it wrote to stderr."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "izle", "serve", "--db", str(register), "--port", str(port),
         "--lang", "en", *options],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        wait_until(lambda: _listening(port) or server.poll() is not None, 20, "izle serve listens")
        assert server.poll() is None, server.stderr.read().decode()
        server.url = f"http://127.0.0.1:{port}/"
        yield server
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)
        server.log = server.stderr.read().decode("utf-8", "replace")
        server.stderr.close()


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def screen_text(page) -> str:
    return page.evaluate(READ_SCREEN)


def flat(text: str) -> str:
    """Words as read, not as laid out: a sentence wrapped in a bordered panel reads whole."""
    return re.sub(r"[\s\u2500-\u259f]+", " ", text)


def wait_for_text(page, needle: str, timeout: float = 15) -> str:
    """The screen's text, once `needle` is on it (wrapped lines and borders notwithstanding)."""
    return wait_until(lambda: (t := screen_text(page)) and flat(needle) in flat(t) and t,
                      timeout, f"{needle!r} on the screen")


def open_sessions(browser, url: str, count: int) -> list:
    """`count` tabs loaded at once (their processes start side by side), each at the login screen."""
    pages = []
    for _ in range(count):
        page = browser.new_page(viewport={"width": 1100, "height": 800})
        page.add_init_script(KEEP_TERMINAL)
        page.goto(url)
        pages.append(page)
    for page in pages:
        wait_for_text(page, "Asan")
    return pages
