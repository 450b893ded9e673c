"""Many terminals, one central register: `izle central`, `izle sync`, `izle audit push/verify`
against a real PostgreSQL server (tests/central_pg.py), each test in its own database."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from datetime import date
from pathlib import Path

import pytest

from izle.data import audit
from izle.data.central.audit import push
from izle.data.central.connection import CentralError, connect, redact
from izle.data.central.load import central_import
from izle.data.central.schema import migrate
from izle.data.central.sync import sync
from izle.data.central.terminals import add as add_terminal
from izle.data.check import check_register
from izle.data.db import connect_write
from izle.data.importer import import_file
from izle.data.schema import ensure_terminal
from tests.central_pg import admin_url, scratch_database

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "import"
TODAY = date(2025, 12, 1)
KINDS = ("agencies", "units", "executors", "letters", "movements", "calendar")
TABLES = KINDS


@pytest.fixture(scope="module")
def server() -> str:
    return admin_url()


@pytest.fixture
def central(server) -> str:
    """An empty central register (schema created) in a database of its own."""
    with scratch_database(server) as url:
        with connect(url, autocommit=True) as conn:
            migrate(conn)
        yield url


@pytest.fixture
def loaded(central) -> str:
    """The central register with the import fixtures loaded."""
    for kind in KINDS:
        central_import(central, FIXTURES / f"{kind}.csv", kind, today=TODAY)
    return central


def izle(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "izle", "--lang", "en", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def snapshot(register: Path) -> dict[str, list[tuple]]:
    """Every row of every register table, in key order."""
    conn = sqlite3.connect(register)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in TABLES}
    finally:
        conn.close()


def execute(url: str, sql: str, params: tuple = ()) -> None:
    with connect(url, autocommit=True) as conn:
        conn.execute(sql, params)


# --- central import -------------------------------------------------------------------------

def test_central_import_judges_rows_as_izle_import_does(central, tmp_path):
    local = tmp_path / "register.db"
    for kind in KINDS:
        there = central_import(central, FIXTURES / f"{kind}.csv", kind, today=TODAY)
        here = import_file(local, FIXTURES / f"{kind}.csv", kind, today=TODAY)
        assert (there.read, there.refused, there.added) == (here.read, here.refused, here.added)
        assert there.problems == here.problems
    again = central_import(central, FIXTURES / "letters.csv", "letters", today=TODAY)
    assert (again.added, again.updated, again.unchanged) == (0, 0, here_accepted(again))


def here_accepted(result) -> int:
    return result.read - result.refused


def test_central_import_from_the_command_line_refuses_a_bad_file_in_one_sentence(central, tmp_path):
    bad = tmp_path / "letters.csv"
    bad.write_text("agency_code,reg_no,colour\nBBGI,1,red\n", encoding="utf-8")
    done = izle("central", "import", str(bad), "--kind", "letters", "--to", central)
    assert done.returncode == 2 and "unknown columns: colour" in done.stderr
    assert "Traceback" not in done.stderr


def test_init_is_versioned_and_refuses_a_newer_schema(central):
    assert "already current" in izle("central", "init", central).stdout
    execute(central, "INSERT INTO izle_schema (version) VALUES (99)")
    done = izle("central", "init", central)
    assert done.returncode == 2 and "schema version 99" in done.stderr


# --- sync -----------------------------------------------------------------------------------

def test_first_sync_copies_everything_and_a_second_changes_nothing(loaded, tmp_path):
    register = tmp_path / "register.db"
    first = izle("sync", "--from", loaded, "--db", str(register))
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("\n") == 1 and "Full copy" in first.stdout
    copied = snapshot(register)
    assert len(copied["letters"]) == 7 and len(copied["movements"]) == 3
    assert check_register(register) == []
    second = izle("sync", "--from", loaded, "--db", str(register))
    assert second.returncode == 0 and "0 rows written, 0 deleted" in second.stdout
    assert snapshot(register) == copied


def test_deletions_arrive_as_tombstones(loaded, tmp_path):
    register = tmp_path / "register.db"
    sync(loaded, register)
    execute(loaded, "DELETE FROM letters WHERE reg_no = %s", ("01-31/3073",))  # and its movements
    execute(loaded, "DELETE FROM calendar")
    result = sync(loaded, register)
    assert result.deleted == 1 + 3 + 2 and not result.full
    rows = snapshot(register)
    assert all(r[2] != "01-31/3073" for r in rows["letters"]) and rows["movements"] == []
    assert rows["calendar"] == [] and check_register(register) == []


def test_a_transaction_that_commits_after_a_sync_arrives_at_the_next(loaded, tmp_path):
    """The late writer began (and took its transaction id) before the sync and commits after
    it; a newer writer committed meanwhile. `updated_at > last_seen` would lose the late one."""
    register = tmp_path / "register.db"
    sync(loaded, register)
    late = connect(loaded)
    late.execute("UPDATE letters SET status = 'extended', extended_to = '2025-06-01'"
                 " WHERE reg_no = '01-31/3073'")
    sync(loaded, register)  # sees neither: the late one is still running
    execute(loaded, "UPDATE letters SET applicant_name = 'Newer' WHERE reg_no = '01-31/4000'")
    sync(loaded, register)  # sees the newer one; its watermark stays below the late one
    late.commit()
    late.close()
    result = sync(loaded, register)
    statuses = {r[2]: r[8] for r in snapshot(register)["letters"]}
    assert statuses["01-31/3073"] == "extended" and result.written["letters"] >= 1
    names = {r[2]: r[7] for r in snapshot(register)["letters"]}
    assert names["01-31/4000"] == "Newer"


def test_twenty_terminals_sync_at_once(loaded, tmp_path):
    registers = [tmp_path / f"t{i}" / "register.db" for i in range(20)]
    results, errors = [], []

    def one(register: Path) -> None:
        try:
            results.append(sync(loaded, register))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=one, args=(r,)) for r in registers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and len(results) == 20
    first = snapshot(registers[0])
    assert all(snapshot(r) == first for r in registers[1:])


# --- failures -------------------------------------------------------------------------------

def test_an_unreachable_centre_is_one_sentence_without_the_password(loaded, tmp_path):
    register = tmp_path / "register.db"
    sync(loaded, register)
    before = snapshot(register)
    url = "postgresql://izle:s3cret-Pw@127.0.0.1:1/test"  # nothing listens on port 1
    done = izle("sync", "--from", url, "--db", str(register))
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "s3cret-Pw" not in done.stderr
    assert "unchanged" in done.stderr and snapshot(register) == before
    kv = izle("audit", "push", "--to", "host=127.0.0.1 port=1 password=s3cret-Pw", "--db", str(register))
    assert kv.returncode != 0 and "s3cret-Pw" not in kv.stderr + kv.stdout


@pytest.mark.parametrize("url", ["postgresql://u:p%40ss@h/db", "host=h password=p@ss",
                                 "host=h password='p@ss'", "postgresql://h/db?password=p@ss"])
def test_redact_hides_every_way_of_writing_a_password(url):
    assert "p@ss" not in redact(f"cannot parse {url} (p@ss)", url)
    assert "p%40ss" not in redact(url, url)


@pytest.fixture
def sync_held_at_calendar(loaded, tmp_path):
    """A sync started in a process of its own and held, mid-transaction, where it reads the
    last table: letters changed centrally are already written to its open SQLite transaction."""
    register = tmp_path / "register.db"
    sync(loaded, register)
    before = snapshot(register)
    execute(loaded, "UPDATE letters SET status = 'answered', answered_on = '2025-11-30'")
    lock = connect(loaded)
    lock.execute("LOCK TABLE calendar IN ACCESS EXCLUSIVE MODE")
    process = subprocess.Popen([sys.executable, "-m", "izle", "--lang", "en", "sync", "--from",
                                loaded, "--db", str(register)], cwd=ROOT, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        backend = _waiting_backend(loaded)
        yield process, register, before, backend, lock.rollback
    finally:
        lock.rollback()
        lock.close()
        if process.poll() is None:
            process.kill()
        process.communicate()


def _waiting_backend(url: str, timeout: float = 30) -> int:
    """The pid of the sync's server process once it waits for the calendar lock."""
    deadline = time.monotonic() + timeout
    with connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute("SELECT pid FROM pg_stat_activity WHERE application_name = 'izle'"
                               " AND wait_event_type = 'Lock' AND datname = current_database()"
                               ).fetchone()
            if row:
                return row[0]
            time.sleep(0.05)
    raise AssertionError("the sync never reached the calendar table")


