"""The append-only, hash-chained audit log in terminal.db.

Each row's `hash` is SHA-256 over the previous row's hash and the row's own columns in a fixed
JSON encoding, so changing, deleting or reordering any row breaks the chain from there on.

A chain alone cannot show that its *last* rows were deleted: what is left is still a valid
chain. So the log is guarded in layers, each checked by `verify`:
- every append records the head (last seq and hash) in `meta`, in the same transaction;
- SQLite itself refuses to delete or change an audit row, and keeps a counter of the highest
  seq ever written that only goes forward (triggers, GUARDS): rows deleted at the tail leave
  the counter above them, and the next seq comes after the counter, so a deleted seq is never
  written again. Removing rows now takes dropping the triggers first, which `verify` notices;
- the signed head of the last push (data.central.audit) must still be in the log, and the
  centre holds those rows: whatever was pushed is anchored outside this file.
Someone who can rewrite the whole file and knows all this can still forge a consistent log of
the rows not yet pushed: nothing kept on the terminal alone can prove those (docs/central.md).
"""

from __future__ import annotations

import csv
import functools
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
SIGNING_KEY = "audit_signing_key"  # meta: this terminal's Ed25519 private key (raw, hex)
PUSHED_KEY = "audit_pushed"  # meta: the signed head of the last push the centre accepted
COUNTER = "audit_counter"
# SQLite refuses a change to the log, and the counter going back, whoever asks.
GUARDS = {
    "audit_no_delete": "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
                       " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    "audit_no_update": "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
                       " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    "audit_counter_forward": "CREATE TRIGGER audit_counter_forward BEFORE UPDATE ON audit_counter"
                             " WHEN NEW.n < OLD.n"
                             " BEGIN SELECT RAISE(ABORT, 'the audit counter only goes forward'); END",
    "audit_counter_kept": "CREATE TRIGGER audit_counter_kept BEFORE DELETE ON audit_counter"
                          " BEGIN SELECT RAISE(ABORT, 'the audit counter is kept'); END",
}
SIGNED = b"izle-audit-row:"  # what a signature covers: this prefix and the row's chain hash


def signing_key(conn: sqlite3.Connection):
    """This terminal's Ed25519 key, made at its first push and kept in terminal.db (the store
    that already holds its PIN hashes): it never leaves the terminal; the centre keeps the
    public half."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    row = conn.execute("SELECT value FROM meta WHERE key = ?", (SIGNING_KEY,)).fetchone()
    if row is None:
        fresh = Ed25519PrivateKey.generate().private_bytes_raw().hex()
        conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (SIGNING_KEY, fresh))
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (SIGNING_KEY,)).fetchone()
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(row[0]))


def public_hex(key) -> str:
    return key.public_key().public_bytes_raw().hex()


def sign(key, digest: str) -> str:
    return key.sign(SIGNED + digest.encode()).hex()


def signed_by(public: str | None, digest: str, signature: str | None) -> bool:
    """Whether `signature` is the holder of `public`'s over the chain hash `digest`."""
    from cryptography.exceptions import InvalidSignature

    if not public or not signature:
        return False
    try:
        _public_key(public).verify(bytes.fromhex(signature), SIGNED + digest.encode())
    except (InvalidSignature, ValueError):
        return False
    return True


@functools.lru_cache(maxsize=64)
def _public_key(public: str):
    """A terminal's public key, parsed once per verify rather than once per row."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    return Ed25519PublicKey.from_public_bytes(bytes.fromhex(public))


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


@dataclass(frozen=True)
class Tagged:
    """Personal data the audit keeps only as its keyed hash: hashed when its row is written,
    in that row's transaction, where the key can be read or made even if terminal.db was busy
    when the answer was being prepared (so a row never says "?" for its caller)."""

    value: str


def _tags_resolved(conn: sqlite3.Connection, query: dict, rng: random.Random | None) -> dict:
    return {key: keyed_tag(conn, value.value, rng) if isinstance(value, Tagged) else value
            for key, value in query.items()}


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
        # After the counter, not merely the last row: a seq once written is never reused.
        seq = max(last[0] if last else 0, _counter(conn)) + 1
        prev = last[1] if last else GENESIS
        row = {
            "seq": seq, "at": at or SystemClock().now().isoformat(timespec="milliseconds"),
            "terminal": terminal, "mode": mode, "actor": actor, "action": action,
            "query": json.dumps(_tags_resolved(conn, query or {}, rng), ensure_ascii=False,
                                sort_keys=True),
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
        conn.execute(f"UPDATE {COUNTER} SET n = ?", (seq,))
    return seq


def _counter(conn: sqlite3.Connection) -> int:
    row = conn.execute(f"SELECT max(n) FROM {COUNTER}").fetchone()
    return row[0] or 0


@dataclass(frozen=True)
class Break:
    """The first broken row: `seq` and why: "missing", "link", "content", "truncated", "extra",
    "headless" (the stored head deleted), "pushed" (a pushed row gone or changed), "unguarded"
    (the triggers that keep the log append-only removed)."""

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
    """The log must reach the head recorded with the last append, the counter and the head of
    the last push (deleted last rows), and still be guarded."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (HEAD_KEY,)).fetchone()
    if row is None:
        return Break(last_seq, "headless") if last_seq else None
    head = json.loads(row[0])
    counter = _counter(conn)
    if head["seq"] > last_seq or counter > last_seq:
        return Break(last_seq + 1, "truncated")
    if head["seq"] == last_seq and head["hash"] != last_hash:
        return Break(last_seq, "content")
    if head["seq"] < last_seq:
        return Break(head["seq"] + 1, "extra")  # rows added behind the program's back
    return _check_pushed(conn) or _check_guards(conn, last_seq)


def _check_pushed(conn: sqlite3.Connection) -> Break | None:
    """The rows the centre accepted must still be here as they were signed and sent."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (PUSHED_KEY,)).fetchone()
    if row is None:
        return None
    pushed = json.loads(row[0])
    here = conn.execute("SELECT hash FROM audit WHERE seq = ?", (pushed["seq"],)).fetchone()
    key = public_hex(signing_key(conn))
    if here is None or here[0] != pushed["hash"] or not signed_by(key, pushed["hash"], pushed["signature"]):
        return Break(pushed["seq"], "pushed")
    return None


def _check_guards(conn: sqlite3.Connection, last_seq: int) -> Break | None:
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return None if set(GUARDS) <= present else Break(last_seq, "unguarded")


MISS_OUTCOMES = ("miss", "unverified")


def count_misses(conn: sqlite3.Connection, actor: str, since: str) -> int:
    """Lookups and searches by `actor` at or after `since` (ISO) that found nothing to show."""
    return conn.execute(
        "SELECT count(*) FROM audit WHERE actor = ? AND at >= ? AND action IN ('lookup', 'search')"
        " AND outcome IN (?, ?)", (actor, since, *MISS_OUTCOMES),
    ).fetchone()[0]


def count_api_misses(conn: sqlite3.Connection, terminal: str, since: str) -> int:
    """Misses of one calling system through the JSON interface at or after `since`, all its
    callers together. Spelled exactly as the partial index `audit_api_misses`, so the count
    reads only the misses themselves, never the found, refused or invalid rows."""
    return conn.execute(
        "SELECT count(*) FROM audit WHERE terminal = ? AND at >= ? AND mode = 'api'"
        " AND action = 'lookup' AND outcome IN ('miss', 'unverified')", (terminal, since),
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
