"""`izle check`: is the register sound, and is this terminal's audit log intact?

Read-only: the check never changes either file. Each problem is an English msgid with
`{placeholders}` (the CLI translates it) and a short code for scripts and tests. Problems
(`check_register`) make the check fail; warnings (`check_warnings`) are printed and do not.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path

from izle.data.db import connect_read_only, user_version
from izle.data.schema import REGISTER_MIGRATIONS, TERMINAL_MIGRATIONS
from izle.data.problems import Problem
from izle.data.statuses import STATUSES
from izle.data.i18n import N_

EXAMPLES = 5  # letters named per problem; the count says how many there are in all


def check_register(register_path: Path, state_path: Path | None = None) -> list[Problem]:
    """Every problem found in register.db and (when it exists) terminal.db; [] when sound."""
    register_path = Path(register_path)
    if not register_path.is_file():
        from izle.data.schema import not_a_file

        problem = not_a_file(register_path) or Problem(
            "missing", N_("No register at {path}."), {"path": str(register_path)})
        return [replace(problem, path=str(register_path))]
    problems = _check_file(register_path, _register_checks, REGISTER_MIGRATIONS)
    if state_path is not None and Path(state_path).is_file():
        problems += _check_file(Path(state_path), _terminal_checks, TERMINAL_MIGRATIONS)
    return problems


def check_warnings(register_path: Path, today: date) -> list[Problem]:
    """What is not broken but will mislead: a register whose `calendar` has no generated public
    holidays (notes `holidays:`) for this year or the next — built before holidays became
    calendar rows, or refreshed too long ago — counts those holidays as working days in every
    due date. Each warning names `izle calendar refresh`. [] when the register cannot be read
    (`check_register` says why)."""
    register_path = Path(register_path)
    if not register_path.is_file():
        return []
    try:
        conn = connect_read_only(register_path)
    except sqlite3.Error:
        return []
    try:
        if user_version(conn) != len(REGISTER_MIGRATIONS):
            return []
        return [replace(p, path=str(register_path))
                for p in _missing_holidays(conn, register_path, today)]
    except sqlite3.DatabaseError:
        return []
    finally:
        conn.close()


def _missing_holidays(conn: sqlite3.Connection, path: Path, today: date) -> list[Problem]:
    from izle.data.deadlines import PUBLIC_SOURCE

    problems = []
    for year in (today.year, today.year + 1):
        found = conn.execute(
            "SELECT 1 FROM calendar WHERE date BETWEEN ? AND ? AND substr(note, 1, ?) = ? LIMIT 1",
            (f"{year:04d}-01-01", f"{year:04d}-12-31", len(PUBLIC_SOURCE), PUBLIC_SOURCE),
        ).fetchone()
        if found is None:
            problems.append(Problem(
                "holidays_missing",
                N_("The calendar has no public holidays of {year}: due dates count them as "
                   "working days. Write them with: izle calendar refresh --db {path}"),
                {"year": year, "path": str(path)}))
    return problems


def _check_file(path: Path, checks, migrations: list) -> list[Problem]:
    """The problems of one file, each naming that file."""
    return [replace(p, path=str(path)) for p in _problems_of(path, checks, migrations)]


def _problems_of(path: Path, checks, migrations: list) -> list[Problem]:
    try:
        conn = connect_read_only(path)
    except sqlite3.Error as error:
        return [Problem("unreadable", N_("{path} cannot be opened: {error}"),
                        {"path": str(path), "error": str(error)})]
    try:
        version = user_version(conn)
        if version != len(migrations):
            return [Problem("schema_version",
                            N_("{path} has schema version {found}; this program expects {expected}."),
                            {"path": str(path), "found": version, "expected": len(migrations)})]
        problems = _integrity(conn, path)
        if not problems:  # the other checks assume readable pages
            problems += checks(conn)
        return problems
    except sqlite3.DatabaseError as error:  # e.g. "database disk image is malformed"
        return [Problem("integrity", N_("{path}: SQLite integrity check failed: {detail}"),
                        {"path": str(path), "detail": str(error)})]
    finally:
        conn.close()


def _integrity(conn: sqlite3.Connection, path: Path) -> list[Problem]:
    found = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
    if found == ["ok"]:
        return []
    return [Problem("integrity", N_("{path}: SQLite integrity check failed: {detail}"),
                    {"path": str(path), "detail": detail}) for detail in found]


def _register_checks(conn: sqlite3.Connection) -> list[Problem]:
    return [*_unfilled(conn), *_foreign_keys(conn), *_orphan_movements(conn),
            *_executors_elsewhere(conn), *_unknown_statuses(conn), *_calendar_kinds(conn),
            *_lost_letters(conn)]


# meta keys written only by a completed import, demo or sync
FILLED_BY = ("kind", "central_synced_at")
UNFILLED = N_("The register holds no letters and no record of an import or a sync (a load that "
              "failed half-way?): every lookup would answer “not found”. Load it with "
              "`izle import` or `izle sync`.")


def unfilled_register(path: Path) -> Problem | None:
    """The start-up check of a terminal: a register that nobody filled, or None."""
    try:
        conn = connect_read_only(path)
        try:
            found = _unfilled(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return None  # unreadable: the damage check says so
    return replace(found[0], path=str(path)) if found else None


def _unfilled(conn: sqlite3.Connection) -> list[Problem]:
    """A schema with no letters and nothing saying a load finished: a kiosk on it would tell
    every citizen "not found". An empty register a sync or import wrote on purpose passes."""
    if conn.execute("SELECT 1 FROM letters LIMIT 1").fetchone():
        return []
    marks = ", ".join("?" * len(FILLED_BY))
    if conn.execute(f"SELECT 1 FROM meta WHERE key IN ({marks})", FILLED_BY).fetchone():
        return []
    return [Problem("unfilled", UNFILLED)]


def _lost_letters(conn: sqlite3.Connection) -> list[Problem]:
    """Names stored with `?` or U+FFFD where letters stood (a lossy save imported before the
    importer refused them): SQL finds the candidates, the importer's own rule decides."""
    from izle.data.lost_letters import REPLACEMENT, STORED_WORDS, lost_letters

    problems = []
    for table, column in STORED_WORDS:
        found = [value for (value,) in conn.execute(
            f"SELECT {column} FROM {table} WHERE instr({column}, '?') OR instr({column}, ?)"
            " ORDER BY rowid", (REPLACEMENT,)) if lost_letters(value, column)]
        if found:
            problems.append(Problem(
                "lost_letters",
                N_("{count} values of {table}.{column} have “?” or “�” where letters stood"
                   " (a file saved without them was imported), e.g. “{example}”. Import them"
                   " again from a file saved as “CSV UTF-8”."),
                {"count": len(found), "table": table, "column": column,
                 "example": found[0][:60]}))
    return problems


