"""Every terminal's audit log in the centre: `izle audit push` and `izle audit verify --central`.

A terminal pushes with its own role (`izle central terminal add`), through SECURITY DEFINER
functions that take its name from the session (data/central/schema.py): it can append to its
own chain only, each row continuing the centre's head (seq + 1, prev_hash), in one transaction
under a per-terminal lock, so a push repeated or interrupted neither loses nor duplicates a row.

Every row goes with an Ed25519 signature of its chain hash, made with the terminal's private
key (data.audit.signing_key), which never leaves terminal.db; the centre keeps the public key,
the first one a terminal's role presents (trust on first use: the role's password is what
proves the terminal then, and only the terminal holds the key afterwards). So nobody without
that key, the centre's DBA included, can change, forge or re-chain rows unseen.

Before sending, the centre's head must be a row of this terminal.db (same seq, same hash), and
the key the same: otherwise two chains run under one name (a cloned disk, or a copy of the URL
with another terminal.db). That is never mixed in, and it will never succeed later, so it is
recorded at the centre (`audit_forks`) for `verify --central` to name, with both heads.

The central `terminal` names the chain; each row's own `terminal` column (web sessions of
`izle serve` name themselves `web:…`) is kept as `row_terminal`, hashed as the terminal hashed it.
"""

from __future__ import annotations

import json
import random
import socket
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field

from izle.data.audit import (COLUMNS, GENESIS, PUSHED_KEY, Break, public_hex, row_hash, sign,
                        signed_by, signing_key)
from izle.data.central.connection import (CentralError, central_driver, connect,
                                          connect_patiently, failure)
from izle.data.central.schema import MIGRATIONS, ROLES_VERSION, program_version, require_current
from izle.data.clock import Clock, SystemClock, system_random
from izle.data.i18n import N_

NAME_KEY = "central_terminal"  # terminal.db meta: the name this log is pushed under
CENTRAL_COLUMNS = ("terminal", "seq", "at", "row_terminal", "mode", "actor", "action", "query",
                   "outcome", "prev_hash", "hash", "signature")
BATCH = 2_000  # rows per call of izle_audit_append


@dataclass(frozen=True)
class Pushed:
    terminal: str
    sent: int  # rows sent now
    total: int  # rows the centre holds for this terminal
    resent: int = 0  # of them, rows the centre had held before and lost


@dataclass(frozen=True)
class CentralBreak:
    terminal: str
    broken: Break
    detail: dict = field(default_factory=dict)  # a fork's two heads


def terminal_name(state: sqlite3.Connection, wanted: str | None) -> str:
    """The name this terminal's log and syncs go under: kept in terminal.db after the first
    push (or a sync given --terminal), so that a renamed host goes on filling the same chain.
    With a role per terminal the centre keys both on the role whatever this says."""
    row = state.execute("SELECT value FROM meta WHERE key = ?", (NAME_KEY,)).fetchone()
    if row is not None:
        if wanted and wanted != row[0]:
            raise CentralError(N_("This terminal's audit log is pushed as “{name}”, not “{wanted}”."),
                               name=row[0], wanted=wanted)
        return row[0]
    name = wanted or socket.gethostname()
    state.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (NAME_KEY, name))
    return name


def push(url: str, state: sqlite3.Connection, wanted: str | None = None, *,
         clock: Clock | None = None, rng: random.Random | None = None,
         jitter_s: float = 0) -> Pushed:
    """Send this terminal's audit rows that the centre does not hold yet, signed (after a
    random wait of up to `jitter_s`; a full or starting centre is tried again a while)."""
    psycopg = central_driver()

    key = signing_key(state)
    conn = connect_patiently(url, autocommit=True, clock=clock or SystemClock(),
                             rng=rng or system_random(), jitter_s=jitter_s)
    try:
        require_current(conn, needs=ROLES_VERSION)
        name, seq, digest, known = _head(conn, url)
        _check_name(state, name, wanted)
        if known is None:  # the first push: the centre keeps this key from now on
            known = conn.execute("SELECT izle_audit_key(%s)", (public_hex(key),)).fetchone()[0]
        if known != public_hex(key) or not _continues(state, seq, digest):
            _refuse_fork(conn, state, name, seq, digest, key)
        try:
            with conn.transaction():
                sent, last = _send(conn, state, key, seq)
        except psycopg.errors.SerializationFailure:  # another copy pushed meanwhile
            name, seq, digest, _known = _head(conn, url)
            _refuse_fork(conn, state, name, seq, digest, key)
        lost = max(0, _pushed_seq(state) - seq)  # rows the centre had accepted, then lost
        if last:
            _remember_push(state, name, key, last)
        return Pushed(name, sent, seq + sent, min(lost, sent))
    except psycopg.Error as error:
        raise failure(error, url) from None
    finally:
        conn.close()


