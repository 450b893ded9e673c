"""The append-only, hash-chained audit log in terminal.db.

Each row's `hash` is SHA-256 over the previous row's hash and the row's own columns in a fixed
JSON encoding, so changing, deleting or reordering any row breaks the chain from there on.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

GENESIS = "0" * 64
COLUMNS = ("seq", "at", "terminal", "mode", "actor", "action", "query", "outcome")


def row_hash(row: dict, prev_hash: str) -> str:
    payload = json.dumps([prev_hash, *(row[c] for c in COLUMNS)], ensure_ascii=False,
                         separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def _secret(conn: sqlite3.Connection) -> bytes:
    """This terminal's key for hashing personal data that the audit must not hold in clear."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'audit_key'").fetchone()
    if row:
        return bytes.fromhex(row[0])
    key = os.urandom(32)
    conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('audit_key', ?)", (key.hex(),))
    return bytes.fromhex(conn.execute("SELECT value FROM meta WHERE key = 'audit_key'").fetchone()[0])


def keyed_tag(conn: sqlite3.Connection, value: str) -> str:
    """A keyed hash (HMAC-SHA-256, 16 hex) of a FIN or other personal value."""
    return hmac.new(_secret(conn), value.encode(), hashlib.sha256).hexdigest()[:16]


def append(
    conn: sqlite3.Connection, *, terminal: str, mode: str, actor: str, action: str,
    outcome: str, query: dict | None = None,
) -> int:
    """Append one row in its own transaction and return its seq; raises if it cannot."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        last = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        row = {
            "seq": seq, "at": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            "terminal": terminal, "mode": mode, "actor": actor, "action": action,
            "query": json.dumps(query or {}, ensure_ascii=False, sort_keys=True),
            "outcome": outcome,
        }
        conn.execute(
            "INSERT INTO audit (seq, at, terminal, mode, actor, action, query, outcome, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*(row[c] for c in COLUMNS), prev, row_hash(row, prev)),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return seq


@dataclass(frozen=True)
class Break:
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
    return None


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
