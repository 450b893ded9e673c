"""A Jepsen-style check of `izle sync`: writers change the centre at random while terminals
sync over and over; every sync must leave exactly the snapshot it read, and after a final sync
every terminal must equal the centre row by row (lost / ghost / stale rows counted).

Writers (threads, each with its own connection and seeded generator) insert, update (keys
included), delete and re-insert letters, movements and calendar days, in short and long
transactions; some are rolled back, some held open across several syncs. Used by
tests/test_central_sync.py (a short run) and benchmarks/bench_jepsen.py (many seeds).
"""

from __future__ import annotations

import random
import sqlite3
import threading
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path

from izle.data.central.connection import connect
from izle.data.central.schema import TABLES, migrate
from izle.data.central.sync import sync

POOL = 120  # letter ids the writers fight over: inserts, deletes and re-inserts collide
BASE_SQL = """
INSERT INTO agencies (code, name_az, kind, sort) VALUES ('DGK', 'Dövlət Gömrük Komitəsi', 'committee', 1);
INSERT INTO units (id, agency_code, name_az) SELECT u::text, 'DGK', 'Bölmə ' || u FROM generate_series(1, 5) u;
INSERT INTO letters (id, agency_code, reg_no, reg_no_key, reg_date, status, applicant_name, unit_id)
    SELECT n, 'DGK', 'N-' || n, 'N-' || n, '2025-01-01', 'registered', 'Ərizəçi ' || n, '1'
    FROM generate_series(1, %(letters)s) n;
INSERT INTO movements (letter_id, seq, at, status) SELECT n, 1, '2025-01-02', 'registered'
    FROM generate_series(1, %(letters)s, 2) n;
"""
HOLD_SYNCS = (1, 3)  # a held transaction stays open until 1 to 3 more syncs have run
WAIT_S = 10  # longest a held transaction waits for those syncs (a bound, not a sleep)


@dataclass
class Outcome:
    seed: int
    syncs: int = 0
    full_copies: int = 0
    commits: int = 0
    rollbacks: int = 0
    held: int = 0
    failed_ops: int = 0
    mismatched_syncs: int = 0  # syncs whose register differed from the snapshot they read
    after_sync: Counter = field(default_factory=Counter)  # lost/ghost/stale over those syncs
    final: Counter = field(default_factory=Counter)  # lost/ghost/stale against the centre
    errors: list[str] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return (not self.mismatched_syncs and not sum(self.final.values())
                and not self.errors)


def rows_of(conn) -> dict[str, list[tuple]]:
    """Every register table as a terminal copies it, in key order (PostgreSQL or SQLite)."""
    found = {}
    for table, (key, columns) in TABLES.items():
        cur = conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {', '.join(key)}")
        found[table] = [tuple(r) for r in cur.fetchall()]
    return found