def _foreign_keys(conn: sqlite3.Connection) -> list[Problem]:
    counts: dict[tuple[str, str], int] = {}
    for table, _rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check"):
        if (table, parent) != ("movements", "letters"):  # reported as orphans below
            counts[table, parent] = counts.get((table, parent), 0) + 1
    return [Problem("foreign_key", N_("{count} rows of {table} refer to {parent} rows that do not exist."),
                    {"count": n, "table": table, "parent": parent})
            for (table, parent), n in sorted(counts.items())]


def _orphan_movements(conn: sqlite3.Connection) -> list[Problem]:
    n = conn.execute("SELECT count(*) FROM movements m WHERE NOT EXISTS"
                     " (SELECT 1 FROM letters l WHERE l.id = m.letter_id)").fetchone()[0]
    return [Problem("orphan_movements", N_("{count} movements belong to no letter."), {"count": n})] if n else []


def _executors_elsewhere(conn: sqlite3.Connection) -> list[Problem]:
    where = ("FROM letters l JOIN executors e ON e.id = l.executor_id"
             " WHERE l.unit_id IS NOT e.unit_id")
    n = conn.execute(f"SELECT count(*) {where}").fetchone()[0]
    if not n:
        return []
    examples = conn.execute(f"SELECT l.agency_code, l.reg_no, l.reg_date {where} ORDER BY l.id"
                            f" LIMIT {EXAMPLES}").fetchall()
    return [Problem("executor_unit",
                    N_("{count} letters have an executor who does not work in their unit, e.g. {examples}."),
                    {"count": n, "examples": _letters(examples)})]


UNKNOWN_STATUS = {
    "letters": N_("{count} letters have the unknown status “{status}”."),
    "movements": N_("{count} movements have the unknown status “{status}”."),
}


def _unknown_statuses(conn: sqlite3.Connection) -> list[Problem]:
    known = ", ".join("?" * len(STATUSES))
    problems = []
    for table, message in UNKNOWN_STATUS.items():
        for status, n in conn.execute(f"SELECT status, count(*) FROM {table} WHERE status NOT IN"
                                      f" ({known}) GROUP BY status ORDER BY status", STATUSES):
            problems.append(Problem("unknown_status", message, {"count": n, "status": str(status)}))
    return problems


def _calendar_kinds(conn: sqlite3.Connection) -> list[Problem]:
    # date(x) alone accepts 30 February; with a modifier SQLite normalizes it, exposing the lie.
    n = conn.execute("SELECT count(*) FROM calendar WHERE kind NOT IN ('workday', 'holiday')"
                     " OR date(date, '+0 days') IS NOT date").fetchone()[0]
    return [Problem("calendar", N_("{count} calendar days are not a date marked workday or holiday."),
                    {"count": n})] if n else []


def _terminal_checks(conn: sqlite3.Connection) -> list[Problem]:
    from izle.data.audit import verify

    broken = verify(conn)
    if broken is None:
        return []
    return [Problem("audit", N_("The audit log is broken at seq {seq}: {reason}"),
                    {"seq": broken.seq, "reason": broken.reason})]


def _letters(rows: list[tuple]) -> str:
    from izle.data.text import format_date

    return "; ".join(f"{agency} {number} {format_date(day)}" for agency, number, day in rows)
