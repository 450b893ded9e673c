"""Where a first load's time goes: the stages of `izle import` of a letters CSV, one at a time.

    python -m benchmarks.import_stages [--letters N] [--repeat R] [--code DIR] [--keep DIR]

bench_import times the whole import, whose two processes overlap; this times each stage
alone, in one process, as CPU seconds (the best of R) — the work the import must do, which
the machine's load changes far less than it changes wall time — beside the sqlite3 shell's
`.import` of the same file: reading the CSV, validating, the second process's hand-over of
validated rows (marshal, both ends), the INSERTs, each CREATE INDEX and the COMMIT (the WAL
written, then checkpointed into the register; its wall time too, as it is mostly I/O).
`--code DIR`: the importer of another checkout (an older commit exported with `git archive`),
for a before/after table.
"""

from __future__ import annotations

import argparse
import marshal
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from benchmarks.bench_import import prepare_register, write_letters, write_references

TODAY = date.today()  # the letters' dates are generated relative to today, as bench_import's


class TimedConnection:
    """A connection whose CREATE INDEX statements are timed (CPU and wall), by index name."""

    def __init__(self, conn) -> None:
        self._conn = conn
        self.indexes: dict[str, tuple[float, float]] = {}

    def execute(self, sql: str, *args):
        if not sql.startswith("CREATE"):
            return self._conn.execute(sql, *args)
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            return self._conn.execute(sql, *args)
        finally:
            name = sql.split(" ON ")[0].split()[-1]
            self.indexes[name] = (time.process_time() - cpu, time.perf_counter() - wall)

    def __getattr__(self, name: str):
        return getattr(self._conn, name)


def floor(csv_path: Path, folder: Path) -> tuple[float, float]:
    """The sqlite3 shell's .import: (CPU, wall) seconds."""
    db = folder / "floor.db"
    db.unlink(missing_ok=True)
    before, wall = os.times(), time.perf_counter()
    subprocess.run(["sqlite3", str(db), "-cmd", ".mode csv", f".import {csv_path} letters_raw"],
                   check=True)
    after = os.times()
    return (after.children_user + after.children_system - before.children_user
            - before.children_system), time.perf_counter() - wall


def cpu_of(work: Callable[[], object]) -> float:
    started = time.process_time()
    work()
    return time.process_time() - started


def stages(csv_path: Path, references: Path, folder: Path) -> dict[str, tuple[float, float]]:
    """One pass over every stage: name -> (CPU, wall) seconds (wall only where it differs)."""
    from izle.data.db import connect_write
    from izle.data.importer.batches import validated_batches
    from izle.data.importer.reading import read_rows
    from izle.data.importer.run import _tune_for_bulk
    from izle.data.importer.source import open_source
    from izle.data.importer.validating import load_refs
    from izle.data.importer.writing import TableWriter

    source = open_source(csv_path, "letters")
    out: dict[str, tuple[float, float]] = {}
    read = cpu_of(lambda: sum(1 for _ in read_rows(source, "letters", [])))
    out["reading the CSV (csv module, line numbers)"] = (read, read)
    register = folder / "register.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{register}{suffix}").unlink(missing_ok=True)
    shutil.copy(references, register)
    conn = connect_write(register)
    refs = load_refs(conn)
    batches: list[list] = []
    both = cpu_of(lambda: batches.extend(
        b.values for b in validated_batches(source, "letters", refs, TODAY, [])))
    out["validating the rows"] = (both - read, both - read)
    blobs: list[bytes] = []
    dumps = cpu_of(lambda: blobs.extend(marshal.dumps(values) for values in batches))
    out["handing rows over: marshal.dumps (second process)"] = (dumps, dumps)
    batches.clear()
    loads = cpu_of(lambda: batches.extend(marshal.loads(blob) for blob in blobs))
    out["handing rows over: marshal.loads (writing process)"] = (loads, loads)
    blobs.clear()

    _tune_for_bulk(conn)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("BEGIN IMMEDIATE")
    timed = TimedConnection(conn)
    writer = TableWriter(timed, "letters", bulk=True)  # type: ignore[arg-type]
    wall = time.perf_counter()
    insert = cpu_of(lambda: [writer.write(values) for values in batches])
    out["INSERTs (binding and SQLite)"] = (insert, time.perf_counter() - wall)
    batches.clear()
    writer.finish()
    for name, figures in timed.indexes.items():
        out[f"CREATE INDEX {name}"] = figures
    wall = time.perf_counter()
    commit = cpu_of(lambda: conn.execute("COMMIT"))
    out["COMMIT (WAL written, then checkpointed)"] = (commit, time.perf_counter() - wall)
    conn.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="passes; the best of each is shown")
    parser.add_argument("--code", type=Path, default=None, help="the checkout whose importer runs")
    parser.add_argument("--keep", type=Path, default=None, help="work in DIR and keep the files")
    args = parser.parse_args(argv)
    if args.code:
        sys.path.insert(0, str(args.code.resolve()))
    import izle.data.importer

    folder = Path(args.keep or tempfile.mkdtemp(prefix="izle-import-stages-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        *files, staff = write_references(folder)
        csv_path = folder / "letters.csv"
        write_letters(csv_path, args.letters, staff)
        references = folder / "references.db"
        references.unlink(missing_ok=True)
        prepare_register(references, tuple(files))
        print(f"importer: {Path(izle.data.importer.__file__).parent}")
        print(f"{args.letters:,} letters, {csv_path.stat().st_size / 1e6:.1f} MB of CSV;"
              f" best of {args.repeat} passes, load average before:"
              f" {os.getloadavg()[0]:.2f}")
        best: dict[str, list[float]] = {}
        floors = []
        for _ in range(args.repeat):
            floors.append(floor(csv_path, folder))
            for name, (cpu, wall) in stages(csv_path, references, folder).items():
                old = best.setdefault(name, [cpu, wall])
                best[name] = [min(old[0], cpu), min(old[1], wall)]
        floor_cpu, floor_wall = min(f[0] for f in floors), min(f[1] for f in floors)
        print("| stage | CPU s | wall s | CPU / floor's CPU |\n|---|---|---|---|")
        print(f"| floor: sqlite3 shell .import | {floor_cpu:.2f} | {floor_wall:.2f} | 1.00 |")
        total = 0.0
        for name, (cpu, wall) in best.items():
            total += cpu
            print(f"| {name} | {cpu:.2f} | {wall:.2f} | {cpu / floor_cpu:.2f} |")
        print(f"| all stages | {total:.2f} | | {total / floor_cpu:.2f} |")
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
