"""Is `izle sync` exact under concurrency? The Jepsen-style run of tests/jepsen.py over many
seeds, and what a long-open transaction costs each sync.

    python -m benchmarks.bench_jepsen [--seeds 20] [--syncs 40] [--writers 5] [--pg URL]

1. Per seed: random writers (inserts, updates, key changes, deletes and re-inserts of letters,
   movements and calendar days; short and held transactions, some rolled back) against three
   terminals syncing over and over. After each sync the register must equal the snapshot that
   sync read; after a final sync each terminal must equal the centre: lost / ghost / stale.
   The same run with the old rule (the snapshot's xmin as watermark, tombstones applied without
   looking at the snapshot), emulated by patching the two queries, is the baseline: it shows
   the run can see what the issue saw.
2. A transaction held open across 5 syncs while 4,000 letters change between syncs: rows each
   sync fetches, against the rows the old xmin watermark would have fetched.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from benchmarks.common import Row, print_table


@contextmanager
def old_rule():
    """The sync before the snapshot watermark: `change >= xmin`, tombstones applied blindly."""
    from izle.data.central import sync as module

    def unseen(mark):
        return "(change >= %s::text::xid8)", (str(mark.horizon),)

    def delete_all(conn, lite, since):
        where, params = unseen(since)
        deleted = 0
        rows = conn.execute(f'SELECT "table", key FROM tombstones WHERE {where} ORDER BY change',
                            params).fetchall()
        for table, key in rows:
            local = " AND ".join(f"{c} = ?" for c in module.TABLES[table][0])
            deleted += lite.execute(f"DELETE FROM {table} WHERE {local}",
                                    module._local_key(table, key)).rowcount
        return deleted

    saved = module.Watermark.unseen, module._delete_absent
    module.Watermark.unseen, module._delete_absent = unseen, delete_all
    try:
        yield
    finally:
        module.Watermark.unseen, module._delete_absent = saved


def jepsen(server: str, seeds: int, syncs: int, writers: int) -> list:
    from tests.central_pg import scratch_database
    from tests.jepsen import Run, build

    outcomes = []
    for seed in range(1, seeds + 1):
        with scratch_database(server) as url, tempfile.TemporaryDirectory() as folder:
            build(url)
            outcome = Run(url, Path(folder), seed, writers=writers, syncs=syncs).go()
        outcomes.append(outcome)
        final = outcome.final
        print(f"  seed {seed:2}: {outcome.syncs} syncs ({outcome.full_copies} full), "
              f"{outcome.commits} commits, {outcome.rollbacks} rollbacks, {outcome.held} held; "
              f"syncs off their snapshot {outcome.mismatched_syncs}; final lost/ghost/stale "
              f"{final['lost']}/{final['ghost']}/{final['stale']}"
              + (f"; errors {outcome.errors[:1]}" if outcome.errors else ""), flush=True)
    return outcomes


def held_transaction(server: str, letters: int = 20_000, changed: int = 4_000,
                     rounds: int = 5) -> tuple[list[int], list[int]]:
    """Rows fetched per sync (exact rule) and rows `change >= xmin` selects at the same syncs."""
    from izle.data.central.connection import connect
    from izle.data.central.sync import sync
    from tests.central_pg import scratch_database
    from tests.jepsen import build

    fetched, old = [], []
    with scratch_database(server) as url, tempfile.TemporaryDirectory() as folder:
        build(url, letters)
        register = Path(folder) / "register.db"
        sync(url, register, terminal="held")
        held = connect(url)
        try:
            held.execute("UPDATE calendar SET note = 'held'")  # takes an id, stays open
            held.execute("INSERT INTO calendar (date, kind) VALUES ('2030-01-01', 'holiday')")
            first = 1
            for _ in range(rounds):
                with connect(url, autocommit=True) as conn:
                    conn.execute("UPDATE letters SET applicant_name = applicant_name || '.'"
                                 " WHERE id BETWEEN %s AND %s", (first, first + changed - 1))
                    first += changed
                seen: dict[str, int] = {}
                result = sync(url, register, terminal="held",
                              on_snapshot=lambda c: seen.update(old=_old_rule_rows(c, register)))
                fetched.append(result.rows)
                old.append(seen["old"])
        finally:
            held.rollback()
            held.close()
    return fetched, old


def _old_rule_rows(conn, register: Path) -> int:
    """Rows `change >= xmin of the last sync's snapshot` selects in this snapshot."""
    import sqlite3

    from izle.data.central.schema import TABLES
    from izle.data.central.sync import XIP_KEY, XMAX_KEY

    lite = sqlite3.connect(register)
    try:
        meta = dict(lite.execute("SELECT key, value FROM meta").fetchall())
    finally:
        lite.close()
    xmin = min(int(x) for x in [meta[XMAX_KEY], *meta[XIP_KEY].split(",")] if x)
    return sum(conn.execute(f"SELECT count(*) FROM {t} WHERE change >= %s::text::xid8",
                            (str(xmin),)).fetchone()[0] for t in TABLES)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--syncs", type=int, default=40, help="syncs per terminal per seed")
    parser.add_argument("--writers", type=int, default=5)
    parser.add_argument("--baseline-seeds", type=int, default=6,
                        help="seeds run again with the old rule")
    parser.add_argument("--held-letters", type=int, default=20_000,
                        help="letters of the held-transaction centre")
    parser.add_argument("--held-changed", type=int, default=4_000,
                        help="letters changed between two syncs there")
    parser.add_argument("--pg", default=os.environ.get("IZLE_TEST_PG"))
    args = parser.parse_args(argv)
    from benchmarks.bench_sync import _first_reachable
    from tests.central_pg import DEFAULT_URLS

    server = args.pg or _first_reachable(DEFAULT_URLS)
    print(f"exact rule, {args.seeds} seeds:")
    exact = jepsen(server, args.seeds, args.syncs, args.writers)
    print(f"old rule (baseline), {args.baseline_seeds} seeds:")
    with old_rule():
        before = jepsen(server, args.baseline_seeds, args.syncs, args.writers)
    changed = min(args.held_changed, args.held_letters // 5)
    fetched, old = held_transaction(server, args.held_letters, changed)
    print_table("Exact sync under concurrency (Jepsen-style)", [
        *_rows("exact rule", exact),
        *_rows("old rule (baseline)", before),
        Row(f"rows fetched per sync, a transaction held open across 5 syncs, {changed:,} letters "
            f"changed per sync: {fetched} vs old rule {old}", statistics.mean(fetched),
            statistics.mean(old), "rows", "≤ changed", max(fetched) <= changed),
    ], notes=["lost: a centre row missing on a terminal; ghost: a terminal row the centre does "
              "not have; stale: same key, other values. 'syncs off their snapshot': syncs after "
              "which the register differed from the snapshot the sync read."])
    return 0 if all(o.exact for o in exact) else 1


def _rows(label: str, outcomes: list) -> list[Row]:
    final: Counter = Counter()
    for o in outcomes:
        final.update(o.final)
    syncs = sum(o.syncs for o in outcomes)
    off = sum(o.mismatched_syncs for o in outcomes)
    exact = label.startswith("exact")
    return [
        Row(f"{label}: syncs off their snapshot, of {syncs} ({len(outcomes)} seeds)", off, None,
            "", "0" if exact else "-", off == 0 if exact else None),
        Row(f"{label}: final lost / ghost / stale rows, all terminals: {final['lost']} / "
            f"{final['ghost']} / {final['stale']}", sum(final.values()), None, "",
            "0" if exact else "-", sum(final.values()) == 0 if exact else None),
        Row(f"{label}: seeds with any difference", sum(not o.exact for o in outcomes), None, "",
            "0" if exact else "-", all(o.exact for o in outcomes) if exact else None),
    ]


if __name__ == "__main__":
    sys.exit(main())
