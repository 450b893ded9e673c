"""The append-only, hash-chained audit log in terminal.db.

Each row's `hash` is SHA-256 over the previous row's hash and the row's own columns in a fixed
JSON encoding, so changing, deleting or reordering any row breaks the chain from there on.

A chain alone cannot show that its *last* rows were deleted: what is left is still a valid
chain. So every append also records the head (last seq and hash) in `meta`, in the same
transaction, and `verify` checks the log reaches it. Someone who can rewrite the whole file can
still forge a consistent log; exporting it regularly to the centre (`izle audit export`) is
what anchors it.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from typing import TextIO

from izle.data.db import transaction
from izle.data.clock import SystemClock

GENESIS = "0" * 64
COLUMNS = ("seq", "at", "terminal", "mode", "actor", "action", "query", "outcome")
HEAD_KEY = "audit_head"


def row_hash(row: dict, prev_hash: str) -> str:
    payload = json.dumps([prev_hash, *(row[c] for c in COLUMNS)], ensure_ascii=False,
                         separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def _secret(conn: sqlite3.Connection, rng: random.Random | None = None) -> bytes:
    """This terminal's key for hashing personal data that the audit must not hold in clear."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'audit_key'").fetchone()
    if row:
        return bytes.fromhex(row[0])
    key = (rng or random.SystemRandom()).randbytes(32)
    conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('audit_key', ?)", (key.hex(),))
    return bytes.fromhex(conn.execute("SELECT value FROM meta WHERE key = 'audit_key'").fetchone()[0])


def keyed_tag(conn: sqlite3.Connection, value: str, rng: random.Random | None = None) -> str:
    """A keyed hash (HMAC-SHA-256, 16 hex) of a FIN or other personal value."""
    return hmac.new(_secret(conn, rng), value.encode(), hashlib.sha256).hexdigest()[:16]


def append(
    conn: sqlite3.Connection, *, terminal: str, mode: str, actor: str, action: str,
    outcome: str, query: dict | None = None, at: str | None = None,
    rng: random.Random | None = None,
) -> int:
    """Append one row and return its seq; raises if it cannot.

    Runs in its own transaction, or in the caller's when one is open, so that a change and its
    audit row are written together or not at all.
    """
    with transaction(conn):
        last = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        row = {
            "seq": seq, "at": at or SystemClock().now().isoformat(timespec="milliseconds"),
            "terminal": terminal, "mode": mode, "actor": actor, "action": action,
            "query": json.dumps(query or {}, ensure_ascii=False, sort_keys=True),
            "outcome": outcome,
        }
        digest = row_hash(row, prev)
        conn.execute(
            "INSERT INTO audit (seq, at, terminal, mode, actor, action, query, outcome, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*(row[c] for c in COLUMNS), prev, digest),
        )
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (HEAD_KEY, json.dumps({"seq": seq, "hash": digest})),
        )
    return seq


@dataclass(frozen=True)
class Break:
    """The first broken row: `seq` and why: "missing", "link", "content", "truncated" or "extra"."""

    seq: int
    reason: str


def verify(conn: sqlite3.Connection) -> Break | None:
    """The first row where the chain breaks, or None when the whole log is intact."""
    prev, expected_seq = GENESIS, 1
    for row in _rows(conn):
        if row["seq"] != expected_seq:
            return Break(expected_seq, "missing")
        if row["prev_hash"] != prev:
            return Break(row["seq"], "link")
        if row_hash(row, prev) != row["hash"]:
            return Break(row["seq"], "content")
        prev, expected_seq = row["hash"], expected_seq + 1
    return _check_head(conn, expected_seq - 1, prev)


def _check_head(conn: sqlite3.Connection, last_seq: int, last_hash: str) -> Break | None:
    """The log must reach the head recorded with the last append (deleted last rows)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (HEAD_KEY,)).fetchone()
    if row is None:
        return None  # a log written before heads were kept
    head = json.loads(row[0])
    if head["seq"] > last_seq:
        return Break(last_seq + 1, "truncated")
    if head["seq"] == last_seq and head["hash"] != last_hash:
        return Break(last_seq, "content")
    if head["seq"] < last_seq:
        return Break(head["seq"] + 1, "extra")  # rows added behind the program's back
    return None


MISS_OUTCOMES = ("miss", "unverified")


def count_misses(conn: sqlite3.Connection, actor: str, since: str) -> int:
    """Lookups and searches by `actor` at or after `since` (ISO) that found nothing to show."""
    return conn.execute(
        "SELECT count(*) FROM audit WHERE actor = ? AND at >= ? AND action IN ('lookup', 'search')"
        " AND outcome IN (?, ?)", (actor, since, *MISS_OUTCOMES),
    ).fetchone()[0]


def count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM audit").fetchone()[0]


def _rows(conn: sqlite3.Connection) -> Iterator[dict]:
    cur = conn.execute(f"SELECT {', '.join(COLUMNS)}, prev_hash, hash FROM audit ORDER BY seq")
    names = [d[0] for d in cur.description]
    for values in cur:
        yield dict(zip(names, values))


def tail(conn: sqlite3.Connection, n: int = 20) -> list[dict]:
    rows = conn.execute(
        f"SELECT {', '.join(COLUMNS)} FROM audit ORDER BY seq DESC LIMIT ?", (n,)
    ).fetchall()
    return [dict(r) for r in reversed(rows)]


def export_csv(conn: sqlite3.Connection, out: TextIO) -> int:
    """Write the whole log, hashes included, as CSV with a header row; returns the row count."""
    writer = csv.writer(out)
    writer.writerow((*COLUMNS, "prev_hash", "hash"))
    n = 0
    for row in _rows(conn):
        writer.writerow(row[c] for c in (*COLUMNS, "prev_hash", "hash"))
        n += 1
    return n
