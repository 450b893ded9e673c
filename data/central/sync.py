"""`izle sync`: make the local SQLite register equal to one committed state of the centre.

Everything a sync reads comes from one REPEATABLE READ snapshot S of the centre, and the
register it leaves equals S exactly (docs/central.md argues each case):

- The watermark is the whole snapshot: its `xmax` and its `xip` list (the transactions still
  running when S was taken). A row whose writer T is below xmax and not in xip was, in S, the
  version T wrote; any later writer is also its `change`, and is in xip or ≥ xmax. So the next
  sync fetches `change >= xmax OR change = ANY(xip)` and misses nothing, and a transaction held
  open for hours costs each sync only its own rows, once it commits.
- A tombstone deletes a key only when that key is absent from the same snapshot (an anti-join
  in the query), so a delete followed by a re-insert from an older transaction cannot remove a
  live row, and the order of deletes and upserts no longer matters.
- A full copy (first sync, another centre, a restored centre, a TRUNCATE, pruned tombstones)
  is written into a new file beside the register and renamed over it only when complete.
- A delta is one SQLite transaction with the new watermark: a killed sync leaves the old
  register and its watermark. One sync of a register runs at a time (a lock on its folder).

Before committing locally, the sync records a random token at the centre (a SECURITY DEFINER
function, so a read-only role may call it). A terminal whose token the centre no longer holds
is looking at a centre restored from a backup taken before that sync: it copies afresh.
"""

from __future__ import annotations

import os
import random
import socket
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from izle.data.central.connection import CentralError, central_driver, connect_patiently, failure
from izle.data.central.schema import MIGRATIONS, TABLES, capture_triggers, require_current
from izle.data.clock import Clock, SystemClock, system_random
from izle.data.db import connect_write, fsync_path, remove_sqlite_files
from izle.data.guard import take_in_real_data
from izle.data.schema import LETTER_INDEXES, ensure_register
from izle.data.i18n import N_

SOURCE_KEY, SYNCED_KEY = "central_source", "central_synced_at"
XMAX_KEY, XIP_KEY, TOKEN_KEY, CLUSTER_KEY = ("central_xmax", "central_xip", "central_token",
                                             "central_cluster")
SYNC_KEYS = (SOURCE_KEY, SYNCED_KEY, XMAX_KEY, XIP_KEY, TOKEN_KEY, CLUSTER_KEY)
FETCH_ROWS = 20_000  # rows per round trip: flat memory, few round trips
NEW_SUFFIX = ".sync-new"  # the full copy being written, beside the register
Progress = Callable[[int, int], None]  # (rows written, rows to write)
SnapshotHook = Callable[[object], None]  # called with the connection, inside the snapshot

# Why a sync copied everything (msgids; the CLI says the reason in one line).
FIRST = N_("first sync from this central register")
OTHER_CENTRE = N_("this register was last synced from another central register")
OLD_RECORD = N_("the last sync was recorded by an older version of izle")
OTHER_CLUSTER = N_("the central register now runs on another PostgreSQL cluster or timeline")
XIDS_BACK = N_("the centre's transaction ids went back: it was restored from a backup")
TOKEN_GONE = N_("the centre no longer holds this terminal's last sync: it was restored from "
                "a backup")
TRUNCATED = N_("the table {table} was emptied at the centre by TRUNCATE")
PRUNED = N_("the centre pruned deletions this terminal had not fetched yet")

# Key columns that are integers locally (tombstone keys are text).
_INTEGER_KEYS = {("letters", "id"): "bigint", ("movements", "letter_id"): "bigint",
                 ("movements", "seq"): "integer"}


@dataclass(frozen=True)
class Watermark:
    """What a snapshot had seen: every transaction below `xmax` except those in `xip`."""
    xmax: int
    xip: tuple[int, ...] = ()

    @classmethod
    def of(cls, snapshot: str) -> "Watermark":
        """From PostgreSQL's text form `xmin:xmax:xip,xip,…`."""
        _xmin, xmax, xip = snapshot.split(":")
        return cls(int(xmax), tuple(int(x) for x in xip.split(",") if x))

    @property
    def horizon(self) -> int:
        """The oldest transaction whose rows the next sync may still fetch."""
        return min((*self.xip, self.xmax))

    def unseen(self) -> tuple[str, tuple]:
        """SQL (on `change`) selecting what a transaction this snapshot did not see wrote."""
        return ("(change >= %s::text::xid8 OR change = ANY(%s::text::xid8[]))",
                (str(self.xmax), "{" + ",".join(map(str, self.xip)) + "}"))


