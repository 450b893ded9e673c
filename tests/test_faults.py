"""Faults an unattended terminal meets — a damaged or partial register, read-only media, a
missing disk, a broken terminal.db — each ends in one sentence, never a traceback, and the
app (or the command) stays in control."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from izle.data.db import connect_read_only
from izle.data.letters import Register
from izle.screens.agency import AgencyScreen
from izle.screens.login import LoginScreen
from izle.screens.out_of_service import OutOfServiceScreen
from tests.conftest import CITIZEN, LETTERS, izle_app
from tests.pilot import choose_agency, log_in, look_up, screen_text, text_of

ROOT = Path(__file__).resolve().parent.parent
SIZE = (80, 24)


def izle(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "izle", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)


def damage_pages(register: Path) -> None:
    """Overwrite the page headers after the first page, leaving the file header (and so
    user_version and the schema) intact: what a failing disk leaves behind."""
    conn = sqlite3.connect(register)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every page in the main file
    conn.close()
    size = register.stat().st_size
    with open(register, "r+b") as f:
        for page in range(2, size // 4096):
            f.seek(page * 4096)
            f.write(b"\xde\xad" * 8)


async def test_a_register_with_damaged_pages_puts_the_terminal_out_of_service(register):
    damage_pages(register)
    app = izle_app(register, kiosk=True)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(300):  # the screen is current a moment before its text is composed
            await pilot.pause(0.05)
            if isinstance(app.screen, OutOfServiceScreen) and app.screen.query("#out-of-service-reason"):
                break
        assert isinstance(app.screen, OutOfServiceScreen) and app.is_running
        assert "oxuna bilmir" in text_of(app, "#out-of-service-reason")


async def test_damage_found_mid_lookup_is_a_sentence_not_a_crash(register):
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, CITIZEN)
        await choose_agency(pilot, "baki")
        damage_pages(register)
        app.register.close()  # the next read opens the damaged file afresh
        await look_up(pilot, "01-31/3073", "05.03.2026")
        assert app.is_running
        shown = screen_text(app)
        assert "Gömrük nəzarəti" not in shown
        assert isinstance(app.screen, OutOfServiceScreen) or "tamamlanmadı" in text_of(app, "#lookup-error")


def test_a_register_missing_a_table_is_refused_with_a_sentence(register):
    conn = sqlite3.connect(register)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("DROP TABLE movements")
    conn.commit()
    conn.close()
    done = izle("--db", str(register))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "movements" in done.stderr


@pytest.mark.parametrize("args", [["--kiosk"], []])
def test_a_named_or_kiosk_register_that_is_missing_is_never_invented(tmp_path, args):
    missing = tmp_path / "disk" / "register.db"
    done = izle("--db", str(missing), *args)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert str(missing) in done.stderr and not missing.exists()  # no demo, no demo PIN1


def test_a_kiosk_without_db_and_without_a_register_refuses_too(tmp_path):
    env_db = tmp_path / "register.db"
    done = subprocess.run([sys.executable, "-m", "izle", "--kiosk"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                               "XDG_DATA_HOME": str(tmp_path / "data")})
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert not (tmp_path / "data" / "izle" / "register.db").exists() and not env_db.exists()


def test_a_register_path_under_a_file_is_a_sentence(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    done = izle("demo", "--db", str(blocker / "register.db"))
    assert done.returncode != 0 and "Traceback" not in done.stderr


@pytest.fixture
def read_only_media(tmp_path):
    """A read-only file system (tmpfs remounted ro), as a kiosk's shipped register sits on."""
    media = tmp_path / "media"
    media.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(media)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"this machine cannot mount a file system: {mounted.stderr.decode().strip()}")
    try:
        yield media
    finally:
        subprocess.run(["umount", "-l", str(media)], check=False)  # lazily: open files may linger


def test_a_wal_register_on_read_only_media_still_opens(register, read_only_media):
    """SQLite cannot make the -shm file of a WAL register on read-only media, so `mode=ro`
    fails there; İzlə then opens it immutable."""
    shutil.copy(register, read_only_media / "register.db")
    shipped = read_only_media / "register.db"
    with sqlite3.connect(shipped) as conn:  # shipped as it was built: in WAL mode
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    subprocess.run(["mount", "-o", "remount,ro", str(read_only_media)], check=True)
    with pytest.raises(sqlite3.OperationalError):
        sqlite3.connect(f"{shipped.as_uri()}?mode=ro", uri=True).execute(
            "SELECT count(*) FROM letters").fetchone()
    assert connect_read_only(shipped).execute("SELECT count(*) FROM letters").fetchone()[0] == len(LETTERS)
    assert Register(shipped).find_letter("BBGI", "01-31/3073", date(2026, 3, 5)) is not None


async def test_an_unreadable_authority_list_is_a_sentence(register):
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        app.desk.agencies = lambda: None  # the register vanished between login and the list
        await log_in(pilot, CITIZEN)
        await pilot.press("f4")  # from the list of letters to the authorities
        await pilot.pause()
        assert isinstance(app.screen, OutOfServiceScreen) and app.is_running
        assert not isinstance(app.screen, (AgencyScreen, LoginScreen))


async def test_a_register_replaced_under_a_running_terminal_is_read_afresh(register, tmp_path):
    """An administrator ships a new register by renaming it over the old one (DESIGN §4):
    the next lookup reads the new file, not the one the app had open."""
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, CITIZEN)
        await choose_agency(pilot, "baki")
        await look_up(pilot, "01-31/3073", "05.03.2026")
        assert text_of(app, "#result-executor") == "Məmmədov Elvin Rauf oğlu"
        await pilot.press("escape")
        fresh = tmp_path / "fresh.db"
        shutil.copy(register, fresh)
        with sqlite3.connect(fresh) as conn:
            conn.execute("UPDATE letters SET executor_id = '2' WHERE reg_no = '01-31/3073'")
        conn.close()
        fresh.replace(register)
        await look_up(pilot, "01-31/3073", "05.03.2026")
        assert text_of(app, "#result-executor") == "Əliyeva Günel Tofiq qızı"


def test_the_register_reopens_a_file_renamed_over_it_in_the_same_thread(register, tmp_path):
    reader = Register(register)
    assert reader.find_letter("BBGI", "01-31/3073", date(2026, 3, 5)).executor == "Məmmədov Elvin Rauf oğlu"
    fresh = tmp_path / "fresh.db"
    shutil.copy(register, fresh)
    with sqlite3.connect(fresh) as conn:
        conn.execute("UPDATE letters SET executor_id = '2' WHERE reg_no = '01-31/3073'")
        conn.execute("UPDATE agencies SET name_az = 'Yeni ad' WHERE code = 'BBGI'")
    conn.close()
    fresh.replace(register)
    found = reader.find_letter("BBGI", "01-31/3073", date(2026, 3, 5))
    assert found.executor == "Əliyeva Günel Tofiq qızı" and found.agency.name.az == "Yeni ad"
