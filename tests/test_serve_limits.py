"""`izle serve`'s rules without a browser: how many sessions, whose address, the busy page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from izle.tui.web.limits import BUSY, TOO_MANY_HERE, SessionLimits, client_address, default_max_sessions
from izle.tui.web.pages import busy_page
from izle.data.i18n import translate

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


# --- what a page may ask: bounds, origin, language ----------------------------------------------

from izle.tui.web.bounds import (  # noqa: E402
    IDLE_MARGIN, MAX_HEIGHT, MAX_WIDTH, IdleDeadline, StdinBudget, read_message, terminal_size,
)
from izle.tui.web.origin import origin_allowed  # noqa: E402
from izle.tui.web.pages import preferred_language  # noqa: E402


def test_a_terminal_is_at_most_500_by_200_and_at_least_one_cell():
    assert (MAX_WIDTH, MAX_HEIGHT) == (500, 200)
    assert terminal_size("100000", "100000") == (500, 200)
    assert terminal_size(10**30, -5) == (500, 1)
    assert terminal_size("120", "40") == (120, 40)
    assert terminal_size("wide", None) == (80, 24)       # not a number: the default
    assert terminal_size(True, 1e400) == (80, 24)         # JSON true, an infinite float


def test_only_the_pages_own_messages_are_read_and_sizes_come_out_bounded():
    assert read_message('["stdin", "050"]').text == "050"
    assert read_message('["resize", {"width": 1e9, "height": 30}]').size == (500, 30)
    assert read_message('["resize", {"width": "x"}]').size == (80, 24)
    assert read_message('["ping", "1700000000"]').kind == "ping"
    assert read_message('["focus"]').kind == "focus"
    for bad in ("", "{}", "[]", "[1]", '["stdin", 5]', '["resize", 7]', '["quit"]',
                "[" * 100_000, '["stdin"', '"stdin"'):
        assert read_message(bad) is None, bad


def test_a_silent_session_ends_after_the_idle_time_or_after_the_apps_own_idle_logout():
    deadline = IdleDeadline(idle=60, prompt=20, started=1000)
    assert deadline.at() == 1060                 # nobody typed: no prompt is shown, none awaited
    deadline.touch(1030)
    assert deadline.at() == 1030 + 60 + 20 + IDLE_MARGIN
    assert deadline.left(1100) == deadline.at() - 1100


def test_keys_faster_than_a_person_exhaust_the_budget_and_a_pause_refills_it():
    budget = StdinBudget(rate=1000, burst=4000, tokens=4000)
    assert budget.take(4000, now=0.0)                  # one paste of the whole burst
    assert not budget.take(10, now=0.0)                # at once, one key more: refused
    budget = StdinBudget(rate=1000, burst=4000, tokens=4000)
    assert all(budget.take(100, now=t / 10) for t in range(1000))  # 1,000 B/s for 100 s
    assert budget.take(3000, now=200.0)                # after a pause: a paste again


def test_only_izles_own_page_may_open_a_session():
    own = dict(public_url=None, host="127.0.0.1:8000")
    assert origin_allowed("http://127.0.0.1:8000", **own)
    assert origin_allowed(None, **own)                   # not a browser: the caps bound it
    assert not origin_allowed("http://evil.example", **own)
    assert not origin_allowed("http://127.0.0.1:8001", **own)
    assert not origin_allowed("null", **own)             # a sandboxed frame, a file
    behind_proxy = dict(public_url=None, host="izle.example.az")
    assert origin_allowed("https://izle.example.az", **behind_proxy)
    assert origin_allowed("https://IZLE.example.az:443", **behind_proxy)
    public = dict(public_url="https://izle.example.az/", host="127.0.0.1:8000")
    assert origin_allowed("https://izle.example.az", **public)
    assert not origin_allowed("http://izle.example.az", **public)
    assert not origin_allowed("https://izle.example.az.evil.example", **public)
    assert not origin_allowed("http://127.0.0.1:8000", **public)


def test_the_busy_page_speaks_the_browsers_language_first():
    assert preferred_language("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "az") == "ru"
    assert preferred_language("de-DE,de;q=0.9,en;q=0.5,az;q=0.8", "ru") == "az"
    assert preferred_language("fr, de", "en") == "en"           # none of ours: the server's
    assert preferred_language(None, "az") == "az"
    assert preferred_language("ru;q=0, en;q=bad", "az") == "az"  # refused, unreadable
    assert preferred_language("en, ru", "az") == "en"            # equal weights: the first


def test_the_page_is_told_why_a_session_ended_by_the_sockets_close_code():
    from izle.tui.web.endings import close_code, exit_status, page_sentences

    codes = [close_code(exit_status(reason)) for reason in ("user", "idle", "miss_limit")]
    assert codes == [4020, 4021, 4022]
    assert close_code(exit_status("stop")) is None and close_code(None) is None
    assert close_code(0) is None and close_code(1) is None   # a plain end, a crash
    sentences = page_sentences("ru")
    assert sentences[4020] == translate("You have logged out.", "ru") != "You have logged out."
    assert page_sentences("az")[4021] == "Terminaldan istifadə edilmədiyi üçün sessiya başa çatdı."


# --- textual-serve: what İzlə overrides or relies on ---------------------------------------------

# sha256 (16 hex) of textual-serve 1.1.3's source of what tui/web/ overrides (SessionProcess:
# _open_app_process, stop; IzleServer: serve, handle_index, handle_websocket, _process_messages),
# calls (_build_environment, start, run, send_*, _make_app, request_exit) or copies (index.html
# from app_index.html, which textual.js drives). A new textual-serve that changes one of them
# fails here: read the change, bring tui/web/ in line, then record the new digest.
TEXTUAL_SERVE_RELIED_ON = {
    "AppService.__init__": "97d2aa2d006bca53",
    "AppService._build_environment": "7411a31d53d5e8ae",
    "AppService._open_app_process": "1202e78eb3e9d5d6",
    "AppService.start": "677839f69c78d856",
    "AppService.stop": "e17b0255d820b5e6",
    "AppService.run": "065799c360c53d92",
    "AppService.on_meta": "eba44f1309ee50a1",
    "AppService.send_bytes": "7188bc997d4e972a",
    "AppService.send_meta": "8ed9ef8fbca777ad",
    "Server.__init__": "e7388c474b965a3b",
    "Server._make_app": "f49af73ecb6eb223",
    "Server.serve": "199f785dcfa9af73",
    "Server.request_exit": "9d300044ede1109b",
    "Server.handle_index": "c961f57f6af22bfe",
    "Server.handle_websocket": "87c0c9d50be81f45",
    "Server._process_messages": "c30aaa2d9521fe13",
    "static/js/textual.js": "c1e7f29ed0facdd3",
    "templates/app_index.html": "184d6d1bb1ed70bc",
}


def test_what_izle_overrides_in_textual_serve_is_as_it_was_read():
    import hashlib
    import inspect

    import textual_serve
    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    def digest(text: bytes) -> str:
        return hashlib.sha256(text).hexdigest()[:16]

    classes = {"AppService": AppService, "Server": Server}
    base = Path(textual_serve.__file__).parent
    found = {}
    for name in TEXTUAL_SERVE_RELIED_ON:
        if "/" in name:
            found[name] = digest((base / name).read_bytes())
        else:
            owner, member = name.split(".")
            found[name] = digest(inspect.getsource(getattr(classes[owner], member)).encode())
    changed = sorted(n for n in found if found[n] != TEXTUAL_SERVE_RELIED_ON[n])
    assert not changed, f"textual-serve changed what tui/web/ relies on: {changed}"


# --- a browser's session: one person's, ended by their logout ------------------------------------

async def test_a_web_sessions_idle_logout_ends_its_run(register):
    """What `izle serve` runs (`--end-on-logout`): the idle prompt left unanswered ends the
    process, so its place is free at once; the logout audited as at a terminal. (F3 does the
    same: tests/test_serve.py, in Chromium.)"""
    import random

    from izle.data.clock import FixedClock
    from izle.screens.idle import IdleScreen
    from izle.screens.letters import MyLettersScreen
    from izle.tui.app import IzleApp
    from izle.tui.settings import Settings
    from tests.conftest import CITIZEN, TODAY
    from tests.pilot import audit_rows, log_in

    clock = FixedClock(TODAY)
    settings = Settings(db_path=register, terminal="web:test", end_on_logout=True)
    app = IzleApp(settings=settings, clock=clock, rng=random.Random(7))
    async with app.run_test(size=(80, 25)) as pilot:
        await log_in(pilot, CITIZEN)
        await until(pilot, lambda: isinstance(app.screen, MyLettersScreen))  # the session's own
        clock.advance(61)
        # Its countdown has started once its "Yes" has the focus (both on mount).
        await until(pilot, lambda: isinstance(app.screen, IdleScreen)
                    and getattr(app.focused, "id", None) == "idle-yes")
        clock.advance(21)
        await until(pilot, lambda: app.return_code is not None)
    assert app.return_code == 21   # the page is told why: tui/web/endings.py
    assert audit_rows(register, "logout")[-1]["outcome"] == "idle"


async def until(pilot, condition, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not reached")
