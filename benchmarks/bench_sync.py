"""Sync budgets (DESIGN §6, §8): `izle sync` from the central PostgreSQL register.

    python -m benchmarks.bench_sync [--letters 1000000] [--quick] [--terminals 50] [--pg URL]

1. First sync of N letters into an empty register vs the floor: `COPY (SELECT …) TO STDOUT`
   of the same rows into a CSV file plus the `sqlite3` shell's `.import` of it into the
   register's letters table (budget ≤ 2x).
2. A delta of 10,000 changed letters on that big register (budget ≤ 2 s, DESIGN §6).
3. Central load: `--terminals` small registers syncing at once after a small change, as they
   would every minute: queries (round trips) per sync and ms per sync; all of them together
   must take well under the minute (budget ≤ 10 % of it).
The central register is built in a database of its own on the server (`--pg`, else
`IZLE_TEST_PG`, else the local one), dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.common import Row, percentile, print_table

LETTER_SQL = """
INSERT INTO agencies (code, name_az, kind, sort) VALUES ('DGK', 'Dövlət Gömrük Komitəsi', 'committee', 1);
INSERT INTO units (id, agency_code, name_az) SELECT u::text, 'DGK', 'Bölmə ' || u FROM generate_series(1, 50) u;
INSERT INTO executors (id, unit_id, full_name, phone)
    SELECT e::text, (1 + e % 50)::text, 'İcraçı ' || e, '+994 12 404 11 22' FROM generate_series(1, 500) e;
INSERT INTO letters (agency_code, reg_no, reg_no_key, reg_date, channel, applicant_fin,
                     applicant_name, status, unit_id, executor_id, due_date, needs_study, updated_at)
    SELECT 'DGK', '01-31/' || n, '01-31/' || n, '2025-01-01'::date + (n % 300),
           CASE WHEN n % 2 = 0 THEN 'written' ELSE 'electronic' END,
           upper(substr(md5(n::text), 1, 7)), 'Ərizəçi ' || n, 'in_execution',
           (1 + (1 + n % 500) % 50)::text, (1 + n % 500)::text, '2025-12-01', 0, '2025-01-01T00:00:00+00:00'
    FROM generate_series(1, %(letters)s) n;
