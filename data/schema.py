"""Schemas of register.db and terminal.db, as forward-only migrations.

The version lives in `PRAGMA user_version`. Each migration is a function of a sqlite-utils
Database and runs in one transaction with the version bump, so a crash never leaves half a schema.
Tables are plain, so sqlite-utils and Datasette open them as they are.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from izle.data.db import connect_write, transaction, user_version
from izle.data.problems import Problem, ProblemError
from izle.data.i18n import N_

Migration = Callable[["sqlite_utils.Database"], None]  # noqa: F821 - imported lazily

# A letter's key without its separators (data/text.py compact_reg_no): a number typed on a
# keypad, 01313073, is found by it. The lookups use this very expression, or SQLite would not
# use the index built on it.
COMPACT_KEY_SQL = "replace(replace(replace(reg_no_key, '-', ''), '/', ''), '.', '')"

# Indexes dropped before bulk loads and rebuilt after (sqlite-utils' advice, and 3x faster).
# A letter is looked up by all three of agency, number and date, so the number, the column
# that tells letters apart, leads the two key indexes (register v5): sorting their keys after
# a bulk load then mostly compares one column, not three (a third less CPU, measured).
LETTER_INDEXES = {
    "letters_key": "CREATE UNIQUE INDEX IF NOT EXISTS letters_key ON letters(reg_no_key, agency_code, reg_date)",
    # "My letters", newest first, 50 at a time: one index range per page, no sort (the rowid
    # ends every index entry, so `ORDER BY reg_date DESC, id DESC` walks it backwards). A
    # query by FIN alone uses it too (register v5 dropped letters_fin, its mere prefix).
    "letters_fin_date": "CREATE INDEX IF NOT EXISTS letters_fin_date ON letters(applicant_fin, reg_date)",
    "letters_compact_key": "CREATE INDEX IF NOT EXISTS letters_compact_key"
                           f" ON letters({COMPACT_KEY_SQL}, agency_code, reg_date)",
}


def _register_v1(db) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["agencies"].create(
        {"code": str, "name_az": str, "name_ru": str, "name_en": str, "parent_code": str,
         "kind": str, "sort": int, "updated_at": str},
        pk="code", not_null={"name_az", "kind"},
    )
    db["units"].create(
        {"id": int, "agency_code": str, "name_az": str, "name_ru": str, "name_en": str,
         "updated_at": str},
        pk="id", not_null={"agency_code", "name_az"},
        foreign_keys=[("agency_code", "agencies", "code")],
    )
    db["executors"].create(
        {"id": int, "unit_id": int, "full_name": str, "phone": str, "updated_at": str},
        pk="id", not_null={"unit_id", "full_name"},
        foreign_keys=[("unit_id", "units", "id")],
    )
    db["letters"].create(
        {"id": int, "agency_code": str, "reg_no": str, "reg_no_key": str, "reg_date": str,
         "channel": str, "applicant_fin": str, "applicant_name": str, "status": str,
         "unit_id": int, "executor_id": int, "due_date": str, "needs_study": int,
         "extended_to": str, "answered_on": str, "forwarded_to": str, "attached_to": str,
         "updated_at": str},
        pk="id", not_null={"agency_code", "reg_no", "reg_no_key", "reg_date", "status"},
        foreign_keys=[("agency_code", "agencies", "code"), ("unit_id", "units", "id"),
                      ("executor_id", "executors", "id")],
    )
    db["movements"].create(
        {"letter_id": int, "seq": int, "at": str, "status": str, "unit_id": int,
         "executor_id": int, "note": str},
        pk=("letter_id", "seq"), not_null={"at", "status"},
        foreign_keys=[("letter_id", "letters", "id"), ("unit_id", "units", "id"),
                      ("executor_id", "executors", "id")],
    )
    db["calendar"].create({"date": str, "kind": str, "note": str}, pk="date", not_null={"kind"})
    for sql in LETTER_INDEXES.values():
        db.execute(sql)
    db.execute("CREATE INDEX IF NOT EXISTS units_agency ON units(agency_code)")
    db.execute("CREATE INDEX IF NOT EXISTS executors_unit ON executors(unit_id)")


# v2: units, executors and the references to them are TEXT, as the agency writes them
# (`01-31`, `E-7`), compared exactly (`01` is not `1`). An integer id of a v1 register becomes
# its decimal text, so every number printed on a form still finds its record.
_V2_TABLES = {
    "units": ({"id": str, "agency_code": str, "name_az": str, "name_ru": str, "name_en": str,
               "updated_at": str},
              dict(pk="id", not_null={"agency_code", "name_az"},
                   foreign_keys=[("agency_code", "agencies", "code")])),
    "executors": ({"id": str, "unit_id": str, "full_name": str, "phone": str, "updated_at": str},
                  dict(pk="id", not_null={"unit_id", "full_name"},
                       foreign_keys=[("unit_id", "units", "id")])),
    "letters": ({"id": int, "agency_code": str, "reg_no": str, "reg_no_key": str,
                 "reg_date": str, "channel": str, "applicant_fin": str, "applicant_name": str,
                 "status": str, "unit_id": str, "executor_id": str, "due_date": str,
                 "needs_study": int, "extended_to": str, "answered_on": str,
                 "forwarded_to": str, "attached_to": str, "updated_at": str},
                dict(pk="id", not_null={"agency_code", "reg_no", "reg_no_key", "reg_date",
                                        "status"},
                     foreign_keys=[("agency_code", "agencies", "code"),
                                   ("unit_id", "units", "id"),
                                   ("executor_id", "executors", "id")])),
    "movements": ({"letter_id": int, "seq": int, "at": str, "status": str, "unit_id": str,
                   "executor_id": str, "note": str},
                  dict(pk=("letter_id", "seq"), not_null={"at", "status"},
                       foreign_keys=[("letter_id", "letters", "id"), ("unit_id", "units", "id"),
                                     ("executor_id", "executors", "id")])),
}


def _register_v2(db) -> None:
    """Rebuild the four tables with TEXT ids (SQLite cannot change a column's type in place);
    `migrate` has foreign keys off meanwhile."""
    for table, (columns, options) in _V2_TABLES.items():
        new = f"{table}_v2"
        db[new].create(columns, **options)
        names = ", ".join(columns)
        db.execute(f"INSERT INTO {new} ({names}) SELECT {names} FROM {table}")
        db.execute(f"DROP TABLE {table}")
        db.execute(f"ALTER TABLE {new} RENAME TO {table}")
    for sql in LETTER_INDEXES.values():
        db.execute(sql)
    db.execute("CREATE INDEX IF NOT EXISTS units_agency ON units(agency_code)")
    db.execute("CREATE INDEX IF NOT EXISTS executors_unit ON executors(unit_id)")


def _terminal_v1(db) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["identities"].create(
        {"user_id": str, "phone": str, "fin": str, "full_name": str, "role": str,
         "pin1_hash": str, "failed_pins": int, "blocked_at": str, "created_at": str,
         "updated_at": str},
        pk="user_id", not_null={"phone", "role", "pin1_hash"},
        defaults={"failed_pins": 0},
    )
    db.execute("CREATE UNIQUE INDEX IF NOT EXISTS identities_phone_user ON identities(phone, user_id)")
    db["audit"].create(
        {"seq": int, "at": str, "terminal": str, "mode": str, "actor": str, "action": str,
         "query": str, "outcome": str, "prev_hash": str, "hash": str},
        pk="seq", not_null={"at", "action", "outcome", "prev_hash", "hash"},
    )


def _terminal_v2(db) -> None:
    """Misses per person over time are counted from the audit log (limits that survive a
    restart): an index makes that a range scan."""
    db.execute("CREATE INDEX IF NOT EXISTS audit_actor_at ON audit(actor, at)")
    # An operator's lookups locked after a sustained burst of misses, until an admin unlocks.
    db["identities"].add_column("lookups_locked_at", str)


def _register_v3(db) -> None:
    """A citizen's letters newest first, a page at a time (LETTER_INDEXES)."""
    db.execute(LETTER_INDEXES["letters_fin_date"])


def _register_v4(db) -> None:
    """A letter number typed without its dashes and slashes is found (LETTER_INDEXES)."""
    db.execute(LETTER_INDEXES["letters_compact_key"])


def _register_v5(db) -> None:
    """A first load of 1M letters within 3x the sqlite3 shell's `.import` (DESIGN §6):
    letters_fin (applicant_fin) goes, a mere prefix of letters_fin_date (applicant_fin,
    reg_date), which answers every query by FIN alone as well; the two key indexes are built
    again with the number first (LETTER_INDEXES)."""
    db.execute("DROP INDEX IF EXISTS letters_fin")
    for name in ("letters_key", "letters_compact_key"):
        db.execute(f"DROP INDEX IF EXISTS {name}")
        db.execute(LETTER_INDEXES[name])


def _terminal_v3(db) -> None:
    """When an administrator last lifted an operator's lookup lock: misses before it no longer
    count towards the next lock (data/desk/)."""
    db["identities"].add_column("lookups_unlocked_at", str)


def _terminal_v4(db) -> None:
    """The audit log made append-only by SQLite itself, with a counter that only goes forward,
    and a head recorded for a log written before heads were kept (data/audit.py)."""
    from izle.data.audit import GUARDS

    db.execute("CREATE TABLE audit_counter (n INTEGER NOT NULL)")
    db.execute("INSERT INTO audit_counter SELECT coalesce(max(seq), 0) FROM audit")
    db.execute("INSERT OR IGNORE INTO meta (key, value) SELECT 'audit_head',"
               " json_object('seq', seq, 'hash', hash) FROM audit ORDER BY seq DESC LIMIT 1")
    for sql in GUARDS.values():
        db.execute(sql)


def _terminal_v5(db) -> None:
    """A calling system's hourly budget of misses through the JSON interface is counted on
    every request: a partial index holds those misses alone (audit.count_api_misses)."""
    db.execute("CREATE INDEX IF NOT EXISTS audit_api_misses ON audit(terminal, at)"
               " WHERE mode = 'api' AND action = 'lookup' AND outcome IN ('miss', 'unverified')")


REGISTER_MIGRATIONS: list[Migration] = [_register_v1, _register_v2, _register_v3, _register_v4,
                                        _register_v5]
TERMINAL_MIGRATIONS: list[Migration] = [_terminal_v1, _terminal_v2, _terminal_v3, _terminal_v4,
                                        _terminal_v5]


class SchemaTooNew(ProblemError, sqlite3.DatabaseError):
    """A file written by a newer İzlə: never downgraded or written by this one. A
    DatabaseError too, so every handler of an unusable file catches it."""

    def __init__(self, path: object, found: int, expected: int) -> None:
        super().__init__(N_("{path} was written by a newer İzlə (schema version {found}; this"
                            " one knows {expected}): nothing was changed. Use that version."),
                         code="schema_too_new", path=str(path), found=found, expected=expected)


def migrate(conn: sqlite3.Connection, migrations: list[Migration], path: object = "") -> int:
    """Bring a database up to the newest version; returns the version reached."""
    current = user_version(conn)
    if current > len(migrations):
        raise SchemaTooNew(path or _file_of(conn), current, len(migrations))
    if current == len(migrations):
        return current
    import sqlite_utils  # only when there is something to do: keeps start-up light

    conn.execute("PRAGMA journal_mode = WAL")
    db = sqlite_utils.Database(conn)
    # A step may rebuild a table others refer to: foreign keys off (only possible outside a
    # transaction). A step copies rows as they are; `izle check` reports any broken reference.
    enforced = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        for version, step in enumerate(migrations[current:], start=current + 1):
            with transaction(conn):
                step(db)
                conn.execute(f"PRAGMA user_version = {version}")
    finally:
        conn.execute(f"PRAGMA foreign_keys = {'ON' if enforced else 'OFF'}")
    return len(migrations)


def _file_of(conn: sqlite3.Connection) -> str:
    return next((row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"), "")


def not_a_file(path: Path) -> Problem | None:
    """Checked before opening: a FIFO would block the open, a folder is no database."""
    if Path(path).exists() and not Path(path).is_file():
        return Problem("not_a_file", N_("{path} is not a regular file: İzlə keeps its data in"
                                        " SQLite files."), {"path": path})
    return None


def terminal_problem(path: Path) -> Problem | None:
    """Why the TUI cannot use terminal.db at `path`, or None (absent: it is created)."""
    from izle.data.db import connect_read_only

    if not Path(path).exists():
        return None
    if problem := not_a_file(path):
        return problem
    try:
        conn = connect_read_only(path)
        try:
            version = user_version(conn)
        finally:
            conn.close()
    except sqlite3.Error as error:
        return Problem("unreadable", N_("{path} cannot be opened: {error}"),
                       {"path": path, "error": error})
    if version > len(TERMINAL_MIGRATIONS):
        return SchemaTooNew(path, version, len(TERMINAL_MIGRATIONS)).problem
    return None


def ensure_register(path: Path) -> None:
    """Create or upgrade register.db at `path`."""
    conn = connect_write(path)
    try:
        migrate(conn, REGISTER_MIGRATIONS)
    finally:
        conn.close()


def ensure_terminal(path: Path) -> None:
    """Create or upgrade terminal.db at `path`."""
    conn = connect_write(path)
    try:
        migrate(conn, TERMINAL_MIGRATIONS)
    finally:
        conn.close()


def register_problem(path: Path) -> Problem | None:
    """Why the TUI cannot open this register, or None.

    Checked before the first screen, so a wrong file gets a sentence instead of a traceback.
    """
    from izle.data.db import connect_read_only

    if problem := not_a_file(path):
        return problem
    try:
        conn = connect_read_only(path)
        try:
            version = user_version(conn)
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error as error:
        return Problem("unreadable", N_("{path} cannot be opened: {error}"),
                       {"path": path, "error": error})
    values = {"path": path, "found": version, "expected": len(REGISTER_MIGRATIONS)}
    if 0 < version < len(REGISTER_MIGRATIONS):  # ours, older: the TUI reads, never upgrades
        return Problem("older", N_("{path} has schema version {found}; this program expects {expected}."
                                   " Upgrade it with: izle upgrade --db {path}"), values)
    if version != len(REGISTER_MIGRATIONS):
        return Problem("schema_version",
                       N_("{path} has schema version {found}; this program expects {expected}."), values)
    if missing := sorted(REGISTER_TABLES - tables):
        return Problem("missing_table", N_("{path} is not a whole register: the table {table} is missing."),
                       {"path": path, "table": missing[0]})
    return None


REGISTER_TABLES = frozenset({"meta", "agencies", "units", "executors", "letters", "movements",
                             "calendar"})
