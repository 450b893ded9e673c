"""Where the two SQLite files live and how to open them.

`register.db` is the read model (written only by administrators' commands, opened read-only by
the TUI); `terminal.db` beside it holds this terminal's identities and audit log.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REGISTER_NAME = "register.db"
STATE_NAME = "terminal.db"
BUSY_TIMEOUT_MS = 5000


def default_register_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("izle", appauthor=False)) / REGISTER_NAME


def register_path(db: str | os.PathLike | None = None) -> Path:
    """`--db` (or IZLE_DB, through click), else the platform's user data folder."""
    return Path(db).expanduser() if db else default_register_path()


def state_path(register: Path, state: str | os.PathLike | None = None) -> Path:
    """`--state` (or IZLE_STATE, through click), else `terminal.db` beside the register."""
    return Path(state).expanduser() if state else register.with_name(STATE_NAME)


class NotAFile(sqlite3.OperationalError):
    """The path names something that is not a regular file (a FIFO, a device, a folder):
    opening it would block or read what is not a database, so it is refused first."""


def require_regular(path: Path) -> None:
    """NotAFile unless `path` is absent (SQLite creates it) or a regular file."""
    if Path(path).exists() and not Path(path).is_file():
        raise NotAFile(f"{path} is not a regular file")


def _tune(conn: sqlite3.Connection) -> sqlite3.Connection:
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection: the TUI never writes the register and never blocks a writer.

    A WAL register on read-only media (a kiosk's register shipped on a read-only disk) cannot
    be opened `mode=ro`: SQLite must create the `-shm` file beside it. Such a register is
    opened `immutable=1` instead — correct there, because nothing can write it.
    """
    require_regular(path)
    base = Path(path).resolve().as_uri()
    conn = _tune(sqlite3.connect(f"{base}?mode=ro", uri=True, check_same_thread=False))
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
    return _tune(sqlite3.connect(f"{base}?mode=ro&immutable=1", uri=True, check_same_thread=False))


def connect_write(path: Path) -> sqlite3.Connection:
    """A read-write connection in autocommit mode; callers open transactions explicitly."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    require_regular(path)
    conn = _tune(sqlite3.connect(path, isolation_level=None, check_same_thread=False))
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """`BEGIN IMMEDIATE` … `COMMIT`, or `ROLLBACK` on any exception (the write lock is taken at
    once, so two writers queue on busy_timeout instead of failing half-way). Inside a
    transaction the caller already opened, it adds nothing: the caller's decides."""
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def user_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def remove_sqlite_files(path: Path, *, main: bool = True) -> None:
    """Remove an SQLite file's -wal/-shm/-journal companions (and the file itself if `main`)."""
    for suffix in ([""] if main else []) + ["-wal", "-shm", "-journal"]:
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def fsync_path(path: Path) -> None:
    """Flush a file (or a folder's entries) to disk: before a rename makes a new file current."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