def test_kill_9_mid_sync_leaves_the_old_register_and_the_next_sync_completes(sync_held_at_calendar, loaded):
    process, register, before, _backend, release = sync_held_at_calendar
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    release()
    assert snapshot(register) == before and check_register(register) == []
    done = izle("sync", "--from", loaded, "--db", str(register))
    assert done.returncode == 0, done.stderr
    assert {r[8] for r in snapshot(register)["letters"]} == {"answered"}
    assert check_register(register) == []


def test_the_centre_going_away_mid_sync_changes_nothing(sync_held_at_calendar, loaded):
    process, register, before, backend, _release = sync_held_at_calendar
    execute(loaded, "SELECT pg_terminate_backend(%s)", (backend,))
    out, err = process.communicate(timeout=30)
    assert process.returncode == 1 and out == "" and err.count("\n") == 1
    assert "unchanged" in err and "Traceback" not in err
    assert snapshot(register) == before and check_register(register) == []


# --- audit ----------------------------------------------------------------------------------

def _terminal(folder: Path, name: str, rows: int) -> Path:
    state = folder / name / "terminal.db"
    state.parent.mkdir()
    ensure_terminal(state)
    _append(state, name, rows)
    return state


def _append(state: Path, name: str, rows: int) -> None:
    conn = connect_write(state)
    for i in range(rows):
        audit.append(conn, terminal=name, mode="citizen", actor="100001", action="lookup",
                     outcome="not_found", query={"i": i})
    conn.close()


