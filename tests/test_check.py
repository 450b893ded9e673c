"""`izle check`: a sound register passes; each kind of damage is named; migrations are tested."""

from __future__ import annotations

import re
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

import izle.data.importer.run as importer_run
from izle.data.audit import append
from izle.data.check import check_register, check_warnings
from izle.data.clock import FixedClock
from izle.data.db import connect_write, user_version
from izle.data.importer import import_file
from izle.data.schema import (
    COMPACT_KEY_SQL, REGISTER_MIGRATIONS, TERMINAL_MIGRATIONS, ensure_register, ensure_terminal, migrate,
)
from tests.conftest import TODAY

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
IMPORT_DAY = date(2025, 12, 1)  # the import fixtures' "today" (tests/test_import.py)


def state_of(register: Path) -> Path:
    return register.with_name("terminal.db")


def codes(register: Path) -> list[str]:
    return [p.code for p in check_register(register, state_of(register))]


def write(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")  # damage the way another tool could
    for sql in statements:
        conn.execute(sql)
    conn.close()


def izle(*args: str, today: date = TODAY):
    """The command line, with the register's "today" (never the real date) as its clock."""
    from izle.tui.cli.run import run

    return CliRunner().invoke(run, ["--lang", "en", *args], obj={"clock": FixedClock(today)})


def test_the_test_register_is_sound(register):
    conn = connect_write(state_of(register))
    append(conn, terminal="t1", mode="citizen", actor="100001", action="lookup", outcome="found")
    conn.close()
    assert check_register(register, state_of(register)) == []
    assert check_warnings(register, TODAY) == []
    result = izle("--db", str(register), "check")
    assert result.exit_code == 0 and "no problems found." in result.output
    assert "Warning" not in result.output


def test_a_missing_register_is_a_problem(tmp_path):
    assert [p.code for p in check_register(tmp_path / "none.db")] == ["missing"]
    assert izle("--db", str(tmp_path / "none.db"), "check").exit_code == 1


def test_an_executor_outside_the_letters_unit_is_named(register):
    write(register, "UPDATE letters SET executor_id = 2 WHERE id = 1")  # executor 2 works in unit 2
    problems = check_register(register)
    assert [p.code for p in problems] == ["executor_unit"]
    assert problems[0].params["count"] == 1 and "01-31/3073 05.03.2026" in problems[0].params["examples"]
    result = izle("--db", str(register), "check")
    assert result.exit_code == 1
    assert "1 letters have an executor who does not work in their unit" in result.output


def test_orphans_dangling_references_and_unknown_statuses(register):
    write(register,
          "INSERT INTO movements VALUES (99, 1, '2026-01-01', 'registered', NULL, NULL, NULL)",
          "INSERT INTO units (id, agency_code, name_az) VALUES (50, 'NOPE', 'Nowhere')",
          "UPDATE letters SET status = 'lost' WHERE id = 3",
          "INSERT INTO calendar VALUES ('2026-02-30', 'holiday', NULL)")
    problems = {p.code: p for p in check_register(register)}
    assert set(problems) == {"orphan_movements", "foreign_key", "unknown_status", "calendar"}
    assert problems["foreign_key"].params == {"count": 1, "table": "units", "parent": "agencies"}
    assert problems["unknown_status"].params["status"] == "lost"


def test_a_tampered_audit_log_is_found(register):
    state = state_of(register)
    conn = connect_write(state)
    for n in range(3):
        append(conn, terminal="t1", mode="operator", actor="200001", action="lookup", outcome=f"o{n}")
    conn.close()
    write(state, "DROP TRIGGER audit_no_update")  # as someone with the file would, first
    write(state, "UPDATE audit SET outcome = 'found' WHERE seq = 2")
    problems = check_register(register, state)
    assert [(p.code, p.params["seq"]) for p in problems] == [("audit", 2)]
    result = izle("--db", str(register), "check")
    assert result.exit_code == 1 and "seq 2" in result.output


def test_damaged_pages_are_reported_not_crashed(register, tmp_path):
    broken = tmp_path / "broken" / "register.db"
    broken.parent.mkdir()
    shutil.copy(register, broken)
    data = bytearray(broken.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data), page):  # scribble over every page but the first
        data[offset + 8:offset + 64] = b"\xff" * 56
    broken.write_bytes(bytes(data))
    problems = check_register(broken)
    assert problems and {p.code for p in problems} <= {"integrity", "unreadable"}
    assert izle("--db", str(broken), "check").exit_code == 1


