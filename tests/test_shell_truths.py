"""The shell tells the truth: the demo built where no register was is said on the first
screen, --lang works after a subcommand and help follows the locale, audit times are the
terminal's local time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets._toast import Toast

from izle.tui.settings import Settings
from tests.conftest import izle_app

ROOT = Path(__file__).resolve().parent.parent


def izle(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "izle", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env={"PATH": "/usr/bin:/bin", **env})


def test_building_a_first_demo_returns_the_sentence_for_the_first_screen(tmp_path):
    from izle.data.i18n import set_language
    from izle.tui.cli.run import check_register

    set_language("en")
    register = tmp_path / "data" / "register.db"

    said = check_register(register, register.with_name("terminal.db"), may_build_demo=True)

    assert said == f"There was no register at {register}: a demo register was built there."
    assert check_register(register, register.with_name("terminal.db"), may_build_demo=True) == ""


async def test_the_notice_is_shown_on_the_login_screen(register):
    notice = f"There was no register at {register} [bold]x[/]: a demo register was built there."
    app = izle_app(register, settings=Settings(db_path=register, notice=notice))
    async with app.run_test(notifications=True) as pilot:
        await pilot.pause()
        toasts = app.screen.query(Toast)
        for _ in range(50):  # the toast rack is filled after the first refresh
            if toasts:
                break
            await pilot.pause(0.02)
            toasts = app.screen.query(Toast)
        assert [str(t.render()) for t in toasts] == [notice]  # markup shown as it is


@pytest.mark.parametrize("args", [("identity", "list", "--lang", "en"),
                                  ("identity", "--lang=en", "list"),
                                  ("--lang", "ru", "identity", "list", "--lang", "en")])
def test_lang_is_taken_after_the_subcommand_too(register, args):
    done = izle(*args, "--db", str(register), LANG="C.UTF-8")
    assert done.returncode == 0, done.stderr
    assert "active" in done.stdout


@pytest.mark.parametrize("locale, first", [("ru_RU.UTF-8", "Использование:"),
                                           ("en_US.UTF-8", "Usage:"), ("C.UTF-8", "İstifadə:")])
def test_help_follows_the_locale(locale, first):
    done = izle("identity", "--help", LANG=locale)
    assert done.returncode == 0 and done.stdout.startswith(first), done.stdout[:80]


def test_audit_tail_shows_the_terminals_local_time_with_its_offset(register):
    from izle.data.audit import append
    from izle.data.db import connect_write

    conn = connect_write(register.with_name("terminal.db"))
    append(conn, terminal="T-1", mode="citizen", actor="100001", action="login", outcome="ok",
           at="2026-11-25T06:00:00.000+00:00")
    conn.close()

    done = izle("--db", str(register), "audit", "tail", "-n", "1", TZ="Asia/Baku", LANG="C.UTF-8")

    assert done.returncode == 0, done.stderr
    assert "2026-11-25T10:00:00+04:00" in done.stdout