@dataclass
class SyncResult:
    full: bool  # the whole register was copied afresh
    reason: str | None = None  # why (a msgid with `{table}` maybe), when full
    params: dict[str, str] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)  # table -> rows added or updated
    deleted: int = 0
    watermark: int = 0  # the xmax of the snapshot read
    terminal: str = ""

    @property
    def rows(self) -> int:
        return sum(self.written.values())


@dataclass
class _Centre:
    """What the snapshot says about the centre itself."""
    source: str
    cluster: str
    mark: Watermark
    snapshot: str
    pruned_to: int | None


def sync(url: str, register: Path, progress: Progress | None = None, *,
         terminal: str | None = None, rng: random.Random | None = None,
         on_snapshot: SnapshotHook | None = None, clock: Clock | None = None,
         jitter_s: float = 0) -> SyncResult:
    """Make `register` equal to the centre at `url` as one snapshot shows it; CentralError when
    the centre cannot be used (the register is then left exactly as it was, or not created).

    `terminal` names this terminal's sync record at the centre (default: the host name);
    `on_snapshot` is called inside the sync's snapshot, before anything is written. It first
    waits a random time up to `jitter_s`, and tries a centre that is full or starting again
    with growing random waits (connection.connect_patiently)."""
    psycopg = central_driver()

    register = Path(register)
    name = terminal or socket.gethostname()
    rng = rng or system_random()
    token = rng.getrandbits(128).to_bytes(16, "big").hex()
    with _only_sync(register):
        conn = connect_patiently(url, clock=clock or SystemClock(), rng=rng, jitter_s=jitter_s)
        try:
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            centre = _read_centre(conn)
            local = _local_record(register)
            reason, params = _full_copy_reason(conn, centre, local, name)
            if on_snapshot is not None:
                on_snapshot(conn)
            result = SyncResult(full=reason is not None, reason=reason, params=params,
                                watermark=centre.mark.xmax, terminal=name)
            record = _Record(conn, name, token, centre)
            if reason is None:
                _delta(conn, register, _stored_mark(local), result, progress, record)
            else:
                _full_copy(conn, register, result, progress, record)
            return result
        except psycopg.Error as error:
            raise failure(error, url) from None
        finally:
            conn.close()


