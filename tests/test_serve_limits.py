"""`izle serve`'s rules without a browser: how many sessions, whose address, the busy page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from izle.tui.web.limits import BUSY, TOO_MANY_HERE, SessionLimits, client_address, default_max_sessions
from izle.tui.web.pages import busy_page

ROOT = Path(__file__).resolve().parent.parent


def test_one_session_more_than_allowed_is_refused_until_one_ends():
    limits = SessionLimits(max_sessions=3, per_address=2)
    assert limits.acquire("10.0.0.1") is None
    assert limits.acquire("10.0.0.1") is None
    assert limits.acquire("10.0.0.1") == TOO_MANY_HERE   # this household has its share
    assert limits.acquire("10.0.0.2") is None
    assert limits.acquire("10.0.0.3") == BUSY            # and the server is full
    limits.release("10.0.0.1")
    assert limits.acquire("10.0.0.3") is None
    assert limits.active == 3


def test_the_default_grows_with_the_cpus():
    assert default_max_sessions() >= 4


def test_a_proxy_on_this_machine_is_believed_about_the_client_and_nobody_else_is():
    forwarded = {"X-Forwarded-For": "198.51.100.7, 203.0.113.9"}
    assert client_address("127.0.0.1", forwarded) == "203.0.113.9"   # the entry nginx appended
    assert client_address("::1", forwarded) == "203.0.113.9"
    assert client_address("192.0.2.1", forwarded) == "192.0.2.1"     # from the internet: ignored
    assert client_address("127.0.0.1", {"X-Forwarded-For": "not an address"}) == "127.0.0.1"
    assert client_address("127.0.0.1", {}) == "127.0.0.1"


def test_the_busy_page_speaks_every_language_the_servers_first():
    page = busy_page("ru", BUSY)
    assert page.index("İzlə занят") < page.index("İzlə məşğuldur") < page.index("İzlə is busy")
    assert "<script" not in page
    assert "from your address" in busy_page("en", TOO_MANY_HERE)


def test_serve_help_is_in_the_chosen_language():
    out = subprocess.run([sys.executable, "-m", "izle", "serve", "--lang", "ru", "--help"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "сеансов одновременно" in out.stdout and "Serve the" not in out.stdout


def test_serve_refuses_a_file_that_is_not_a_register(tmp_path):
    from izle.tui.cli.run import run

    bad = tmp_path / "register.db"
    bad.write_text("not letters")
    result = CliRunner().invoke(run, ["--lang", "en", "serve", "--db", str(bad)])
    assert result.exit_code == 1
    assert "cannot be opened" in result.output