def local_rows(register: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(register)
    try:
        return rows_of(conn)
    finally:
        conn.close()


def differences(expected: dict[str, list[tuple]], found: dict[str, list[tuple]]) -> Counter:
    """lost: a row of `expected` missing from `found`; ghost: the reverse; stale: same key,
    other values. The key columns lead every table's column list."""
    counts: Counter = Counter()
    for table, (key, _columns) in TABLES.items():
        width = len(key)
        want = {r[:width]: r for r in expected[table]}
        have = {r[:width]: r for r in found[table]}
        counts["lost"] += len(want.keys() - have.keys())
        counts["ghost"] += len(have.keys() - want.keys())
        counts["stale"] += sum(1 for k in want.keys() & have.keys() if want[k] != have[k])
    return counts


def build(url: str, letters: int = 80) -> None:
    with connect(url, autocommit=True) as conn:
        migrate(conn)
        conn.execute(BASE_SQL.replace("%(letters)s", str(int(letters))))


class Run:
    """One seeded run against the centre at `url` (already built), registers under `folder`."""

    def __init__(self, url: str, folder: Path, seed: int, *, writers: int = 5,
                 terminals: int = 3, syncs: int = 8) -> None:
        self.url, self.folder, self.seed = url, folder, seed
        self.writers, self.terminals, self.syncs_each = writers, terminals, syncs
        self.outcome = Outcome(seed)
        self.synced = 0  # syncs finished, all terminals together
        self.done = threading.Event()
        self.changed = threading.Condition()
        self.lock = threading.Lock()
        self.deleted: deque[int] = deque(maxlen=20)  # letters deleted lately: re-insert targets

    def go(self) -> Outcome:
        writers = [threading.Thread(target=self._guard, args=(self._write, i), daemon=True)
                   for i in range(self.writers)]
        terminals = [threading.Thread(target=self._guard, args=(self._sync_loop, i), daemon=True)
                     for i in range(self.terminals)]
        for t in writers + terminals:
            t.start()
        for t in terminals:
            t.join(120)
        self.done.set()
        with self.changed:
            self.changed.notify_all()
        for t in writers:
            t.join(60)
        self._final()
        return self.outcome

    def _guard(self, work, index: int) -> None:
        try:
            work(index)
        except Exception as error:  # noqa: BLE001 - a run reports, it does not hang
            with self.lock:
                self.outcome.errors.append(f"{type(error).__name__}: {error}")
            self.done.set()

    # --- terminals ------------------------------------------------------------------------

    def register(self, index: int) -> Path:
        return self.folder / f"terminal-{index}" / "register.db"

    def _sync_loop(self, index: int) -> None:
        for _ in range(self.syncs_each):
            if self.done.is_set():
                return
            self._sync_once(index)

    def _sync_once(self, index: int) -> None:
        read: dict[str, list[tuple]] = {}
        result = sync(self.url, self.register(index), terminal=f"jepsen-{index}",
                      on_snapshot=lambda conn: read.update(rows_of(conn)),
                      rng=random.Random(f"{self.seed}-{index}-{self.synced}"))
        diff = differences(read, local_rows(self.register(index)))
        with self.lock:
            self.outcome.syncs += 1
            self.outcome.full_copies += result.full
            if sum(diff.values()):
                self.outcome.mismatched_syncs += 1
                self.outcome.after_sync.update(diff)
        with self.changed:
            self.synced += 1
            self.changed.notify_all()

    def _final(self) -> None:
        for index in range(self.terminals):
            self._sync_once(index)
        with connect(self.url, autocommit=True) as conn:
            centre = rows_of(conn)
        for index in range(self.terminals):
            self.outcome.final.update(differences(centre, local_rows(self.register(index))))
        for kind in ("lost", "ghost", "stale"):
            self.outcome.final.setdefault(kind, 0)

    # --- writers --------------------------------------------------------------------------

    def _write(self, index: int) -> None:
        rng = random.Random(self.seed * 1000 + index)
        conn = connect(self.url)
        try:
            conn.execute("SET lock_timeout = '2s'")
            conn.commit()
            while not self.done.is_set():
                self._transaction(conn, rng)
        finally:
            conn.close()

    def _transaction(self, conn, rng: random.Random) -> None:
        conn.execute("SELECT 1")  # opens the transaction: each step below is a savepoint
        self._steps(conn, rng, rng.randint(1, 6))
        if rng.random() < 0.3:
            # Its id was taken at its first write; what it writes after the hold comes after
            # newer transactions committed: re-inserts of what they deleted (xid inversion).
            self._hold(rng.randint(*HOLD_SYNCS))
            self._steps(conn, rng, rng.randint(1, 3), reinsert=True)
            with self.lock:
                self.outcome.held += 1
        if rng.random() < 0.2:
            conn.rollback()
            with self.lock:
                self.outcome.rollbacks += 1
        else:
            conn.commit()
            with self.lock:
                self.outcome.commits += 1

    def _steps(self, conn, rng: random.Random, n: int, reinsert: bool = False) -> None:
        for _ in range(n):
            try:
                with conn.transaction():  # a savepoint: a refused step leaves the others
                    self._step(conn, rng, reinsert)
            except Exception:  # noqa: BLE001 - conflicts, deadlocks, lock timeouts: expected
                with self.lock:
                    self.outcome.failed_ops += 1

    def _hold(self, syncs: int) -> None:
        """Keep the transaction open until terminals have synced `syncs` more times."""
        with self.changed:
            target = self.synced + syncs
            self.changed.wait_for(lambda: self.synced >= target or self.done.is_set(), WAIT_S)

    def _step(self, conn, rng: random.Random, reinsert: bool) -> None:
        letter, other = rng.randint(1, POOL), rng.randint(1, POOL)
        tag = f"s{rng.getrandbits(24):06x}"
        with self.lock:
            deleted = list(self.deleted)
        if reinsert and deleted:
            _insert_letter(conn, rng.choice(deleted[-3:]), other, tag, rng)
            return
        op = rng.choice(STEPS)
        op(conn, letter, other, tag, rng)
        if op is _delete_letter:
            with self.lock:
                self.deleted.append(letter)


def _insert_letter(conn, letter, _other, tag, _rng) -> None:
    conn.execute("INSERT INTO letters (id, agency_code, reg_no, reg_no_key, reg_date, status,"
                 " applicant_name, unit_id) VALUES (%s, 'DGK', %s, %s, '2025-01-01',"
                 " 'registered', %s, '2') ON CONFLICT DO NOTHING",
                 (letter, f"N-{letter}-{tag}", f"N-{letter}-{tag}", tag))


def _update_letter(conn, letter, _other, tag, rng) -> None:
    conn.execute("UPDATE letters SET applicant_name = %s, status = %s WHERE id = %s",
                 (tag, rng.choice(("in_execution", "answered", "extended")), letter))


def _move_letter(conn, letter, other, _tag, _rng) -> None:
    """A key change: the letter takes another id (only one without movements: no cascade)."""
    conn.execute("UPDATE letters SET id = %s WHERE id = %s AND NOT EXISTS"
                 " (SELECT 1 FROM movements WHERE letter_id = %s)", (other, letter, letter))


def _delete_letter(conn, letter, _other, _tag, _rng) -> None:
    conn.execute("DELETE FROM letters WHERE id = %s", (letter,))


def _insert_movement(conn, letter, _other, tag, rng) -> None:
    conn.execute("INSERT INTO movements (letter_id, seq, at, status, note) SELECT id, %s,"
                 " '2025-01-03', 'in_execution', %s FROM letters WHERE id = %s"
                 " ON CONFLICT DO NOTHING", (rng.randint(1, 4), tag, letter))


def _renumber_movements(conn, letter, _other, _tag, rng) -> None:
    conn.execute("UPDATE movements SET seq = seq + %s WHERE letter_id = %s",
                 (rng.choice((10, -10, 1)), letter))


def _delete_movement(conn, letter, _other, _tag, rng) -> None:
    conn.execute("DELETE FROM movements WHERE letter_id = %s AND seq = %s",
                 (letter, rng.randint(1, 4)))


def _calendar_day(conn, letter, _other, tag, rng) -> None:
    day = f"2026-01-{1 + letter % 28:02d}"
    if rng.random() < 0.4:
        conn.execute("DELETE FROM calendar WHERE date = %s", (day,))
    else:
        conn.execute("INSERT INTO calendar (date, kind, note) VALUES (%s, 'holiday', %s)"
                     " ON CONFLICT (date) DO UPDATE SET note = excluded.note", (day, tag))


STEPS = (_insert_letter, _insert_letter, _update_letter, _update_letter, _move_letter,
         _delete_letter, _delete_letter, _insert_movement, _insert_movement,
         _renumber_movements, _delete_movement, _calendar_day)
