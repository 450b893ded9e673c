"""Whether a register may be replaced by a demo, and the backup kept when it is replaced anyway.

A register is *replaceable* when there is none, when its `meta` says it is a demo, or when it
holds no records at all (a schema made by a dry run). Anything else was made by an
administrator (an import marks the register `meta.kind = 'imported'`), so `izle demo` refuses
it unless told `--force`, and then keeps a copy and writes an audit row first.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime
from enum import Enum
from pathlib import Path

from izle.data.problems import ProblemError
from izle.data.i18n import N_
from izle.data.clock import SystemClock

RECORD_TABLES = ("agencies", "units", "executors", "letters", "movements", "calendar")


class RegisterKind(Enum):
    MISSING = "missing"
    EMPTY = "empty"
    DEMO = "demo"
    REAL = "real"  # imported, or not a register we can read: never replaced silently


class RealRegister(ProblemError):
    """`izle demo` met a register an administrator made; the msgid names the way out."""

    def __init__(self, path: Path) -> None:
        super().__init__(N_("{path} holds a register that was not built by izle demo (imported"
                            " records); nothing was changed. Give --force to replace it: a backup"
                            " copy is kept."), code="real_register", path=str(path))


def register_kind(path: Path) -> RegisterKind:
    """What is at `path`, read without changing it (read-only, no -wal created if absent)."""
    path = Path(path)
    if not path.exists():
        return RegisterKind.MISSING
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return _kind_of(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return RegisterKind.REAL  # unreadable: someone's file all the same


def _kind_of(conn: sqlite3.Connection) -> RegisterKind:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "meta" in tables:
        kind = conn.execute("SELECT value FROM meta WHERE key = 'kind'").fetchone()
        if kind and kind[0] == "demo":
            return RegisterKind.DEMO
    for table in RECORD_TABLES:
        if table in tables and conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():
            return RegisterKind.REAL
    return RegisterKind.EMPTY


# What only a demo's meta says: the published login hints and how the demo was generated.
DEMO_META_KEYS = ("demo_hint", "demo_hint_operator", "seed", "letters", "as_of")


def take_in_real_data(conn: sqlite3.Connection, kind: str) -> None:
    """Inside the transaction that brings an administrator's records (`kind`: 'imported' or
    'synced'): the demo's published hints go with it, and `meta.kind` says what the register
    is now, so `izle demo` never replaces it silently and no login screen offers a demo key."""
    placeholders = ", ".join("?" * len(DEMO_META_KEYS))
    conn.execute(f"DELETE FROM meta WHERE key IN ({placeholders})", DEMO_META_KEYS)
    conn.execute("INSERT INTO meta (key, value) VALUES ('kind', ?)"
                 " ON CONFLICT(key) DO UPDATE SET value = excluded.value", (kind,))


def mark_imported(conn: sqlite3.Connection) -> None:
    """Inside an import's transaction: this register now holds an administrator's records."""
    take_in_real_data(conn, "imported")


def drop_demo_identities(state: Path) -> int:
    """Remove the published demo identities from terminal.db once its register holds real
    data; returns how many went. The login refuses them on such a register anyway
    (`demo_login_refused`), so a terminal.db that cannot be written now changes no outcome."""
    from izle.data.db import connect_write, transaction
    from izle.data.demo_identities import IDENTITIES

    if not Path(state).is_file():
        return 0
    conn = connect_write(state)
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'identities'").fetchone():
            return 0
        with transaction(conn):
            return sum(conn.execute("DELETE FROM identities WHERE user_id = ? AND phone = ?",
                                    (i.user_id, i.phone)).rowcount for i in IDENTITIES)
    finally:
        conn.close()


def demo_login_refused(register_kind_value: str | None, user_id: str, phone: str) -> bool:
    """A demo identity logs in only on a demo register: its keys are published."""
    from izle.data.demo_identities import is_demo_identity

    return register_kind_value != "demo" and is_demo_identity(user_id, phone)


def backup(path: Path, now: datetime | None = None) -> Path:
    """A consistent copy beside `path` (SQLite's backup API, so a -wal's content is in it),
    named with the UTC time: register.db.backup-20261203T101500Z."""
    path = Path(path)
    stamp = (now or SystemClock().now()).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.backup-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.backup-{stamp}-{n}")
    try:
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
            finally:
                copy.close()
        finally:
            source.close()
    except sqlite3.DatabaseError:  # not an SQLite file: keep its bytes as they are
        target.unlink(missing_ok=True)
        shutil.copy2(path, target)
    return target
