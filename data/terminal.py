"""`terminal.db`, this terminal's own data: the Asan İmza emulation's identities and the audit.

One `TerminalStore` owns the file. Every thread gets its own connection (SQLite connections
must not be shared across threads without a lock, and a lock would make the UI thread wait for
a worker's scrypt), so screens never take a lock: they call `data/` from workers.
Failures of the file (locked, read-only, damaged, disk full) come out as `StoreError`, a
sentence for the person at the terminal, never a traceback.
"""

from __future__ import annotations

import random
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from izle.data import audit, identities
from izle.data.clock import Clock, SystemClock, iso_now, system_random
from izle.data.db import connect_write
from izle.data.identities import Identity, PinCheck
from izle.data.problems import ProblemError
from izle.data.i18n import N_


STORE_FAILED = N_("This terminal's data could not be read or written. "
                  "Please try again or ask staff for help.")


class StoreError(ProblemError):
    """terminal.db could not do what was asked; `problem` says so in the user's words."""

    def __init__(self) -> None:
        super().__init__(STORE_FAILED, code="store")


class TerminalStore:
    """Identities and the audit log of one terminal, safe to use from any thread."""

    def __init__(self, path: Path, clock: Clock | None = None,
                 rng: random.Random | None = None) -> None:
        self.path = Path(path)
        self.clock = clock or SystemClock()
        self.rng = rng or system_random()
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._guard = threading.Lock()  # only for the list of connections, never held long

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = connect_write(self.path)
            # WAL with synchronous=NORMAL: a commit is durable once in the WAL file, which
            # survives a crash of the application; only a power cut (or an OS crash) can lose
            # the last commits, never corrupt the file. No fsync per audit row on the way to
            # a result (README, "The audit and power cuts").
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            with self._guard:
                self._connections.append(conn)
        return conn

    def _run(self, work):
        try:
            return work(self._conn())
        except (sqlite3.Error, OSError) as error:
            raise StoreError() from error

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """One write transaction on this thread's connection for everything the block asks of
        this store: a count of misses and the audit row of the lookup it allowed are then one
        step, so concurrent sessions of one person queue here instead of each passing the
        count before the others' rows exist. Errors of the block itself pass through as they
        are (a register error is not this store's); only BEGIN and COMMIT become StoreError."""
        conn = self._run(lambda c: c)
        if conn.in_transaction:
            yield
            return
        self._run(lambda c: c.execute("BEGIN IMMEDIATE"))
        try:
            yield
        except BaseException:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
        try:
            self._run(lambda c: c.execute("COMMIT"))
        except StoreError:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise

    # --- identities ---------------------------------------------------------------------

    def find_identity(self, phone: str, user_id: str) -> Identity | None:
        return self._run(lambda c: identities.find_identity(c, phone, user_id))

    def check_pin(self, user_id: str, pin: str) -> tuple[PinCheck, int]:
        return self._run(lambda c: identities.check_pin(c, user_id, pin, now=iso_now(self.clock)))

    def lock_lookups(self, user_id: str) -> None:
        self._run(lambda c: identities.lock_lookups(c, user_id, iso_now(self.clock)))

    def lookups_locked(self, user_id: str) -> bool:
        return self._run(lambda c: identities.lookups_locked(c, user_id))

    def lookups_unlocked_at(self, user_id: str) -> str | None:
        return self._run(lambda c: identities.lookups_unlocked_at(c, user_id))

    # --- the audit ----------------------------------------------------------------------

    def record(self, *, terminal: str, mode: str, actor: str, action: str, outcome: str,
               query: dict | None = None) -> int:
        """Append one audit row and return its seq; StoreError when it cannot be written."""
        at = iso_now(self.clock, "milliseconds")
        return self._run(lambda c: audit.append(
            c, terminal=terminal, mode=mode, actor=actor, action=action, outcome=outcome,
            query=query, at=at, rng=self.rng))

    def tag(self, value: str) -> str:
        """A keyed hash of personal data (phone, FIN, surname) for the audit log."""
        return self._run(lambda c: audit.keyed_tag(c, value, rng=self.rng))

    def misses_since(self, actor: str, since_iso: str) -> int:
        """How many of this person's lookups found nothing since that moment (all terminals'
        sessions on this terminal, across restarts: the audit log is the memory)."""
        return self._run(lambda c: audit.count_misses(c, actor, since_iso))

    def api_misses_since(self, terminal: str, since_iso: str) -> int:
        """How many lookups of one calling system's callers found nothing since that moment."""
        return self._run(lambda c: audit.count_api_misses(c, terminal, since_iso))

    def close(self) -> None:
        with self._guard:
            for conn in self._connections:
                try:
                    conn.close()
                except sqlite3.Error:
                    pass
            self._connections.clear()
        self._local = threading.local()
