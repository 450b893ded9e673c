"""Writing: upserts that touch a row only when a value really changed."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from izle.data.importer.kinds import now_iso
from izle.data.schema import LETTER_INDEXES

SORT_RUN_KIB = 2048  # CREATE INDEX's sorted runs during a bulk load (sorting_in_runs)
TABLES = {
    "agencies": ("agencies", ("code", "name_az", "name_ru", "name_en", "parent_code", "kind", "sort"),
                 ("code",)),
    "units": ("units", ("id", "agency_code", "name_az", "name_ru", "name_en"), ("id",)),
    "executors": ("executors", ("id", "unit_id", "full_name", "phone"), ("id",)),
    "letters": ("letters", ("agency_code", "reg_no", "reg_no_key", "reg_date", "channel",
                            "applicant_fin", "applicant_name", "status", "unit_id", "executor_id",
                            "due_date", "needs_study", "extended_to", "answered_on",
                            "forwarded_to", "attached_to"),
                ("agency_code", "reg_no_key", "reg_date")),
    "calendar": ("calendar", ("date", "kind", "note"), ("date",)),
}
STAMPED = {"agencies", "units", "executors", "letters"}  # tables with updated_at
# Columns a valid row always fills: bound bare, without the CASE that turns '' into NULL
# (work per value: a sixth of a million-letter load when it was a nullif() call, measured).
ALWAYS_SET = {
    "agencies": {"code", "name_az", "kind", "sort"},
    "units": {"id", "agency_code", "name_az"},
    "executors": {"id", "unit_id", "full_name", "phone"},
    "letters": {"agency_code", "reg_no", "reg_no_key", "reg_date", "status", "needs_study"},
    "calendar": {"date", "kind"},
}


def insert_sql(kind: str, rows: int = 1, upsert: bool = True) -> str:
    """INSERT of `rows` rows ('' stored as NULL); an upsert updates a conflicting row only
    when one of its values really changed, so re-importing a file changes nothing.

    Parameters are numbered: ?1 is the time stamp, bound once for all the rows; then the
    rows' values in order."""
    table, columns, key = TABLES[kind]
    stamp = kind in STAMPED
    names = columns + (("updated_at",) if stamp else ())
    width = len(columns)
    bare = [c in ALWAYS_SET[kind] for c in columns]
    values = ", ".join(
        "(" + ", ".join([f"?{2 + r * width + c}" if bare[c] else _null_if_empty(2 + r * width + c)
                         for c in range(width)] + (["?1"] if stamp else [])) + ")"
        for r in range(rows))
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES {values}"
    if not upsert:
        return sql
    data = [c for c in columns if c not in key]
    sets = ", ".join(f"{c} = excluded.{c}" for c in data + (["updated_at"] if stamp else []))
    changed = " OR ".join(f"{c} IS NOT excluded.{c}" for c in data)
    return f"{sql} ON CONFLICT ({', '.join(key)}) DO UPDATE SET {sets} WHERE {changed}"


def _null_if_empty(parameter: int) -> str:
    """nullif(?N, '') without a function call: VDBE comparisons only (a tenth less CPU for
    the INSERTs of a million letters, measured against nullif)."""
    return f"CASE ?{parameter} WHEN '' THEN NULL ELSE ?{parameter} END"