def test_a_register_newer_than_this_program_is_a_problem(register):
    write(register, f"PRAGMA user_version = {len(REGISTER_MIGRATIONS) + 1}")
    assert [p.code for p in check_register(register)] == ["schema_version"]


# --- warnings: what misleads without being broken ------------------------------------------

def test_a_calendar_without_generated_holidays_is_a_warning_naming_the_refresh(register):
    """A register built before public holidays became calendar rows: every due date would
    count them as working days. The check says so, names the command, and does not fail."""
    write(register, "DELETE FROM calendar WHERE note LIKE 'holidays:%'")
    warnings = check_warnings(register, TODAY)
    assert [(w.code, w.params["year"]) for w in warnings] == [("holidays_missing", 2026),
                                                              ("holidays_missing", 2027)]
    assert check_register(register, state_of(register)) == []  # a warning, not a problem
    result = izle("--db", str(register), "check")
    assert result.exit_code == 0, result.output
    assert f"izle calendar refresh --db {register}" in result.output
    assert "2026" in result.output and "2027" in result.output
    assert "no problems found, 2 warnings." in result.output
    izle("--db", str(register), "calendar", "refresh")
    assert check_warnings(register, TODAY) == []


def test_the_year_comes_from_the_clock_and_the_next_year_counts_too(register):
    """Holidays are written for 2020–2035: in the last of those years, the next is missing."""
    assert check_warnings(register, date(2035, 3, 1))[0].params["year"] == 2036
    assert [w.params["year"] for w in check_warnings(register, date(2019, 6, 1))] == [2019]
    assert "2036" in izle("--db", str(register), "check", today=date(2035, 3, 1)).output


def test_an_administrators_own_holiday_is_not_a_generated_one(register):
    write(register, "DELETE FROM calendar WHERE note LIKE 'holidays:%'",
          "INSERT INTO calendar (date, kind, note) VALUES ('2026-12-31', 'holiday', 'Cabinet')")
    assert [w.params["year"] for w in check_warnings(register, TODAY)] == [2026, 2027]


def test_warnings_are_printed_beside_problems_and_problems_still_fail(register):
    write(register, "DELETE FROM calendar WHERE note LIKE 'holidays:%'",
          "UPDATE letters SET executor_id = 2 WHERE id = 1")
    result = izle("--db", str(register), "check")
    assert result.exit_code == 1
    assert "1 problem found." in result.output and "izle calendar refresh" in result.output


def test_a_fresh_demo_register_has_no_warning(tmp_path):
    from izle.data.demo import build_demo

    register = tmp_path / "register.db"
    build_demo(register, tmp_path / "terminal.db", letters=100, seed=2)
    assert check_warnings(register, TODAY) == []
    result = izle("--db", str(register), "check")
    assert result.exit_code == 0 and "Warning" not in result.output, result.output


def test_an_unreadable_register_has_problems_not_warnings(tmp_path):
    assert check_warnings(tmp_path / "none.db", TODAY) == []
    (tmp_path / "junk.db").write_bytes(b"not a database" * 100)
    assert check_warnings(tmp_path / "junk.db", TODAY) == []


# --- migrations from every earlier version -------------------------------------------------