def _head(conn, url: str) -> tuple[str, int, str | None, str | None]:
    """(this role's terminal name, the centre's last seq and hash of it, its public key)."""
    psycopg = central_driver()

    try:
        return conn.execute("SELECT * FROM izle_audit_head()").fetchone()
    except psycopg.errors.InsufficientPrivilege:
        raise CentralError(N_("The URL does not log in as a registered terminal: push with the "
                              "URL `izle central terminal add` printed for this terminal.")) from None


def _check_name(state: sqlite3.Connection, name: str, wanted: str | None) -> None:
    """The log goes on under the name it was first pushed as; a terminal.db moved to another
    terminal's URL would mix two terminals' chains."""
    row = state.execute("SELECT value FROM meta WHERE key = ?", (NAME_KEY,)).fetchone()
    if wanted and wanted != name:
        raise CentralError(N_("The URL logs in as terminal “{name}”, not “{wanted}”."),
                           name=name, wanted=wanted)
    if row is not None and row[0] != name:
        raise CentralError(N_("This terminal's audit log is pushed as “{name}”, not “{wanted}”."),
                           name=row[0], wanted=name)
    state.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (NAME_KEY, name))


def _continues(state: sqlite3.Connection, seq: int, digest: str | None) -> bool:
    """Whether the centre's last row of this terminal is a row of this terminal.db."""
    if seq == 0:
        return True
    mine = state.execute("SELECT hash FROM audit WHERE seq = ?", (seq,)).fetchone()
    return mine is not None and mine[0] == digest


def _refuse_fork(conn, state: sqlite3.Connection, name: str, seq: int, digest: str | None,
                 key) -> None:
    """Record at the centre that another chain was offered under `name`, then refuse."""
    last = state.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    last_seq, last_hash = last if last else (0, GENESIS)
    parted = _parting(state, conn, seq)
    mine = state.execute("SELECT hash FROM audit WHERE seq = ?", (parted,)).fetchone()
    conn.execute("SELECT izle_audit_fork(%s, %s, %s, %s, %s)",
                 (parted, mine[0] if mine else None, last_seq, last_hash, public_hex(key)))
    raise CentralError(N_("The centre holds another audit chain under “{name}” (seq {seq}, "
                          "{head}) than this terminal.db (seq {mine}, {mine_head}): one of them "
                          "is a copy, such as a cloned disk. Nothing was sent, and this never "
                          "will be: the centre's owner investigates (`izle audit verify "
                          "--central`) and registers this terminal anew."),
                       name=name, seq=seq, head=(digest or GENESIS)[:12], mine=last_seq,
                       mine_head=last_hash[:12])


def _parting(state: sqlite3.Connection, conn, seq: int) -> int:
    """The first seq where this terminal.db and the centre's chain differ (at most `seq`)."""
    theirs = dict(conn.execute("SELECT * FROM izle_audit_hashes()").fetchall()) if seq else {}
    last = 0
    for n, digest in state.execute("SELECT seq, hash FROM audit WHERE seq <= ? ORDER BY seq", (seq,)):
        if theirs.get(n) != digest:
            return n
        last = n
    return last + 1  # this log is the centre's so far, and shorter


