"""`izle central prune` and `izle central status`: the centre's sync bookkeeping, kept small
and in view.

Pruning deletes tombstones and truncation records below the oldest horizon of the terminals
that synced within the window (a terminal's horizon: the oldest transaction its next sync may
still fetch). It records that horizon: a terminal whose own horizon is below it (one that did
not sync within the window) gets a full copy at its next sync, never a gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from izle.data.central.connection import central_driver, connect, failure
from izle.data.central.schema import MIGRATIONS, current_version, require_current

KEEP_DAYS = 30
LONG_OPEN_S = 60  # a writing transaction open longer than this is named by `status`


@dataclass(frozen=True)
class Pruned:
    horizon: int
    tombstones: int
    truncations: int


def prune(url: str, keep_days: int = KEEP_DAYS) -> Pruned:
    """Delete what every terminal that synced in the last `keep_days` days has fetched."""
    psycopg = central_driver()

    conn = connect(url, autocommit=True)
    try:
        require_current(conn)
        with conn.transaction():
            # One prune at a time.
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('izle_prune'))")
            # A transaction running now began before the snapshot of every terminal's last
            # sync (its id is in that snapshot's xip, so ≥ the horizon) or after it: its
            # tombstones are never below the horizon. Without recent terminals: the xmin.
            horizon = conn.execute(
                "SELECT coalesce((SELECT min(horizon) FROM terminal_syncs WHERE synced_at >="
                " now() - make_interval(days => %s)), pg_snapshot_xmin(pg_current_snapshot()))"
                "::text", (keep_days,)).fetchone()[0]
            tombstones = conn.execute("DELETE FROM tombstones WHERE change < %s::text::xid8",
                                      (horizon,)).rowcount
            truncations = conn.execute("DELETE FROM truncations WHERE change < %s::text::xid8",
                                       (horizon,)).rowcount
            conn.execute("INSERT INTO izle_prunes (horizon) VALUES (%s::text::xid8)", (horizon,))
        return Pruned(int(horizon), tombstones, truncations)
    except psycopg.Error as error:
        raise failure(error, url) from None
    finally:
        conn.close()


@dataclass(frozen=True)
class TerminalState:
    name: str
    synced_at: str
    behind: int  # transactions begun at the centre since its last sync's snapshot
    program_version: str


@dataclass(frozen=True)
class OpenTransaction:
    pid: int
    database: str
    user: str
    application: str
    seconds: int
    xid: str


@dataclass
class Status:
    schema_version: int
    expected_version: int
    tombstones: int = 0
    truncations: int = 0
    pruned_to: str | None = None
    terminals: list[TerminalState] = field(default_factory=list)
    long_open: list[OpenTransaction] = field(default_factory=list)


def status(url: str, long_open_s: int = LONG_OPEN_S) -> Status:
    """The centre's schema, each terminal's last sync and how far behind it is, the sync
    bookkeeping's size, and the writing transactions open long enough to hold terminals back
    (what they wrote reaches no terminal until they end, and pruning waits for them)."""
    psycopg = central_driver()

    conn = connect(url, autocommit=True)
    try:
        found = Status(current_version(conn), len(MIGRATIONS))
        if found.schema_version != found.expected_version:
            return found
        found.tombstones, found.truncations, found.pruned_to = conn.execute(
            "SELECT (SELECT count(*) FROM tombstones), (SELECT count(*) FROM truncations),"
            " (SELECT max(horizon)::text FROM izle_prunes)").fetchone()
        found.terminals = [TerminalState(*row) for row in conn.execute(
            "SELECT terminal, to_char(synced_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),"
            " (pg_snapshot_xmax(pg_current_snapshot())::text::numeric"
            "  - snapshot_xmax::text::numeric)::bigint, coalesce(program_version, '')"
            " FROM terminal_syncs ORDER BY terminal")]
        found.long_open = [OpenTransaction(*row) for row in conn.execute(
            "SELECT pid, coalesce(datname, ''), coalesce(usename, ''),"
            " coalesce(application_name, ''),"
            " extract(epoch FROM now() - xact_start)::bigint, backend_xid::text"
            " FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
            " AND now() - xact_start >= make_interval(secs => %s) ORDER BY xact_start",
            (long_open_s,))]
        return found
    except psycopg.Error as error:
        raise failure(error, url) from None
    finally:
        conn.close()


def refresh_holidays(url: str, years: range) -> int:
    """Azerbaijan's public holidays of `years` into the centre's calendar, which every terminal
    copies (the centre's calendar wins over a terminal's own). As `izle calendar refresh` does
    locally: generated rows of these years are replaced, a day the administrator set is never
    overwritten; an unchanged holiday is not rewritten (terminals fetch nothing for it).
    Returns the number of generated rows written."""
    psycopg = central_driver()

    from izle.data.deadlines import PUBLIC_SOURCE, public_holiday_rows

    rows = public_holiday_rows(years)
    first, last = f"{years[0]:04d}-01-01", f"{years[-1]:04d}-12-31"
    conn = connect(url)
    try:
        require_current(conn)
        conn.execute("CREATE TEMP TABLE holidays (date text, kind text, note text) ON COMMIT DROP")
        with conn.cursor().copy("COPY holidays (date, kind, note) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        conn.execute("DELETE FROM calendar c WHERE left(c.note, %s) = %s AND c.date BETWEEN %s"
                     " AND %s AND NOT EXISTS (SELECT 1 FROM holidays h WHERE h.date = c.date"
                     " AND h.kind = c.kind AND h.note = c.note)",
                     (len(PUBLIC_SOURCE), PUBLIC_SOURCE, first, last))
        written = conn.execute("INSERT INTO calendar (date, kind, note) SELECT date, kind, note"
                               " FROM holidays ON CONFLICT (date) DO NOTHING").rowcount
        conn.commit()
        return written
    except psycopg.Error as error:
        raise failure(error, url) from None
    finally:
        conn.close()