@contextmanager
def _only_sync(register: Path) -> Iterator[None]:
    """One sync of a register at a time: two would each apply their own snapshot over the
    other's. The lock is on the register's folder (no file is left behind), and dies with
    the process that holds it."""
    import fcntl

    register.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(register.parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CentralError(N_("Another sync of {path} is running; this one changed "
                                  "nothing."), path=str(register)) from None
        yield
    finally:
        os.close(fd)


# --- what the centre and the register say --------------------------------------------------

def _read_centre(conn) -> _Centre:
    require_current(conn)  # the first query: it fixes the snapshot everything below reads
    snapshot, source, pruned, cluster = conn.execute(
        "SELECT pg_current_snapshot()::text, (SELECT id FROM izle_identity),"
        " (SELECT max(horizon)::text FROM izle_prunes), " + _CLUSTER).fetchone()
    _require_capture(conn)
    return _Centre(source, cluster or "", Watermark.of(snapshot), snapshot,
                   int(pruned) if pruned else None)


# The cluster's system identifier and timeline; NULL where this role may not read them (the
# functions are executable by every role on PostgreSQL 15 unless an administrator revoked it).
_CLUSTER = """CASE WHEN has_function_privilege('pg_control_system()', 'EXECUTE')
 AND has_function_privilege('pg_control_checkpoint()', 'EXECUTE')
 THEN (SELECT system_identifier FROM pg_control_system())::text || '/'
 || (SELECT timeline_id FROM pg_control_checkpoint()) END"""


def _require_capture(conn) -> None:
    """A centre whose capture triggers are off would lose rows silently: refuse to sync."""
    wanted = capture_triggers()
    found = dict(conn.execute(
        "SELECT t.tgname, t.tgenabled FROM pg_trigger t WHERE t.tgname = ANY(%s)"
        " AND t.tgrelid = to_regclass(split_part(t.tgname, '_', 1))", (list(wanted),)).fetchall())
    for trigger, table in wanted.items():
        state = found.get(trigger)
        if state is None:
            raise CentralError(N_("The central register's change capture is incomplete: the "
                                  "trigger {trigger} on {table} is missing, so a sync could miss "
                                  "changes (run `izle central init URL`)."),
                               trigger=trigger, table=table)
        if state != "A":
            raise CentralError(N_("The central register's change capture is off: the trigger "
                                  "{trigger} on {table} does not fire always, so a sync could "
                                  "miss changes. Run: ALTER TABLE {table} ENABLE ALWAYS TRIGGER "
                                  "{trigger}"), trigger=trigger, table=table)


def _local_record(register: Path) -> dict[str, str]:
    """The register's record of its last sync ({} when there is no readable register)."""
    if not register.is_file():
        return {}
    try:
        conn = sqlite3.connect(f"{register.resolve().as_uri()}?mode=ro", uri=True)
        try:
            marks = ", ".join("?" * len(SYNC_KEYS))
            return dict(conn.execute(f"SELECT key, value FROM meta WHERE key IN ({marks})",
                                     SYNC_KEYS).fetchall())
        finally:
            conn.close()
    except sqlite3.Error:
        return {}


def _full_copy_reason(conn, centre: _Centre, local: dict[str, str],
                      name: str) -> tuple[str | None, dict[str, str]]:
    """Why the register cannot be brought up to date by a delta, or (None, {})."""
    if local.get(SOURCE_KEY) is None:
        return FIRST, {}
    if local[SOURCE_KEY] != centre.source:
        return OTHER_CENTRE, {}
    if not local.get(XMAX_KEY) or not local.get(TOKEN_KEY):
        return OLD_RECORD, {}
    if centre.cluster and local.get(CLUSTER_KEY) and local[CLUSTER_KEY] != centre.cluster:
        return OTHER_CLUSTER, {}
    mark = _stored_mark(local)
    if centre.mark.xmax < mark.xmax:
        return XIDS_BACK, {}
    where, params = mark.unseen()
    held, emptied = conn.execute(f'SELECT izle_sync_token(%s), (SELECT "table" FROM truncations'
                                 f" WHERE {where} ORDER BY change LIMIT 1)",
                                 (name, *params)).fetchone()
    if held != local[TOKEN_KEY]:
        return TOKEN_GONE, {}
    if centre.pruned_to is not None and mark.horizon < centre.pruned_to:
        return PRUNED, {}
    if emptied:
        return TRUNCATED, {"table": emptied}
    return None, {}


def _stored_mark(local: dict[str, str]) -> Watermark:
    xip = tuple(int(x) for x in local.get(XIP_KEY, "").split(",") if x)
    return Watermark(int(local[XMAX_KEY]), xip)


# --- recording the sync at the centre ------------------------------------------------------

@dataclass
class _Record:
    conn: object
    terminal: str
    token: str
    centre: _Centre

    def at_centre(self) -> None:
        """Ends the snapshot, then records this sync's token (the local commit comes after:
        if it fails, the next sync finds tokens that differ and copies afresh — safe)."""
        psycopg = central_driver()

        conn = self.conn
        conn.commit()
        conn.read_only = False  # two syncs under one name: the later simply wins
        conn.isolation_level = psycopg.IsolationLevel.READ_COMMITTED
        mark = self.centre.mark
        conn.execute("SELECT izle_record_sync(%s, %s, %s::text::xid8, %s::text::xid8, %s, %s)",
                     (self.terminal, self.token, str(mark.horizon), str(mark.xmax),
                      _program_version(), len(MIGRATIONS)))
        conn.commit()

    def meta(self) -> list[tuple[str, str]]:
        centre = self.centre
        return [(SOURCE_KEY, centre.source), (XMAX_KEY, str(centre.mark.xmax)),
                (XIP_KEY, ",".join(map(str, centre.mark.xip))), (TOKEN_KEY, self.token),
                (CLUSTER_KEY, centre.cluster),
                (SYNCED_KEY, SystemClock().now().isoformat(timespec="seconds"))]


def _program_version() -> str:
    from izle import __version__

    return __version__


def _remember(lite: sqlite3.Connection, record: _Record) -> None:
    lite.executemany("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key)"
                     " DO UPDATE SET value = excluded.value", record.meta())
    take_in_real_data(lite, "synced")  # no demo's hints survive, and the kind says so


# --- a delta: one SQLite transaction ---------------------------------------------------------

def _delta(conn, register: Path, since: Watermark, result: SyncResult, progress,
           record: _Record) -> None:
    total = _count(conn, since) if progress else 0
    ensure_register(register)  # an older local schema is upgraded first
    lite = connect_write(register)
    try:
        _tune(lite)
        lite.execute("BEGIN IMMEDIATE")
        try:
            result.deleted = _delete_absent(conn, lite, since)
            _copy_tables(conn, lite, since, result, progress, total)
            _remember(lite, record)
            record.at_centre()
        except BaseException:
            lite.execute("ROLLBACK")
            raise
        lite.execute("COMMIT")
    finally:
        lite.close()


def _tune(lite: sqlite3.Connection) -> None:
    # The centre's rows are consistent (it has the foreign keys), and the cut is one snapshot:
    # checking them again here would only cost. `izle check` still verifies them.
    lite.execute("PRAGMA foreign_keys = OFF")
    lite.execute("PRAGMA cache_size = -262144")
    lite.execute("PRAGMA synchronous = NORMAL")


def _delete_absent(conn, lite: sqlite3.Connection, since: Watermark) -> int:
    """Keys tombstoned by a transaction the last sync did not see, and absent from this
    snapshot: a key written again (by any transaction, older or newer) is not deleted.
    One query for every table (an anti-join each), in one round trip."""
    where, params = since.unseen()
    parts, args = [], []
    for table, (key, _columns) in TABLES.items():
        match = " AND ".join(f"x.{col} = t.key[{i}]{_cast(table, col)}"
                             for i, col in enumerate(key, start=1))
        parts.append(f'SELECT DISTINCT t."table", t.key FROM tombstones t WHERE t."table" = %s'
                     f" AND {where} AND NOT EXISTS (SELECT 1 FROM {table} x WHERE {match})")
        args += [table, *params]
    deleted = 0
    for table, values in conn.execute(" UNION ALL ".join(parts), args).fetchall():
        local = " AND ".join(f"{c} = ?" for c in TABLES[table][0])
        deleted += lite.execute(f"DELETE FROM {table} WHERE {local}",
                                _local_key(table, values)).rowcount
    return deleted


def _cast(table: str, column: str) -> str:
    kind = _INTEGER_KEYS.get((table, column))
    return f"::{kind}" if kind else ""


def _local_key(table: str, key: list[str]) -> list:
    """Tombstone keys are text; letters' ids and movements' seq are integers locally."""
    return [int(v) if (table, col) in _INTEGER_KEYS else v
            for col, v in zip(TABLES[table][0], key)]


def _copy_tables(conn, lite, since: Watermark | None, result: SyncResult, progress,
                 total: int) -> None:
    done = 0
    for table in TABLES:
        columns = _shared_columns(lite, table)
        n = _copy_rows(conn, lite, table, columns, since,
                       lambda k: progress and progress(done + k, total))
        result.written[table] = n
        done += n


def _copy_rows(conn, lite, table: str, columns: list[str], since: Watermark | None,
               tick: Callable[[int], object]) -> int:
    """Rows of `table` written by transactions the last sync did not see (all without one)."""
    sql = f"SELECT {', '.join(columns)} FROM {table}"
    params: tuple = ()
    if since is not None:
        where, params = since.unseen()
        sql += f" WHERE {where}"
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


def _count(conn, since: Watermark | None) -> int:
    """Rows this sync will write, for a progress bar (one query per table)."""
    where, params = since.unseen() if since is not None else ("true", ())
    return sum(conn.execute(f"SELECT count(*) FROM {t} WHERE {where}", params).fetchone()[0]
               for t in TABLES)


def _shared_columns(lite: sqlite3.Connection, table: str) -> list[str]:
    """The central columns that the local table has too (its schema may be newer or older)."""
    local = {row[1] for row in lite.execute(f"PRAGMA table_info({table})")}
    return [c for c in TABLES[table][1] if c in local]


# --- a full copy: a new file, renamed over the register when complete -----------------------

def _full_copy(conn, register: Path, result: SyncResult, progress, record: _Record) -> None:
    fresh = register.with_name(register.name + NEW_SUFFIX)
    remove_sqlite_files(fresh)  # what a killed full copy left
    try:
        _build(conn, fresh, result, progress, record)
        record.at_centre()
        fsync_path(fresh)
        remove_sqlite_files(register, main=False)  # a stale -wal must never be replayed onto the new file
        os.replace(fresh, register)
        fsync_path(register.parent)
    except BaseException:
        remove_sqlite_files(fresh)
        raise


def _build(conn, fresh: Path, result: SyncResult, progress, record: _Record) -> None:
    ensure_register(fresh)
    lite = connect_write(fresh)
    try:
        # A file nobody reads yet: no journal, no fsync until it is complete.
        _tune(lite)
        lite.execute("PRAGMA journal_mode = OFF")
        lite.execute("PRAGMA synchronous = OFF")
        lite.execute("BEGIN")
        for name in LETTER_INDEXES:  # rebuilt once after the rows: a sort beats random inserts
            lite.execute(f"DROP INDEX IF EXISTS {name}")
        total = _count(conn, None) if progress else 0
        _copy_tables(conn, lite, None, result, progress, total)
        for sql in LETTER_INDEXES.values():
            lite.execute(sql)
        _remember(lite, record)
        lite.execute("COMMIT")
        lite.execute("PRAGMA journal_mode = WAL")  # what readers of the register expect
    finally:
        lite.close()


__all__ = ["CentralError", "SyncResult", "Watermark", "sync"]
