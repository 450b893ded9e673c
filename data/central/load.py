"""`izle central import`: the same files, validation and report as `izle import`, into PostgreSQL.

The seam to the importer is one function, `data.importer.import_file`: the file is imported
into a scratch SQLite register that holds a copy of the central rows it may refer to (and of the
rows it may change), so every row is judged exactly as `izle import` judges it. What the file
changed in the scratch copy is then sent with COPY into a staging table and merged in one
PostgreSQL transaction; a row is written only when a value differs, so the same file twice
changes nothing (and moves no change position: terminals fetch nothing new).
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from izle.data.central.connection import CentralError, central_driver, connect, failure
from izle.data.central.schema import TABLES, require_current
from izle.data.i18n import N_

# What each kind of file writes, and which central tables its rows may refer to.
TARGET = {"agencies": "agencies", "units": "units", "executors": "executors",
          "letters": "letters", "movements": "movements", "calendar": "calendar"}
REFERS_TO = {
    "agencies": ("agencies",),
    "units": ("agencies", "units"),
    "executors": ("agencies", "units", "executors"),
    "letters": ("agencies", "units", "executors"),  # letters: merged by their natural key
    "movements": ("agencies", "units", "executors", "letters", "movements"),
    "calendar": ("calendar",),
}
NATURAL_KEY = {"letters": ("agency_code", "reg_no_key", "reg_date")}
NOT_COMPARED = {"updated_at", "id"}  # a new stamp or a scratch id alone is no change
KINDS = tuple(TARGET)


def central_import(url: str, path: Path, kind: str, *, strict: bool = False,
                   dry_run: bool = False, progress: Callable | None = None,
                   today: date | None = None):
    """Import one file into the central register; returns the importer's ImportResult with
    added/updated/unchanged counted on the central side. Raises the importer's FileProblem
    for an unreadable file and CentralError when the centre cannot be used."""
    from izle.data.importer import import_file

    if kind not in TARGET:
        raise CentralError(N_("{kind} are not kept in the central register; use `izle import`."),
                           kind=kind)
    conn = connect(url)
    try:
        require_current(conn)
        with tempfile.TemporaryDirectory(prefix="izle-central-") as folder:
            scratch = Path(folder) / "register.db"
            _seed(conn, scratch, REFERS_TO[kind])
            result = import_file(scratch, Path(path), kind, strict=strict, progress=progress,
                                 public_holidays=False,
                                 today=today)
            if result.committed:
                _merge(conn, scratch, TARGET[kind], result)
        result.dry_run = dry_run
        result.committed = result.committed and not dry_run
        conn.commit() if result.committed else conn.rollback()
        return result
    except _psycopg_error() as error:
        raise failure(error, url) from None
    finally:
        conn.close()


def _psycopg_error() -> type[Exception]:
    psycopg = central_driver()

    return psycopg.Error


# --- the scratch register ---------------------------------------------------------------------

def _seed(conn, scratch: Path, tables: tuple[str, ...]) -> None:
    """A scratch register holding the central rows of `tables`, and a `seed_` copy of each to
    tell afterwards what the import changed."""
    from izle.data.db import connect_write
    from izle.data.schema import ensure_register

    ensure_register(scratch)
    lite = connect_write(scratch)
    try:
        lite.execute("PRAGMA foreign_keys = OFF")  # the centre's rows are consistent already
        lite.execute("BEGIN")
        for table in tables:
            columns = _shared_columns(lite, table)
            marks = ", ".join("?" * len(columns))
            with conn.cursor(name=f"seed_{table}") as cur:  # server side: flat memory
                cur.itersize = 20_000
                cur.execute(f"SELECT {', '.join(columns)} FROM {table}")
                lite.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", cur)
            lite.execute(f"CREATE TABLE seed_{table} AS SELECT * FROM {table}")
            key = ", ".join(NATURAL_KEY.get(table) or TABLES[table][0])
            lite.execute(f"CREATE INDEX seed_{table}_key ON seed_{table} ({key})")
        lite.execute("COMMIT")
    finally:
        lite.close()


def _shared_columns(lite: sqlite3.Connection, table: str) -> list[str]:
    """The central columns that the local table has too (its schema may be newer or older)."""
    local = {row[1] for row in lite.execute(f"PRAGMA table_info({table})")}
    return [c for c in TABLES[table][1] if c in local]


# --- into PostgreSQL --------------------------------------------------------------------------

def _merge(conn, scratch: Path, table: str, result) -> None:
    """COPY the rows the import changed into a staging table, then upsert them; the counts of
    the result become the central ones."""
    from izle.data.db import connect_read_only

    lite = connect_read_only(scratch)
    try:
        columns = [c for c in _shared_columns(lite, table) if c != "id" or table != "letters"]
        compared = [c for c in columns if c not in NOT_COMPARED]
        has_seed = lite.execute("SELECT 1 FROM sqlite_master WHERE name = ?",
                                (f"seed_{table}",)).fetchone()
        changed = (_changed_rows(table, columns, compared) if has_seed
                   else f"SELECT {', '.join(columns)} FROM {table}")
        conn.execute(f"CREATE TEMP TABLE stage ON COMMIT DROP AS SELECT {', '.join(columns)}"
                     f" FROM {table} WITH NO DATA")
        with conn.cursor().copy(f"COPY stage ({', '.join(columns)}) FROM STDIN") as copy:
            for row in lite.execute(changed):
                copy.write_row(row)
    finally:
        lite.close()
    added, updated = _upsert(conn, table, columns, compared)
    accepted = result.read - result.refused
    result.added, result.updated = added, updated
    result.unchanged = max(0, accepted - added - updated)


def _changed_rows(table: str, columns: list[str], compared: list[str]) -> str:
    """The rows of `table` that are not, value for value, in its seed copy (found by key)."""
    key = NATURAL_KEY.get(table) or TABLES[table][0]
    same = " AND ".join(f"s.{c} IS t.{c}" for c in [*key, *(c for c in compared if c not in key)])
    return (f"SELECT {', '.join('t.' + c for c in columns)} FROM {table} t WHERE NOT EXISTS"
            f" (SELECT 1 FROM seed_{table} s WHERE {same})")


def _upsert(conn, table: str, columns: list[str], compared: list[str]) -> tuple[int, int]:
    """Stage → table; a conflicting row is rewritten only when a value differs."""
    key = NATURAL_KEY.get(table) or TABLES[table][0]
    names = ", ".join(columns)
    sets = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    differs = " OR ".join(f"t.{c} IS DISTINCT FROM excluded.{c}" for c in compared if c not in key)
    sql = (f"WITH m AS (INSERT INTO {table} AS t ({names}) SELECT {names} FROM stage"
           f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {sets} WHERE {differs}"
           f" RETURNING (xmax = 0) AS inserted)"
           " SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM m")
    added, updated = conn.execute(sql).fetchone()
    return added, updated
