"""Lookup budget (DESIGN §6): `data.letters` against raw sqlite3 on the same unique index.

    python -m benchmarks.bench_lookup [--letters N] [--big N] [--keys K] [--rounds R]

Subject: `Register.find_letter` and `Register.find_citizen_letter` — normalize the typed number,
the letter query (unique index letters_key, joined to units and executors), the movements query
(primary key of movements), the dataclasses and the legal deadline (working days).
Floors, each a raw `sqlite3` connection opened read-only, the same SQL text (so sqlite3's
statement cache keeps it prepared), keys already normalized, plain tuples:
- "letter row": the letter query alone — DESIGN's "raw prepared query on the same index";
- "letter + movements": both queries, i.e. the same SQLite work as the subject does.
Both verdicts are printed (median ≤ 1.5x, p99 < 1 ms): against "letter + movements" the ratio
is what data/ adds in Python; against the letter row alone it also counts the history query,
which no data layer can skip (one joined query was measured no faster than the two).
Keys are real (agency, number, date) triples sampled from the register, one in ten turned
into a miss (the same number a day later). Every key is looked up once by each side before
timing, so both find the pages in the OS cache; then each key is timed for subject and floors
in turn, the order rotating from key to key.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from benchmarks.common import WORK, Row, demo_register, median, percentile, print_table
from izle.data import letters as letters_module
from izle.data.clock import FixedClock
from izle.data.demo import AS_OF
from izle.data.letters import Register

RATIO_BUDGET = 1.5
P99_BUDGET = 1e-3  # seconds
MISS_EVERY = 10

Key = tuple[str, str, date, str]  # agency, reg_no (as printed), reg_date, applicant FIN


def sample_keys(register: Path, count: int, seed: int = 7) -> list[Key]:
    """Real letters picked at random by id; every MISS_EVERY-th one dated a day later."""
    conn = sqlite3.connect(f"{register.resolve().as_uri()}?mode=ro", uri=True)
    try:
        (top,) = conn.execute("SELECT max(id) FROM letters").fetchone()
        rng = random.Random(seed)
        ids = rng.sample(range(1, top + 1), min(count, top))
        rows = [conn.execute("SELECT agency_code, reg_no, reg_date, applicant_fin FROM letters"
                             " WHERE id = ?", (i,)).fetchone() for i in ids]
    finally:
        conn.close()
    keys = []
    for n, (agency, reg_no, reg_date, fin) in enumerate(rows):
        day = date.fromisoformat(reg_date)
        if n % MISS_EVERY == MISS_EVERY - 1:
            day += timedelta(days=1)
        keys.append((agency, reg_no, day, fin))
    return keys


class RawFloor:
    """The floor: a bare read-only connection running the subject's own SQL text."""

    def __init__(self, register: Path) -> None:
        self.conn = sqlite3.connect(f"{register.resolve().as_uri()}?mode=ro", uri=True,
                                    check_same_thread=False)

    def letter(self, agency: str, key: str, day: str) -> tuple | None:
        return self.conn.execute(letters_module._LETTER_SQL, (agency, key, day)).fetchone()

    def letter_and_movements(self, agency: str, key: str, day: str) -> tuple | None:
        row = self.letter(agency, key, day)
        if row is None:
            return None
        return row, self.conn.execute(letters_module._MOVEMENTS_SQL, (row[0],)).fetchall()

    def close(self) -> None:
        self.conn.close()


def _timer(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def measure(register: Path, keys: list[Key], rounds: int) -> dict[str, list[float]]:
    """Per-call times of each contender, keys and contenders interleaved.

    Each contender has its own connection, so none finds pages in SQLite's cache that another
    has just read for the same key.
    """
    from izle.data.text import normalize_reg_no

    plain, citizen = Register(register, clock=FixedClock(AS_OF)), Register(register, clock=FixedClock(AS_OF))
    row_floor, full_floor = RawFloor(register), RawFloor(register)
    prepared = [(a, normalize_reg_no(n), d.isoformat()) for a, n, d, _fin in keys]
    contenders: dict[str, Callable[[int], object]] = {
        "find_letter": lambda i: plain.find_letter(*keys[i][:3]),
        "find_citizen_letter": lambda i: citizen.find_citizen_letter(*keys[i]),
        "floor: letter row": lambda i: row_floor.letter(*prepared[i]),
        "floor: letter + movements": lambda i: full_floor.letter_and_movements(*prepared[i]),
    }
    names = list(contenders)
    for i in range(len(keys)):  # warm: OS cache, holidays, statement caches
        for name in names:
            contenders[name](i)
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        for i in range(len(keys)):
            shift = (i + r) % len(names)
            for name in names[shift:] + names[:shift]:
                times[name].append(_timer(lambda: contenders[name](i)))
    for closing in (plain, citizen, row_floor, full_floor):
        closing.close()
    return times


def report(letters: int, times: dict[str, list[float]]) -> list[Row]:
    row_floor = times["floor: letter row"]
    full_floor = times["floor: letter + movements"]
    budget = f"≤ {RATIO_BUDGET}x"
    rows: list[Row] = []
    for name in ("find_letter", "find_citizen_letter"):
        subject = times[name]
        label = f"{letters:,}: {name}"
        rows += [
            Row(f"{label} median vs letter + movements", median(subject), median(full_floor),
                "ms", budget, median(subject) <= RATIO_BUDGET * median(full_floor)),
            Row(f"{label} median vs letter row alone", median(subject), median(row_floor),
                "ms", budget, median(subject) <= RATIO_BUDGET * median(row_floor)),
            Row(f"{label} p99", percentile(subject, 99), percentile(full_floor, 99), "ms",
                "< 1 ms", percentile(subject, 99) < P99_BUDGET),
        ]
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1_000_000)
    parser.add_argument("--big", type=int, default=0, help="also a register of this size")
    parser.add_argument("--keys", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=WORK)
    args = parser.parse_args(argv)

    rows: list[Row] = []
    for size in [args.letters] + ([args.big] if args.big else []):
        demo = demo_register(size, args.seed, args.work)
        keys = sample_keys(demo.register, args.keys)
        rows += report(size, measure(demo.register, keys, args.rounds))
    calls = min(args.keys, args.letters) * args.rounds
    print_table("Lookup in data/ (Register.find_letter) vs raw sqlite3", rows, [
        f"{calls:,} timed calls per contender and register; 1 key in {MISS_EVERY} is a miss.",
        "Floors: raw sqlite3, the subject's SQL text, keys pre-normalized. 'letter + movements' "
        "does the same SQLite work as the subject; 'letter row alone' is DESIGN's literal floor, "
        "which leaves out the history query every answer needs (p99 is shown against the first).",
    ])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
