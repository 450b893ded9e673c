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
every pair of the desk.

Two more doors, where an attacker needs no login:
- stdin: `izle lookup --json --stdin`, one process kept open as an IVR keeps it, timed from the
  request line written to its answer line read. Its four misses: a letter that exists asked
  with another applicant's FIN (wrong_fin) or surname (wrong_surname), a number that does not
  exist (missing), a real letter with a wrong date (wrong_date). Asked in rounds, each round the
  four kinds back to back in a shuffled order: KS over all answers of two kinds, and a paired
  sign test over the rounds (which of the two was slower within the same round — drift and
  noise cancel, a steady gap of a few microseconds does not).
- search: an operator's find-by-applicant (`Desk.find_applicant`) with a wrong surname, for a
  FIN that has letters (its names are read and compared) and for one that has none.
Budget for both as for the desk: p > 0.01 for every pair and every test.
Run: `python3 -m benchmarks.bench_timing [--letters N] [--n 2000] [--only desk|stdin|search]`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from benchmarks.common import ROOT, WORK, demo_register, median, percentile
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
API_KINDS = ("wrong_fin", "wrong_surname", "missing", "wrong_date")
SEARCH_KINDS = ("fin_with_letters", "fin_without_letters")


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


def sign_test_pvalue(a: list[float], b: list[float]) -> float:
    """Paired sign test, two-sided, exact: is a[i] > b[i] in more pairs than chance allows?"""
    above = sum(x > y for x, y in zip(a, b))
    below = sum(x < y for x, y in zip(a, b))
    n = above + below
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, k) for k in range(min(above, below) + 1))
    return min(1.0, 2 * tail / 2 ** n)


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


def report(level: str, times: dict[str, list[float]], budget: bool = True,
           paired: bool = False) -> bool:
    """Medians, then KS (and with `paired` the sign test) for every pair of kinds."""
    ok = True
    kinds = list(times)
    for kind in kinds:
        t = times[kind]
        print(f"  {level:6} {kind:19} median {median(t):9.1f} µs  p10 {percentile(t, 10):9.1f}"
              f"  p90 {percentile(t, 90):9.1f} µs")
    tests = [("KS", ks_pvalue)] + ([("sign", sign_test_pvalue)] if paired else [])
    for a, b in itertools.combinations(kinds, 2):
        for name, test in tests:
            p = test(times[a], times[b])
            verdict = ("OK" if p > BUDGET_P else "OVER") if budget else "(information)"
            ok &= p > BUDGET_P
            print(f"  {level:6} {a} vs {b}: {name} p = {p:.3g} (budget > {BUDGET_P}) {verdict}")
    return ok


def measure_rounds(ask, kinds: tuple[str, ...], rounds: int,
                   rng: random.Random) -> dict[str, list[float]]:
    """`rounds` rounds, each asking every kind once in a shuffled order; µs per answer, kept
    in round order so that the i-th times of two kinds come from the same round."""
    times: dict[str, list[float]] = {k: [] for k in kinds}
    for _ in range(rounds):
        order = list(kinds)
        rng.shuffle(order)
        for kind in order:
            started = time.perf_counter_ns()
            ask(kind)
            times[kind].append((time.perf_counter_ns() - started) / 1000)
    return times


def api_requests(demo) -> dict[str, dict]:
    """A request line of each kind of API miss, every one of a letter of the register."""
    samples = demo.info["samples"]
    letter = samples[0]
    other = next(s for s in samples if s["applicant_fin"] != letter["applicant_fin"]
                 and s["applicant_surname"] != letter["applicant_surname"])
    day = parse_date(letter["reg_date"])
    base = {"agency": letter["agency"], "number": letter["reg_no"], "date": letter["reg_date"]}
    return {
        "wrong_fin": {**base, "fin": other["applicant_fin"]},
        "wrong_surname": {**base, "surname": other["applicant_surname"]},
        "missing": {**base, "number": "99-99/999999", "fin": letter["applicant_fin"]},
        "wrong_date": {**base, "date": date(day.year - 1, 1, 2).strftime("%d.%m.%Y"),
                       "fin": letter["applicant_fin"]},
    }