class TableWriter:
    """Writes validated rows of one table in multi-row statements (far fewer round trips).

    `bulk`: the table was empty, so its indexes are dropped, rows are plainly inserted and
    the indexes rebuilt once at the end (a later duplicate of a letter replaces the earlier).
    """

    def __init__(self, conn: sqlite3.Connection, kind: str, bulk: bool = False) -> None:
        self.conn, self.kind, self.bulk = conn, kind, bulk
        self.stamp = now_iso()  # ?1 (unused by the tables without updated_at)
        self.width = len(TABLES[kind][1])
        self.per_statement = max(1, 998 // self.width)  # SQLite's oldest limit: 999 variables
        self.many = insert_sql(kind, self.per_statement, upsert=not bulk)
        self.one = insert_sql(kind, upsert=not bulk)
        self.duplicates = 0
        if bulk:
            for name in LETTER_INDEXES:
                conn.execute(f"DROP INDEX IF EXISTS {name}")

    def write(self, values: list) -> None:
        """Write rows given as their values one after another."""
        stamp, step = [self.stamp], self.per_statement * self.width
        full = len(values) - len(values) % step
        for i in range(0, full, step):
            self.conn.execute(self.many, stamp + values[i:i + step])
        for i in range(full, len(values), self.width):
            self.conn.execute(self.one, stamp + values[i:i + self.width])

    def finish(self) -> None:
        if not self.bulk:
            return
        with sorting_in_runs(self.conn):
            try:
                self.conn.execute(LETTER_INDEXES["letters_key"])
            except sqlite3.IntegrityError:  # the same letter twice in the file: the last one wins
                self.duplicates = self.conn.execute(
                    "DELETE FROM letters WHERE rowid NOT IN (SELECT max(rowid) FROM letters"
                    " GROUP BY agency_code, reg_no_key, reg_date)").rowcount
                self.conn.execute(LETTER_INDEXES["letters_key"])
            for name, sql in LETTER_INDEXES.items():  # every index dropped in __init__ comes back
                if name != "letters_key":
                    self.conn.execute(sql)


@contextmanager
def sorting_in_runs(conn: sqlite3.Connection) -> Iterator[None]:
    """CREATE INDEX hands its keys to SQLite's sorter, which two settings of a bulk load slow
    down: with temporary storage in MEMORY (the importer's, for its statement journals) the
    sorter mallocs every key alone and sorts one list of them all, and with a 256 MB cache it
    sorts runs of that size, far outside the CPU's caches. For the index builds, then:
    temporary storage in files (keys packed in one buffer) and runs of SORT_RUN_KIB, sorted
    inside the caches and merged (letters_fin_date on 1M letters: 1.0 -> 0.6 CPU-seconds,
    benchmarks/import_stages.py). cache_spill keeps the transaction's own pages in memory up
    to the old size, as before. (`PRAGMA threads`, helper threads for the sorter, cost 20 %
    more CPU and no time on a busy 2-CPU machine: left off.)

    The runs wait for their merge in SQLite's temporary folder: without room there for them
    (at most the register's size), nothing changes — slower, never refused."""
    if not _room_for_runs(conn):
        yield
        return
    size, store = (conn.execute(f"PRAGMA {p}").fetchone()[0] for p in ("cache_size", "temp_store"))
    try:
        conn.execute("PRAGMA temp_store = FILE")  # in a transaction only while no temp table is open
    except sqlite3.OperationalError:
        yield
        return
    conn.execute(f"PRAGMA cache_spill = {size}")
    conn.execute(f"PRAGMA cache_size = -{SORT_RUN_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {size}")
        conn.execute(f"PRAGMA temp_store = {store}")


def _room_for_runs(conn: sqlite3.Connection) -> bool:
    folder = sqlite_temp_folder()
    if folder is None:
        return False
    pages, page_size = (conn.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "page_size"))
    return shutil.disk_usage(folder).free > pages * page_size


def sqlite_temp_folder() -> str | None:
    """Where SQLite's unix VFS keeps temporary files: the first writable folder of these."""
    if os.name != "posix":
        import tempfile

        return tempfile.gettempdir()  # what Windows' GetTempPath gives SQLite too
    for folder in (os.environ.get("SQLITE_TMPDIR"), os.environ.get("TMPDIR"), "/var/tmp",
                   "/usr/tmp", "/tmp", "."):
        if folder and os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK):
            return folder
    return None


class MovementWriter:
    """Movements are keyed by (letter, seq) when the file gives seq, else by (letter, at, status)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.added = self.updated = self.unchanged = 0

    def letter_id(self, key: tuple) -> int | None:
        row = self.conn.execute(
            "SELECT id FROM letters WHERE agency_code = ? AND reg_no_key = ? AND reg_date = ?", key
        ).fetchone()
        return row[0] if row else None

    def write(self, values: list) -> None:
        for letter_id, seq, *row in zip(*[iter(values)] * 7):
            self.write_one(letter_id, seq, tuple(v if v != "" else None for v in row))

    def write_one(self, letter_id: int, seq: int | str, new: tuple) -> None:
        conn, (at, status) = self.conn, new[:2]
        if seq == "":
            found = conn.execute("SELECT seq FROM movements WHERE letter_id = ? AND at = ?"
                                 " AND status = ? ORDER BY seq LIMIT 1",
                                 (letter_id, at, status)).fetchone()
            seq = found[0] if found else conn.execute(
                "SELECT ifnull(max(seq), 0) + 1 FROM movements WHERE letter_id = ?", (letter_id,)
            ).fetchone()[0]
        old = conn.execute("SELECT at, status, unit_id, executor_id, note FROM movements"
                           " WHERE letter_id = ? AND seq = ?", (letter_id, seq)).fetchone()
        if old is None:
            conn.execute("INSERT INTO movements (letter_id, seq, at, status, unit_id, executor_id,"
                         " note) VALUES (?, ?, ?, ?, ?, ?, ?)", (letter_id, seq, *new))
            self.added += 1
        elif tuple(old) != new:
            conn.execute("UPDATE movements SET at = ?, status = ?, unit_id = ?, executor_id = ?,"
                         " note = ? WHERE letter_id = ? AND seq = ?", (*new, letter_id, seq))
            self.updated += 1
        else:
            self.unchanged += 1
