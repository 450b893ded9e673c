"""The whole file: one transaction, the writer fed by the validated batches."""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from izle.data.clock import SystemClock
from izle.data.db import connect_write, transaction
from izle.data.guard import drop_demo_identities, mark_imported
from izle.data.importer.batches import validated_batches
from izle.data.importer.kinds import KINDS, ImportResult, Progress
from izle.data.importer.parallel import batches
from izle.data.importer.source import Source, open_source
from izle.data.importer.validating import Refs, load_refs
from izle.data.importer.writing import TABLES, MovementWriter, TableWriter
from izle.data.schema import ensure_register, ensure_terminal

BIG_FILE_ROWS = 100_000  # from here on: bulk load into an empty table, validation in parallel


def import_file(
    register: Path, path: Path, kind: str, *, state: Path | None = None, strict: bool = False,
    dry_run: bool = False, progress: Progress | None = None, today: date | None = None,
    encoding: str | None = None, public_holidays: bool = True,
) -> ImportResult:
    """Import one file of one kind; raises FileProblem when the file cannot be read at all.
    `public_holidays`: give a register without them Azerbaijan's public holidays (not for the
    central register's scratch copy, whose calendar is the centre's)."""
    path, register = Path(path), Path(register)
    source = open_source(path, kind, encoding)
    today = today or SystemClock().today()
    if kind == "identities":
        return _import_identities(Path(state or register.with_name("terminal.db")), source,
                                  strict=strict, dry_run=dry_run, today=today)
    ensure_register(register)
    if public_holidays and not dry_run:
        _public_holidays(register)
    conn = connect_write(register)
    big = kind == "letters" and source.splittable and _estimate_rows(path) >= BIG_FILE_ROWS
    try:
        _tune_for_bulk(conn)
        if big:
            # Every reference is checked against the register in this very transaction;
            # SQLite checking them again costs three index lookups a row.
            conn.execute("PRAGMA foreign_keys = OFF")
        result = _all_or_nothing(
            conn, lambda: _import_into(conn, source, kind, strict, dry_run, progress, today, big))
    finally:
        conn.close()
    if result.committed and state is not None:
        drop_demo_identities(state)  # real records now: no published demo key opens them
    return result


def _public_holidays(register: Path) -> None:
    """A register gets Azerbaijan's public holidays as calendar rows once (the TUI reads them
    there and never imports `holidays`); `izle calendar refresh` renews them. A connection of
    its own, so the file's counts (added, updated) stay the file's."""
    from izle.data.deadlines import has_public_holidays, store_public_holidays

    conn = connect_write(register)
    try:
        if not has_public_holidays(conn):
            with transaction(conn):
                store_public_holidays(conn)
    finally:
        conn.close()


def _all_or_nothing(conn: sqlite3.Connection,
                    work: Callable[[], ImportResult]) -> ImportResult:
    """One transaction for the whole file: kept only when the result says so (not on --dry-run,
    nor when --strict met a bad row), rolled back on any error, so the register is never half-done."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work()
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT" if result.committed else "ROLLBACK")
    return result


def _tune_for_bulk(conn: sqlite3.Connection) -> None:
    # A large cache keeps a big transaction in memory instead of spilling it early; NORMAL is
    # WAL's durable-enough setting (a power cut may lose the last commit, never consistency).
    conn.execute("PRAGMA cache_size = -262144")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA temp_store = MEMORY")


def _import_into(conn: sqlite3.Connection, source: Source, kind: str, strict: bool, dry_run: bool,
                 progress: Progress | None, today: date, big: bool) -> ImportResult:
    """The whole file inside the open transaction; `big`: a big letters file (bulk paths)."""
    result = ImportResult(kind, dry_run=dry_run, strict=strict)
    problems = result.problems
    total = source.path.stat().st_size
    table = TABLES.get(kind)
    before = _count(conn, table[0]) if table else 0
    changes = conn.total_changes
    writer = TableWriter(conn, kind, bulk=big and before == 0) if table else MovementWriter(conn)
    with _without_gc():
        letter_id = writer.letter_id if isinstance(writer, MovementWriter) else None
        for batch in batches(source, kind, load_refs(conn), today, problems, letter_id, big):
            result.read += batch.read
            result.refused += batch.refused
            if not (strict and result.refused):  # a refused file: keep checking, stop writing
                writer.write(batch.values)
            if progress:
                progress(result.read, batch.position, total)
    if isinstance(writer, TableWriter):
        writer.finish()
        accepted = result.read - result.refused
        result.added = _count(conn, table[0]) - before  # type: ignore[index]
        result.updated = conn.total_changes - changes - result.added - writer.duplicates
        result.unchanged = accepted - result.added - result.updated
    else:
        result.added, result.updated, result.unchanged = writer.added, writer.updated, writer.unchanged
    _finish(result)
    if result.committed:
        mark_imported(conn)  # from now on `izle demo` will not replace it without --force
    return result


@contextmanager
def _without_gc() -> Iterator[None]:
    """Millions of short-lived, acyclic tuples would run the cyclic GC thousands of times for
    nothing (13 % of the import's time, measured)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _finish(result: ImportResult) -> None:
    """Commit unless a dry run; under --strict one refused row refuses the whole file."""
    if result.strict and result.refused:
        result.added = result.updated = result.unchanged = 0
        result.refused = result.read
    result.committed = not result.dry_run and not (result.strict and result.refused)


def _count(conn: sqlite3.Connection, table: str) -> int:
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _estimate_rows(path: Path) -> int:
    """Rows in the file, estimated from its first 64 KiB."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        sample = f.read(1 << 16)
    return size * sample.count(b"\n") // max(1, len(sample))


def _import_identities(state: Path, source: Source, *, strict: bool, dry_run: bool,
                       today: date) -> ImportResult:
    """Identities go to terminal.db; PIN1 is hashed, compared by hash, and never reported."""
    from izle.data.identities import get_identity, hash_pin, pin_matches, upsert_identity

    result = ImportResult("identities", dry_run=dry_run, strict=strict)
    rows: list[tuple] = []
    for batch in validated_batches(source, "identities", Refs(), today, result.problems):
        rows += zip(*[iter(batch.values)] * len(KINDS["identities"]))
        result.read += batch.read
        result.refused += batch.refused
    _finish(result)
    ensure_terminal(state)
    conn = connect_write(state)
    try:
        # Compare outside the transaction: scrypt is slow, and the TUI writes this file too.
        plan = []
        for user_id, phone, fin, full_name, role, pin1 in rows:
            old = get_identity(conn, user_id)
            stored = conn.execute("SELECT pin1_hash FROM identities WHERE user_id = ?",
                                  (user_id,)).fetchone()
            same = (old is not None and (old.phone, old.fin, old.full_name, old.role)
                    == (phone, fin, full_name, role) and pin_matches(pin1, stored[0]))
            values = dict(user_id=user_id, phone=phone, fin=fin, full_name=full_name, role=role,
                          pin1=pin1, pin1_hash=None if same else hash_pin(pin1))
            plan.append((old is None, same, values))

        def apply() -> ImportResult:
            for new, same, values in plan if not (strict and result.refused) else []:
                if same:
                    result.unchanged += 1
                    continue
                upsert_identity(conn, **values)
                result.added += new
                result.updated += not new
            return result

        _all_or_nothing(conn, apply)
    finally:
        conn.close()
    return result