def schema(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").fetchall()
    finally:
        conn.close()


# Every version each database has had (0 = empty), with what upgrades it.
EARLIER_VERSIONS = [
    (migrations, ensure, start)
    for migrations, ensure in ((REGISTER_MIGRATIONS, ensure_register),
                               (TERMINAL_MIGRATIONS, ensure_terminal))
    for start in range(len(migrations) + 1)
]


@pytest.mark.parametrize("migrations, ensure, start", EARLIER_VERSIONS)
def test_every_earlier_version_migrates_to_the_current_schema(tmp_path, migrations, ensure, start):
    fresh = tmp_path / "fresh.db"
    ensure(fresh)
    old = tmp_path / "old.db"
    conn = connect_write(old)
    migrate(conn, migrations[:start])  # the database as version `start` left it
    assert user_version(conn) == start
    conn.close()
    ensure(old)
    conn = connect_write(old)
    assert user_version(conn) == len(migrations)
    conn.close()
    assert schema(old) == schema(fresh)
    if migrations is REGISTER_MIGRATIONS:  # sound, but nobody filled it
        assert [p.code for p in check_register(old)] == ["unfilled"]


V4_LETTER_INDEXES = (  # as registers up to v4 had them
    "CREATE INDEX letters_fin ON letters(applicant_fin)",
    "CREATE UNIQUE INDEX letters_key ON letters(agency_code, reg_no_key, reg_date)",
    "CREATE INDEX letters_compact_key ON letters(agency_code,"
    " replace(replace(replace(reg_no_key, '-', ''), '/', ''), '.', ''), reg_date)",
)


def test_a_v4_registers_letter_indexes_become_v5s(letters_v4):
    """v5 drops letters_fin, a prefix of letters_fin_date, and leads the key indexes with the
    number: a citizen's letters, a letter by its key and by its number typed without
    separators are all still found through an index, and a second import changes nothing."""
    fresh, old = letters_v4.with_name("fresh.db"), letters_v4
    ensure_register(fresh)
    ensure_register(old)
    assert schema(old) == schema(fresh)
    conn = sqlite3.connect(old)
    plans = {query: conn.execute("EXPLAIN QUERY PLAN " + query, args).fetchall()[0][3]
             for query, args in (
                 ("SELECT applicant_name FROM letters WHERE applicant_fin = ?", ("5ZK9Q2M",)),
                 ("SELECT id FROM letters WHERE agency_code = ? AND reg_no_key = ? AND reg_date = ?",
                  ("BBGI", "01-31/3073", "2025-11-03")),
                 (f"SELECT id FROM letters WHERE agency_code = ? AND {COMPACT_KEY_SQL} = ?"
                  " AND reg_date = ?", ("BBGI", "01313073", "2025-11-03")))}
    used = [re.search(r"USING (?:COVERING )?INDEX (\w+)", plan) for plan in plans.values()]
    assert [u and u[1] for u in used] == ["letters_fin_date", "letters_key", "letters_compact_key"], plans
    before = conn.execute("SELECT * FROM letters ORDER BY id").fetchall()
    assert before  # the fixture's letters came through
    result = import_file(old, FIXTURES / "letters.csv", "letters", today=IMPORT_DAY)
    assert (result.added, result.updated) == (0, 0)  # the upsert finds each letter by its key
    assert conn.execute("SELECT * FROM letters ORDER BY id").fetchall() == before


@pytest.fixture
def letters_v4(tmp_path, monkeypatch) -> Path:
    """A register as v4 left it, with the fixtures' letters imported into it."""
    path = tmp_path / "old.db"
    conn = connect_write(path)
    migrate(conn, REGISTER_MIGRATIONS[:4])
    for name in ("letters_key", "letters_compact_key"):
        conn.execute(f"DROP INDEX {name}")
    for sql in V4_LETTER_INDEXES:
        conn.execute(sql)
    conn.close()
    monkeypatch.setattr(importer_run, "ensure_register", lambda register: None)  # stay v4
    for kind in ("agencies", "units", "executors", "letters"):
        import_file(path, FIXTURES / f"{kind}.csv", kind, today=IMPORT_DAY)
    monkeypatch.undo()
    return path


def test_a_migrated_register_keeps_its_rows(register, tmp_path):
    before = sqlite3.connect(register).execute("SELECT * FROM letters ORDER BY id").fetchall()
    ensure_register(register)  # already current: nothing to do, nothing lost
    assert sqlite3.connect(register).execute("SELECT * FROM letters ORDER BY id").fetchall() == before