class StdinProcess:
    """`izle lookup --json --stdin` with its limits raised far beyond the benchmark's misses
    (a setting the benchmark may raise; the budget per caller does not apply: no caller_id)."""

    def __init__(self, demo, state: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "izle", "lookup", "--json", "--stdin", "--db", str(demo.register),
             "--state", str(state), "--terminal", "bench-timing", "--misses-per-hour", str(10**9),
             "--anonymous-misses-per-hour", str(10**9)],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def ask(self, line: str) -> dict:
        self.process.stdin.write(line + "\n")  # type: ignore[union-attr]
        self.process.stdin.flush()  # type: ignore[union-attr]
        answer = self.process.stdout.readline()  # type: ignore[union-attr]
        if not answer:
            raise RuntimeError("the --stdin process ended")
        return json.loads(answer)

    def close(self) -> None:
        self.process.stdin.close()  # type: ignore[union-attr]
        self.process.wait(timeout=60)


def stdin_level(demo, rounds: int, rng: random.Random) -> bool:
    lines = {k: json.dumps(v, ensure_ascii=False) for k, v in api_requests(demo).items()}
    with tempfile.TemporaryDirectory() as folder:
        api = StdinProcess(demo, Path(folder) / "terminal.db")
        try:
            for kind, line in lines.items():  # warm, and check every kind really is a miss
                answer = api.ask(line)
                if answer != {"found": False}:
                    raise RuntimeError(f"{kind} is not a miss: {answer}")
            times = measure_rounds(lambda kind: api.ask(lines[kind]), API_KINDS, rounds, rng)
        finally:
            api.close()
    return report("stdin", times, paired=True)


def search_level(demo, clock, register: Register, rounds: int, rng: random.Random) -> bool:
    """An operator's applicant search with a wrong surname: a FIN with letters, one without."""
    samples = demo.info["samples"]
    fin = samples[0]["applicant_fin"]
    wrong = next(s["applicant_surname"] for s in samples if s["applicant_fin"] != fin
                 and s["applicant_surname"] != samples[0]["applicant_surname"])
    absent = "1AAAAAA"
    assert not register.applicant_names(absent)
    with tempfile.TemporaryDirectory() as folder:
        state = Path(folder) / "terminal.db"
        shutil.copy(demo.state, state)
        store = TerminalStore(state, clock, random.Random(1))
        desk = Desk(register=register, store=store, clock=clock, mode=Mode.OPERATOR,
                    provider=EmulatedMobileId(store, clock, random.Random(1)), terminal="bench",
                    limits=Limits(burst_misses=10**9, lock_misses=10**9, slow_from=10**9))
        conn = sqlite3.connect(state)
        conn.row_factory = sqlite3.Row
        desk.session = Session(get_identity(conn, demo.operator["user_id"]))
        conn.close()
        fins = {"fin_with_letters": fin, "fin_without_letters": absent}
        times = measure_rounds(lambda kind: desk.find_applicant(fins[kind], wrong),
                               SEARCH_KINDS, rounds, rng)
    return report("search", times, paired=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=200_000)
    parser.add_argument("--n", type=int, default=2000, help="lookups of each kind")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=WORK)
    parser.add_argument("--only", choices=("desk", "stdin", "search"), action="append",
                        help="run only these levels (repeatable); default all")
    args = parser.parse_args(argv)
    levels = set(args.only or ("desk", "stdin", "search"))
    demo = demo_register(args.letters, work=args.work)
    rng = random.Random(args.seed)
    order = [k for k in KINDS for _ in range(args.n)]
    print(f"Timing oracle on a {args.letters:,}-letter register, {args.n:,} lookups of each miss")

    clock = DemoDayClock()
    register = Register(demo.register, clock=clock)
    ok = True
    if "desk" in levels:
        ok &= citizen_levels(demo, clock, register, order, rng)
    if "stdin" in levels:
        ok &= stdin_level(demo, args.n, rng)
    if "search" in levels:
        ok &= search_level(demo, clock, register, args.n, rng)
    print("RESULT", "OK" if ok else "OVER")
    return 0 if ok else 1


def citizen_levels(demo, clock, register: Register, order: list[str], rng: random.Random) -> bool:
    """The citizen's three misses: the SQL alone (information), then the desk."""
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
        return report("desk", measure(lambda kind: desk.lookup(requests[kind]), order))


if __name__ == "__main__":
    raise SystemExit(main())
