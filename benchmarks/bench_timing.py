"""The timing oracle: can an attacker tell "another person's letter" from "no such letter"?

A citizen's three misses must read the same *and take the same time* (DESIGN §6): the letter
of another citizen with its right date (not-yours), a number that does not exist (missing),
and the citizen's own number with a wrong date (wrong-date). 2,000 lookups of each, interleaved
in a shuffled order so drift hits all three alike, at two levels:

- query: `Register.find_citizen_letter`, the SQL alone. Shown for information: its index probes
  differ by a few hundred nanoseconds (a probe ends at another depth of the B-tree), which
  2,000 samples detect. No interface returns this timing.
- desk: `Desk.lookup`, the data layer's answer that every interface (TUI, browser, JSON) gets,
  audit row included; it answers every miss at one fixed moment after the question.

Each pair is compared with a two-sample Kolmogorov–Smirnov test; the budget is p > 0.01 for
every pair of the desk. Run: `python3 -m benchmarks.bench_timing [--letters N] [--n 2000]`.
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import shutil
import sqlite3
import tempfile
import time
from datetime import date
from pathlib import Path

from benchmarks.common import demo_register, median, percentile
from izle.data.clock import SystemClock
from izle.data.demo import AS_OF
from izle.data.desk import Desk, Limits, LookupRequest, Mode, Session
from izle.data.identities import get_identity
from izle.data.letters import Register
from izle.data.mobile_id import EmulatedMobileId
from izle.data.terminal import TerminalStore
from izle.data.text import parse_date

BUDGET_P = 0.01
KINDS = ("not_yours", "missing", "wrong_date")


def ks_pvalue(a: list[float], b: list[float]) -> float:
    """Two-sample Kolmogorov–Smirnov test, asymptotic p-value (Smirnov's series)."""
    a, b = sorted(a), sorted(b)
    n, m = len(a), len(b)
    i = j = 0
    d = 0.0
    for value in sorted(set(a) | set(b)):
        while i < n and a[i] <= value:
            i += 1
        while j < m and b[j] <= value:
            j += 1
        d = max(d, abs(i / n - j / m))
    en = math.sqrt(n * m / (n + m))
    lam = (en + 0.12 + 0.11 / en) * d
    p = 2 * sum((-1) ** (k - 1) * math.exp(-2 * k * k * lam * lam) for k in range(1, 101))
    return min(1.0, max(0.0, p))


class DemoDayClock(SystemClock):
    """The real clock (time must really pass), on the demo register's "today"."""

    def today(self) -> date:
        return AS_OF


def cases(demo) -> dict[str, tuple[str, str, date]]:
    """(agency, number, date) of each kind of miss for the demo's first citizen."""
    citizen = demo.citizen
    own = next(s for s in demo.info["samples"] if s["owner_user_id"] == citizen["user_id"])
    other = next(s for s in demo.info["samples"] if s["owner_user_id"] != citizen["user_id"])
    own_day = parse_date(own["reg_date"])
    return {
        "not_yours": (other["agency"], other["reg_no"], parse_date(other["reg_date"])),
        "missing": (own["agency"], "99-99/999999", own_day),
        "wrong_date": (own["agency"], own["reg_no"], date(own_day.year - 1, 1, 2)),
    }


def measure(run, order: list[str]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {k: [] for k in KINDS}
    for kind in order:
        started = time.perf_counter_ns()
        run(kind)
        times[kind].append((time.perf_counter_ns() - started) / 1000)  # µs
    return times


def report(level: str, times: dict[str, list[float]], budget: bool = True) -> bool:
    ok = True
    for kind in KINDS:
        t = times[kind]
        print(f"  {level:5} {kind:11} median {median(t):8.1f} µs  p90 {percentile(t, 90):8.1f} µs")
    for a, b in itertools.combinations(KINDS, 2):
        p = ks_pvalue(times[a], times[b])
        verdict = ("OK" if p > BUDGET_P else "OVER") if budget else "(information)"
        ok &= p > BUDGET_P
        print(f"  {level:5} {a} vs {b}: KS p = {p:.3f} (budget > {BUDGET_P}) {verdict}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=200_000)
    parser.add_argument("--n", type=int, default=2000, help="lookups of each kind")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    demo = demo_register(args.letters)
    rng = random.Random(args.seed)
    order = [k for k in KINDS for _ in range(args.n)]
    print(f"Timing oracle on a {args.letters:,}-letter register, {args.n:,} lookups of each miss")

    clock = DemoDayClock()
    register = Register(demo.register, clock=clock)
    fin = demo.citizen["fin"]
    targets = cases(demo)
    for agency, number, day in targets.values():  # warm the caches alike
        register.find_citizen_letter(agency, number, day, fin)
    rng.shuffle(order)
    report("query", measure(lambda kind: register.find_citizen_letter(*targets[kind], fin), order),
           budget=False)

    with tempfile.TemporaryDirectory() as folder:  # a scratch terminal.db: the audit grows
        state = Path(folder) / "terminal.db"
        shutil.copy(demo.state, state)
        store = TerminalStore(state, clock, random.Random(1))
        desk = Desk(register=register, store=store, clock=clock, mode=Mode.CITIZEN,
                    provider=EmulatedMobileId(store, clock, random.Random(1)), terminal="bench",
                    limits=Limits(session_misses=10**9, person_misses=10**9, slow_from=10**9))
        conn = sqlite3.connect(state)
        conn.row_factory = sqlite3.Row
        desk.session = Session(get_identity(conn, demo.citizen["user_id"]))
        conn.close()
        requests = {k: LookupRequest(register.agency(a), n, d) for k, (a, n, d) in targets.items()}
        rng.shuffle(order)
        desk_ok = report("desk", measure(lambda kind: desk.lookup(requests[kind]), order))
    print("RESULT", "OK" if desk_ok else "OVER")
    return 0 if desk_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