"""
COPY_COLUMNS = ("id", "agency_code", "reg_no", "reg_no_key", "reg_date", "channel", "applicant_fin",
                "applicant_name", "status", "unit_id", "executor_id", "due_date", "needs_study",
                "extended_to", "answered_on", "forwarded_to", "attached_to", "updated_at")


def build_central(url: str, letters: int) -> None:
    from izle.data.central.connection import connect
    from izle.data.central.schema import migrate

    with connect(url, autocommit=True) as conn:
        migrate(conn)
        conn.execute(LETTER_SQL.replace("%(letters)s", str(int(letters))))
        conn.execute("VACUUM ANALYZE letters")


def first_sync(url: str, folder: Path) -> float:
    from izle.data.central.sync import sync

    register = folder / "subject" / "register.db"
    started = time.perf_counter()
    sync(url, register)
    return time.perf_counter() - started


def floor(url: str, folder: Path) -> float:
    """COPY … TO STDOUT into a file, then sqlite3's .import into the register's letters table."""
    from izle.data.central.connection import connect
    from izle.data.schema import ensure_register

    register, csv_path = folder / "floor" / "register.db", folder / "floor" / "letters.csv"
    ensure_register(register)  # outside the timing: the subject's schema exists already too
    started = time.perf_counter()
    with connect(url) as conn, open(csv_path, "wb") as out:
        with conn.cursor().copy(f"COPY (SELECT {', '.join(COPY_COLUMNS)} FROM letters) TO STDOUT"
                                " (FORMAT csv)") as copy:
            for chunk in copy:
                out.write(chunk)
    subprocess.run(["sqlite3", str(register), "-cmd", ".mode csv", f".import {csv_path} letters"],
                   check=True, capture_output=True)
    return time.perf_counter() - started


def delta(url: str, folder: Path, changed: int) -> float:
    from izle.data.central.connection import connect
    from izle.data.central.sync import sync

    with connect(url, autocommit=True) as conn:
        conn.execute("UPDATE letters SET status = 'answered', answered_on = '2025-12-01'"
                     " WHERE id <= %s", (changed,))
    started = time.perf_counter()
    result = sync(url, folder / "subject" / "register.db")
    took = time.perf_counter() - started
    assert result.written["letters"] >= changed, result
    return took


class RoundTrips:
    """Counts what each thread sends to the server: statements and server-cursor fetches."""

    def __init__(self) -> None:
        import psycopg

        self.local = threading.local()
        self.patched = []
        for cls, name in ((psycopg.Cursor, "execute"), (psycopg.ServerCursor, "execute"),
                          (psycopg.ServerCursor, "fetchmany")):
            original = getattr(cls, name)
            self.patched.append((cls, name, original))
            setattr(cls, name, self._counting(original))

    def _counting(self, original):
        def wrapper(cursor, *args, **kwargs):
            self.local.n = getattr(self.local, "n", 0) + 1
            return original(cursor, *args, **kwargs)
        return wrapper

    def take(self) -> int:
        n, self.local.n = getattr(self.local, "n", 0), 0
        return n

    def close(self) -> None:
        for cls, name, original in self.patched:
            setattr(cls, name, original)


def central_load(url: str, folder: Path, terminals: int) -> tuple[list[float], list[int], float]:
    from izle.data.central.connection import connect
    from izle.data.central.sync import sync

    registers = [folder / "load" / f"t{i}" / "register.db" for i in range(terminals)]
    for register in registers:  # each under its own name, as each terminal syncs
        sync(url, register, terminal=register.parent.name)
    with connect(url, autocommit=True) as conn:  # a minute's worth of changes
        conn.execute("UPDATE letters SET applicant_name = applicant_name || '.' WHERE id <= 20")
    counter = RoundTrips()
    times: list[float] = []
    queries: list[int] = []

    def one(register: Path) -> None:
        counter.take()
        started = time.perf_counter()
        sync(url, register, terminal=register.parent.name)
        times.append(time.perf_counter() - started)
        queries.append(counter.take())

    started = time.perf_counter()
    threads = [threading.Thread(target=one, args=(r,)) for r in registers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    counter.close()
    return times, queries, wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="100,000 letters at most, 10 terminals")
    parser.add_argument("--terminals", type=int, default=50)
    parser.add_argument("--changed", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=2_000, help="letters of the load test's centre")
    parser.add_argument("--pg", default=os.environ.get("IZLE_TEST_PG"))
    args = parser.parse_args(argv)
    letters, terminals = args.letters, args.terminals
    if args.quick:
        letters, terminals = min(letters, 100_000), min(terminals, 10)
    if not shutil.which("sqlite3"):
        print("the sqlite3 shell is needed for the floor (apt-get install sqlite3)")
        return 2
    from tests.central_pg import DEFAULT_URLS, scratch_database

    server = args.pg or _first_reachable(DEFAULT_URLS)
    with tempfile.TemporaryDirectory(prefix="izle-bench-sync-") as tmp:
        folder = Path(tmp)
        with scratch_database(server) as url:
            build_central(url, letters)
            subject, base = first_sync(url, folder), floor(url, folder)
            changed = min(args.changed, letters)
            took = delta(url, folder, changed)
        with scratch_database(server) as url:
            build_central(url, args.small)
            times, queries, wall = central_load(url, folder, terminals)
    print_table("Sync from the central register", [
        Row(f"first sync of {letters:,} letters vs COPY TO STDOUT + sqlite3 .import", subject, base,
            "s", "≤ 2x", subject <= 2 * base),
        Row(f"delta of {changed:,} changed letters on the {letters:,}-letter register", took, None,
            "s", "≤ 2 s", took <= 2),
        Row(f"{terminals} terminals syncing at once: ms per sync, median", statistics.median(times),
            None, "ms", "-", None),
        Row(f"{terminals} terminals syncing at once: ms per sync, p99", percentile(times, 99), None,
            "ms", "-", None),
        Row(f"{terminals} terminals syncing at once: queries per sync (max)", max(queries), None,
            "", "-", None),
        Row(f"{terminals} terminals syncing at once: all of them, wall time vs the minute",
            wall, 60.0, "s", "≤ 0.10x", wall <= 6.0),
    ], notes=["Queries are round trips counted in psycopg (statements and server-cursor fetches)."])
    return 0


def _first_reachable(urls) -> str:
    import psycopg

    for url in urls:
        try:
            psycopg.connect(url, connect_timeout=3).close()
            return url
        except psycopg.Error:
            pass
    raise SystemExit("no PostgreSQL reachable: set IZLE_TEST_PG or --pg")


if __name__ == "__main__":
    sys.exit(main())