def unique(name: str) -> str:
    """A terminal name no other test's role has: roles are the cluster's."""
    return f"{name}-{uuid.uuid4().hex[:8]}"


def test_two_terminals_push_their_audit_and_the_centre_finds_a_tampered_row(central, tmp_path):
    kiosk, console = unique("kiosk"), unique("console")
    kiosk_db, console_db = _terminal(tmp_path, kiosk, 5), _terminal(tmp_path, console, 3)
    urls = {name: add_terminal(central, name).url for name in (kiosk, console)}
    for state, name in ((kiosk_db, kiosk), (console_db, console)):
        done = izle("audit", "push", "--to", urls[name], "--state", str(state))
        assert done.returncode == 0 and f"as “{name}”" in done.stdout, done.stderr
    again = izle("audit", "push", "--to", urls[kiosk], "--state", str(kiosk_db))
    assert "Sent 0 audit rows" in again.stdout  # idempotent
    _append(kiosk_db, kiosk, 4)  # written while offline
    conn = connect_write(kiosk_db)
    assert push(urls[kiosk], conn).sent == 4
    conn.close()
    ok = izle("audit", "verify", "--central", central)
    assert ok.returncode == 0 and "2 terminals, 12 rows" in ok.stdout, ok.stderr
    execute(central, "UPDATE audit SET outcome = 'found' WHERE terminal = %s AND seq = 2", (console,))
    broken = izle("audit", "verify", "--central", central)
    assert broken.returncode == 1 and console in broken.stderr and "seq 2" in broken.stderr
    assert kiosk not in broken.stderr


def test_a_push_under_another_terminals_name_is_refused(central, tmp_path):
    name = unique("kiosk")
    url = add_terminal(central, name).url
    conn = connect_write(_terminal(tmp_path, name, 2))
    with pytest.raises(CentralError, match="not “other”"):
        push(url, conn, "other")
    conn.close()


def test_psycopg_stays_off_the_tui_path():
    loaded = subprocess.run([sys.executable, "-c", "import izle.tui.app, izle.tui.cli.run, izle.data.central.sync;"
                             "import sys; print('psycopg' in sys.modules)"], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "False"