def _send(conn, state: sqlite3.Connection, key, after: int) -> tuple[int, tuple | None]:
    """The rows after `after`, signed, in batches; at least one call, so that the centre
    records this push (its time, this program's version) even with nothing new."""
    rows = state.execute(f"SELECT {', '.join(COLUMNS)}, prev_hash, hash FROM audit"
                         " WHERE seq > ? ORDER BY seq", (after,))
    names = [d[0] for d in rows.description]
    sent, last, batch = 0, None, rows.fetchmany(BATCH)
    while True:
        entries = [dict(zip(names, row), signature=sign(key, row[-1])) for row in batch]
        conn.execute("SELECT izle_audit_append(%s::jsonb, %s, %s)",
                     (json.dumps(entries), program_version(), len(MIGRATIONS)))
        if not batch:
            return sent, last
        sent, last = sent + len(batch), (batch[-1][0], batch[-1][-1])
        batch = rows.fetchmany(BATCH)


def _pushed_seq(state: sqlite3.Connection) -> int:
    row = state.execute("SELECT value FROM meta WHERE key = ?", (PUSHED_KEY,)).fetchone()
    return json.loads(row[0])["seq"] if row else 0


def _remember_push(state: sqlite3.Connection, name: str, key, last: tuple) -> None:
    """Keep the signed head of this push: `izle audit verify` checks the log still holds it."""
    seq, digest = last
    state.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE"
                  " SET value = excluded.value", (PUSHED_KEY, json.dumps(
                      {"terminal": name, "seq": seq, "hash": digest, "signature": sign(key, digest)})))


def verify(url: str) -> tuple[int, int, list[CentralBreak]]:
    """(terminals, rows, the first break of each broken terminal's chain, and every fork)."""
    psycopg = central_driver()

    conn = connect(url)  # one read transaction: one snapshot, and a server-side cursor
    try:
        require_current(conn, needs=ROLES_VERSION)
        heads = {t: (s, h) for t, s, h in conn.execute(
            "SELECT terminal, seq, hash FROM audit_heads").fetchall()}
        keys = dict(conn.execute("SELECT name, public_key FROM terminals").fetchall())
        terminals, rows, broken = 0, 0, []
        seen = set()
        for name, chain in _chains(conn):
            terminals += 1
            seen.add(name)
            found, n = _verify_chain(chain, heads.pop(name, None), keys.get(name))
            rows += n
            if found:
                broken.append(CentralBreak(name, found))
        for name in sorted(heads):  # a head without a single row left: all were deleted
            terminals += 1
            seen.add(name)
            broken.append(CentralBreak(name, Break(1, "missing")))
        for name in sorted(n for n, k in keys.items() if k and n not in seen):
            terminals += 1  # it pushed (its key is known), yet nothing of it is left
            broken.append(CentralBreak(name, Break(1, "gone")))
        broken += _forks(conn)
        return terminals, rows, broken
    except psycopg.Error as error:
        raise failure(error, url) from None
    finally:
        conn.close()


def _forks(conn) -> list[CentralBreak]:
    """Every refused push of another chain under a terminal's name, with both heads."""
    found = conn.execute(
        "SELECT f.terminal, f.seq, coalesce(h.seq, 0), coalesce(h.hash, %s), f.offered_seq,"
        " f.offered_head FROM audit_forks f LEFT JOIN audit_heads h ON h.terminal = f.terminal"
        " ORDER BY f.terminal, f.refused_at", (GENESIS,)).fetchall()
    return [CentralBreak(name, Break(seq, "fork"), {"head_seq": head_seq, "head": head[:12],
                                                    "offered_seq": offered_seq,
                                                    "offered": offered[:12]})
            for name, seq, head_seq, head, offered_seq, offered in found]


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


def _verify_chain(rows: Iterator[dict], head: tuple | None,
                  public: str | None) -> tuple[Break | None, int]:
    """The first break of one chain (as data.audit.verify finds them, and a row its terminal's
    key did not sign), and its row count."""
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
        elif not row["signature"]:
            found = Break(row["seq"], "unsigned")
        elif not signed_by(public, row["hash"], row["signature"]):
            found = Break(row["seq"], "signature")
        prev, expected = row["hash"], expected + 1
    if found is None and head is not None:
        if head[0] > expected - 1:
            found = Break(expected, "truncated")
        elif head[0] == expected - 1 and head[1] != prev:
            found = Break(head[0], "content")
        elif head[0] < expected - 1:
            found = Break(head[0] + 1, "extra")
    return found, n
