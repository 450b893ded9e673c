"""Every terminal's audit log in the centre: `izle audit push` and `izle audit verify --central`.

A push sends the rows after the last one the centre holds for this terminal, in one
PostgreSQL transaction, and records the terminal's head (last seq and hash) beside them: a
push repeated, or interrupted and run again, neither loses nor duplicates a row ((terminal,
seq) is the key), and an offline terminal simply sends more rows next time. Before sending,
the centre's last row must be this terminal's row of the same seq (same hash): a log that
was rewritten, or a second terminal using the same name, is refused rather than mixed in.

The central `terminal` names the chain (the terminal.db the rows come from); each row's own
`terminal` column (web sessions of `izle serve` name themselves `web:…`) is kept as
`row_terminal`, and hashed as the terminal hashed it (data.audit.row_hash).
"""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from izle.data.audit import COLUMNS, GENESIS, Break, row_hash
from izle.data.central.connection import CentralError, connect, failure
from izle.data.central.schema import require_current
from izle.data.i18n import N_

NAME_KEY = "central_terminal"  # terminal.db meta: the name this log is pushed under
CENTRAL_COLUMNS = ("terminal", "seq", "at", "row_terminal", "mode", "actor", "action", "query",
                   "outcome", "prev_hash", "hash")


@dataclass(frozen=True)
class Pushed:
    terminal: str
    sent: int  # rows sent now
    total: int  # rows the centre holds for this terminal


@dataclass(frozen=True)
class CentralBreak:
    terminal: str
    broken: Break


def terminal_name(state: sqlite3.Connection, wanted: str | None) -> str:
    """The name this terminal's log is pushed under: kept in terminal.db after the first push,
    so that a renamed host goes on filling the same chain."""
    row = state.execute("SELECT value FROM meta WHERE key = ?", (NAME_KEY,)).fetchone()
    if row is not None:
        if wanted and wanted != row[0]:
            raise CentralError(N_("This terminal's audit log is pushed as “{name}”, not “{wanted}”."),
                               name=row[0], wanted=wanted)
        return row[0]
    name = wanted or socket.gethostname()
    state.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (NAME_KEY, name))
    return name


def push(url: str, state: sqlite3.Connection, wanted: str | None = None) -> Pushed:
    """Send this terminal's audit rows that the centre does not hold yet."""
    import psycopg

    name = terminal_name(state, wanted)
    conn = connect(url, autocommit=True)  # the transaction below is then a real one
    try:
        require_current(conn)
        with conn.transaction():
            # Two pushes of one terminal at once: the second waits, then finds nothing to send.
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (name,))
            head = conn.execute("SELECT seq, hash FROM audit WHERE terminal = %s"
                                " ORDER BY seq DESC LIMIT 1", (name,)).fetchone()
            after = _check_overlap(state, name, head)
            sent, last = _send(conn, state, name, after)
            if last is not None:
                conn.execute("INSERT INTO audit_heads (terminal, seq, hash) VALUES (%s, %s, %s)"
                             " ON CONFLICT (terminal) DO UPDATE SET seq = excluded.seq,"
                             " hash = excluded.hash, pushed_at = now()", (name, *last))
        return Pushed(name, sent, after + sent)
    except psycopg.Error as error:
        raise failure(error, url) from None
    finally:
        conn.close()


def _check_overlap(state: sqlite3.Connection, name: str, head: tuple | None) -> int:
    """The seq after which to send; the centre's last row must be ours."""
    if head is None:
        return 0
    seq, digest = head
    mine = state.execute("SELECT hash FROM audit WHERE seq = ?", (seq,)).fetchone()
    if mine is None or mine[0] != digest:
        raise CentralError(N_("The centre's audit log of “{name}” does not continue this "
                              "terminal's at seq {seq}: nothing was sent."), name=name, seq=seq)
    return seq


def _send(conn, state: sqlite3.Connection, name: str, after: int) -> tuple[int, tuple | None]:
    rows = state.execute(f"SELECT {', '.join(COLUMNS)}, prev_hash, hash FROM audit"
                         " WHERE seq > ? ORDER BY seq", (after,))
    sent, last = 0, None
    with conn.cursor().copy(f"COPY audit ({', '.join(CENTRAL_COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((name, *row))
            sent, last = sent + 1, (row[0], row[-1])
    return sent, last


def verify(url: str) -> tuple[int, int, list[CentralBreak]]:
    """(terminals, rows, the first break of each broken terminal's chain) in the centre."""
    import psycopg

    conn = connect(url)  # one read transaction: one snapshot, and a server-side cursor
    try:
        require_current(conn)
        heads = dict((t, (s, h)) for t, s, h in conn.execute(
            "SELECT terminal, seq, hash FROM audit_heads").fetchall())
        terminals, rows, broken = 0, 0, []
        for name, chain in _chains(conn):
            terminals += 1
            found, n = _verify_chain(chain, heads.pop(name, None))
            rows += n
            if found:
                broken.append(CentralBreak(name, found))
        for name in sorted(heads):  # a head without a single row left: all were deleted
            terminals += 1
            broken.append(CentralBreak(name, Break(1, "missing")))
        return terminals, rows, broken
    except psycopg.Error as error:
        raise failure(error, url) from None
    finally:
        conn.close()


def _chains(conn) -> Iterator[tuple[str, Iterator[dict]]]:
    """(terminal, its rows in seq order) for every terminal, streamed from one server cursor."""
    cur = conn.cursor(name="audit_chains")
    cur.itersize = 10_000
    cur.execute(f"SELECT {', '.join(CENTRAL_COLUMNS)} FROM audit ORDER BY terminal, seq")
    pending = next(cur, None)
    while pending is not None:
        name = pending[0]

        def chain() -> Iterator[dict]:
            nonlocal pending
            while pending is not None and pending[0] == name:
                row = dict(zip(CENTRAL_COLUMNS, pending))
                row["terminal"] = row.pop("row_terminal")
                yield row
                pending = next(cur, None)

        rows = chain()
        yield name, rows
        for _ in rows:  # a chain left half-read: skip to the next terminal
            pass


def _verify_chain(rows: Iterator[dict], head: tuple | None) -> tuple[Break | None, int]:
    """The first break of one chain (as data.audit.verify finds them), and its row count."""
    prev, expected, n, found = GENESIS, 1, 0, None
    for row in rows:
        n += 1
        if found:
            continue
        if row["seq"] != expected:
            found = Break(expected, "missing")
        elif row["prev_hash"] != prev:
            found = Break(row["seq"], "link")
        elif row_hash(row, prev) != row["hash"]:
            found = Break(row["seq"], "content")
        prev, expected = row["hash"], expected + 1
    if found is None and head is not None:
        if head[0] > expected - 1:
            found = Break(expected, "truncated")
        elif head[0] == expected - 1 and head[1] != prev:
            found = Break(head[0], "content")
        elif head[0] < expected - 1:
            found = Break(head[0] + 1, "extra")
    return found, n
