"""`izle sync`: bring the local SQLite register up to date from the central register.

The watermark is the xmin of the PostgreSQL snapshot the last sync read (docs/central.md):
every transaction with an id below it had finished when that snapshot was taken, so all of its
rows were seen; any other transaction either was seen too or gets an id ≥ the watermark, so the
next sync, which asks for `change >= watermark`, fetches it. A transaction that began before a
sync and commits after it is therefore never lost, whatever its time stamps say; a row seen
twice is simply written twice (an upsert), which changes nothing.

Everything a sync reads comes from one REPEATABLE READ snapshot (a consistent cut of the
centre), and everything it writes goes into one SQLite transaction together with the new
watermark: a running TUI sees the old register or the new one, a killed sync leaves the old one
and its watermark, and the next run simply starts again from there (resumable, nothing lost).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from pathlib import Path

from izle.data.central.connection import CentralError, connect, failure
from izle.data.central.schema import TABLES, identity, require_current
from izle.data.db import connect_write
from izle.data.schema import LETTER_INDEXES, ensure_register
from izle.data.clock import SystemClock

SOURCE_KEY, WATERMARK_KEY, SYNCED_KEY = "central_source", "central_watermark", "central_synced_at"
FETCH_ROWS = 20_000  # rows per round trip: flat memory, few round trips
Progress = Callable[[int, int], None]  # (rows written, rows to write)


@dataclass
class SyncResult:
    full: bool  # the whole register was copied (first sync, or another centre)
    written: dict[str, int] = field(default_factory=dict)  # table -> rows added or updated
    deleted: int = 0
    watermark: int = 0

    @property
    def rows(self) -> int:
        return sum(self.written.values())


def sync(url: str, register: Path, progress: Progress | None = None) -> SyncResult:
    """Bring `register` up to date from the central register at `url`; CentralError when the
    centre cannot be used (the register is then left exactly as it was)."""
    import psycopg

    ensure_register(register)
    conn = connect(url)
    try:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        lite = connect_write(register)
        try:
            return _sync(conn, lite, progress)
        finally:
            lite.close()
    except psycopg.Error as error:
        raise failure(error, url) from None
    finally:
        conn.close()


def _sync(conn, lite: sqlite3.Connection, progress: Progress | None) -> SyncResult:
    require_current(conn)  # the first query: it fixes the snapshot everything below reads
    xmin = conn.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text").fetchone()[0]
    source = identity(conn)
    known = dict(lite.execute("SELECT key, value FROM meta WHERE key IN (?, ?)",
                              (SOURCE_KEY, WATERMARK_KEY)).fetchall())
    since = int(known[WATERMARK_KEY]) if known.get(SOURCE_KEY) == source and \
        known.get(WATERMARK_KEY) else None
    result = SyncResult(full=since is None, watermark=int(xmin))
    total = _count(conn, since) if progress else 0
    _tune(lite)
    lite.execute("BEGIN IMMEDIATE")
    try:
        _apply(conn, lite, since, result, progress, total)
        _remember(lite, source, xmin)
    except BaseException:
        lite.execute("ROLLBACK")
        raise
    lite.execute("COMMIT")
    conn.commit()
    return result


def _tune(lite: sqlite3.Connection) -> None:
    # The centre's rows are consistent (it has the foreign keys), and the cut is one snapshot:
    # checking them again here would only cost. `izle check` still verifies them.
    lite.execute("PRAGMA foreign_keys = OFF")
    lite.execute("PRAGMA cache_size = -262144")
    lite.execute("PRAGMA synchronous = NORMAL")


def _apply(conn, lite, since: int | None, result: SyncResult, progress, total: int) -> None:
    if since is None:
        _clear(lite)
    else:
        result.deleted = _delete_tombstoned(conn, lite, since)
    done = 0
    for table in TABLES:
        columns = _shared_columns(lite, table)
        n = _copy_rows(conn, lite, table, columns, since, lambda k: progress and progress(done + k, total))
        result.written[table] = n
        done += n
    if since is None:
        for sql in LETTER_INDEXES.values():
            lite.execute(sql)


def _clear(lite: sqlite3.Connection) -> None:
    """A full copy replaces the whole register (e.g. a demo one, or another centre's)."""
    for name in LETTER_INDEXES:  # rebuilt once after the rows: a sort beats random inserts
        lite.execute(f"DROP INDEX IF EXISTS {name}")
    for table in reversed(TABLES):
        lite.execute(f"DELETE FROM {table}")


def _delete_tombstoned(conn, lite: sqlite3.Connection, since: int) -> int:
    """Rows deleted centrally since the watermark. Applied before the upserts: a row deleted
    and then written again in the same window arrives again just after."""
    deleted = 0
    rows = conn.execute('SELECT "table", key FROM tombstones WHERE change >= %s::text::xid8'
                        " ORDER BY change", (str(since),))
    for table, key in rows:
        if table not in TABLES:
            continue
        where = " AND ".join(f"{c} = ?" for c in TABLES[table][0])
        deleted += lite.execute(f"DELETE FROM {table} WHERE {where}", _local_key(table, key)).rowcount
    return deleted


def _local_key(table: str, key: list[str]) -> list:
    """Tombstone keys are text; letters' ids and movements' seq are integers locally."""
    numeric = {"letters": (0,), "movements": (0, 1)}.get(table, ())
    return [int(v) if i in numeric else v for i, v in enumerate(key)]


def _copy_rows(conn, lite, table: str, columns: list[str], since: int | None,
               tick: Callable[[int], object]) -> int:
    """Rows of `table` changed since the watermark (all of them without one), upserted."""
    sql = f"SELECT {', '.join(columns)} FROM {table}"
    params: tuple = ()
    if since is not None:
        sql += " WHERE change >= %s::text::xid8"
        params = (str(since),)
    insert = (f"INSERT OR REPLACE INTO {table} ({', '.join(columns)})"
              f" VALUES ({', '.join('?' * len(columns))})")
    n = 0
    with conn.cursor(name=f"sync_{table}") as cur:  # server side: memory stays flat
        cur.itersize = FETCH_ROWS
        cur.execute(sql, params)
        while rows := cur.fetchmany(FETCH_ROWS):
            lite.executemany(insert, rows)
            n += len(rows)
            tick(n)
    return n


def _count(conn, since: int | None) -> int:
    """Rows this sync will write, for a progress bar (one query per table)."""
    where, params = ("WHERE change >= %s::text::xid8", (str(since),)) if since is not None else ("", ())
    return sum(conn.execute(f"SELECT count(*) FROM {t} {where}", params).fetchone()[0]
               for t in TABLES)


def _shared_columns(lite: sqlite3.Connection, table: str) -> list[str]:
    """The central columns that the local table has too (its schema may be newer or older)."""
    local = {row[1] for row in lite.execute(f"PRAGMA table_info({table})")}
    return [c for c in TABLES[table][1] if c in local]


def _remember(lite: sqlite3.Connection, source: str, xmin: str) -> None:
    stamp = SystemClock().now().isoformat(timespec="seconds")
    lite.executemany("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key)"
                     " DO UPDATE SET value = excluded.value",
                     [(SOURCE_KEY, source), (WATERMARK_KEY, xmin), (SYNCED_KEY, stamp)])


__all__ = ["CentralError", "SyncResult", "sync"]
