"""The IVR's cost per request: `izle lookup --json --stdin` against raw sqlite3 (DESIGN §5).

    python -m benchmarks.bench_api [--letters N] [--requests R] [--work DIR]

Subject: one `python -m izle lookup --json --stdin` process kept open, as an IVR keeps it; each
request is written to its stdin and timed until its answer line is read back — JSON parsing,
the checks, the Desk in mode api (caller check before the details), the letter and its
movements, the deadline, the audit row (hash-chained, committed) and the JSON answer.
Floor: one bare Python process doing the same work with raw `sqlite3` and nothing else — read a
line, `json.loads`, the same letter query and movements query on the same indexes, one INSERT
into a WAL table of its own (synchronous=NORMAL, as terminal.db), `json.dumps`, flush.
Both read the same requests in the same pipes, alternately, so the machine's noise hits both.
Requests are real letters of the register, by FIN or by surname, one in four a miss.
A miss is answered at the desk's fixed moment (`Limits.miss_answer`, 50 ms, so that its time
tells nothing): the cost per request is therefore measured on the found answers, and the misses
are shown beside it against that moment. The subject's miss budgets are raised (a setting a
benchmark may raise): the floor has none.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import ROOT, WORK, Row, demo_register, median, percentile, print_table
from izle.data.limits import Limits

P99_BUDGET = 0.010  # seconds per request, pipe included: an IVR's prompt never waits on it

FLOOR = r"""
import json, sqlite3, sys, datetime
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
out = sqlite3.connect(sys.argv[2], isolation_level=None)
out.execute("PRAGMA journal_mode=WAL"); out.execute("PRAGMA synchronous=NORMAL")
out.execute("CREATE TABLE IF NOT EXISTS audit (seq INTEGER PRIMARY KEY, at, query, outcome)")
LETTER = ("SELECT l.id, l.applicant_fin, l.applicant_name, l.reg_no, l.status, l.due_date,"
          " u.name_az, e.full_name, e.phone FROM letters l LEFT JOIN units u ON u.id = l.unit_id"
          " LEFT JOIN executors e ON e.id = l.executor_id"
          " WHERE l.agency_code = ? AND l.reg_no_key = ? AND l.reg_date = ?")
MOVES = "SELECT at, status, unit_id, note FROM movements WHERE letter_id = ? ORDER BY seq DESC"
for line in sys.stdin:
    r = json.loads(line)
    d, m, y = r["date"].split(".")
    row = db.execute(LETTER, (r["agency"], r["key"], f"{y}-{m}-{d}")).fetchone()
    ok = row is not None and (row[1] == r.get("fin") or (row[2] or "").split()[:1] == [r.get("surname")])
    answer = {"found": False}
    if ok:
        answer = {"found": True, "reg_no": row[3], "status": row[4], "due": row[5], "unit": row[6],
                  "executor": row[7], "phone": row[8],
                  "movements": [list(x) for x in db.execute(MOVES, (row[0],)).fetchall()]}
    out.execute("INSERT INTO audit (at, query, outcome) VALUES (?, ?, ?)",
                (datetime.datetime.now().isoformat(), line, str(ok)))
    sys.stdout.write(json.dumps(answer) + "\n"); sys.stdout.flush()
"""


def is_miss(i: int) -> bool:
    """`requests` asks every fourth letter with a wrong FIN."""
    return i % 4 == 3


def requests(info: dict, register: Path, count: int, seed: int = 5) -> list[dict]:
    """Real letters of the register (by FIN or surname); one in four asks with a wrong FIN."""
    import sqlite3

    from izle.data.text import format_date

    conn = sqlite3.connect(f"{register.resolve().as_uri()}?mode=ro", uri=True)
    try:
        (top,) = conn.execute("SELECT max(id) FROM letters").fetchone()
        rng = random.Random(seed)
        rows = [conn.execute("SELECT agency_code, reg_no, reg_no_key, reg_date, applicant_fin,"
                             " applicant_name FROM letters WHERE id = ?", (rng.randint(1, top),)).fetchone()
                for _ in range(count)]
    finally:
        conn.close()
    out = []
    for i, (agency, reg_no, key, reg_date, fin, name) in enumerate(rows):
        from datetime import date

        request = {"agency": agency, "number": reg_no, "date": format_date(date.fromisoformat(reg_date))}
        if is_miss(i):
            request["fin"] = "0000000"
        elif i % 2 and name:
            request["surname"] = name.split()[0]
        else:
            request["fin"] = fin
        out.append({**request, "key": key})
    return out


class Child:
    """A process answering one line per request line."""

    def __init__(self, argv: list[str]) -> None:
        self.process = subprocess.Popen(argv, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, bufsize=1)

    def ask(self, line: str) -> float:
        started = time.perf_counter()
        self.process.stdin.write(line + "\n")  # type: ignore[union-attr]
        self.process.stdin.flush()  # type: ignore[union-attr]
        answer = self.process.stdout.readline()  # type: ignore[union-attr]
        took = time.perf_counter() - started
        if not answer:
            raise RuntimeError("the process ended")
        return took

    def close(self) -> None:
        self.process.stdin.close()  # type: ignore[union-attr]
        self.process.wait(timeout=60)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=WORK)
    args = parser.parse_args(argv)

    demo = demo_register(args.letters, work=args.work)
    asked = requests(demo.info, demo.register, args.requests)
    with tempfile.TemporaryDirectory() as scratch:
        state = Path(scratch) / "terminal.db"
        subject = Child([sys.executable, "-m", "izle", "lookup", "--json", "--stdin", "--db",
                         str(demo.register), "--state", str(state), "--terminal", "bench",
                         "--misses-per-hour", str(10**9), "--anonymous-misses-per-hour", str(10**9)])
        floor = Child([sys.executable, "-c", FLOOR, str(demo.register), str(Path(scratch) / "floor.db")])
        try:
            for request in asked[:20]:  # warm: imports, the calendar, page cache
                line = json.dumps({k: v for k, v in request.items() if k != "key"}, ensure_ascii=False)
                subject.ask(line)
                floor.ask(json.dumps(request, ensure_ascii=False))
            subject_times, floor_times = [], []
            for i, request in enumerate(asked):
                ours = json.dumps({k: v for k, v in request.items() if k != "key"}, ensure_ascii=False)
                theirs = json.dumps(request, ensure_ascii=False)
                if i % 2:
                    subject_times.append(subject.ask(ours))
                    floor_times.append(floor.ask(theirs))
                else:
                    floor_times.append(floor.ask(theirs))
                    subject_times.append(subject.ask(ours))
        finally:
            subject.close()
            floor.close()
    n = f"{args.letters:,}"
    found = [i for i in range(len(asked)) if not is_miss(i)]
    misses = [i for i in range(len(asked)) if is_miss(i)]
    subject_found, floor_found = [subject_times[i] for i in found], [floor_times[i] for i in found]
    moment = Limits().miss_answer
    print_table(f"izle lookup --json --stdin, {len(asked):,} requests in one process ({n} letters)", [
        Row("found, per request, median", median(subject_found), median(floor_found), "ms",
            "informative", None),
        Row("found, per request, p99", percentile(subject_found, 99), percentile(floor_found, 99),
            "ms", "< 10 ms", percentile(subject_found, 99) < P99_BUDGET),
        Row("miss, per request, median", median([subject_times[i] for i in misses]), moment, "ms",
            "the fixed moment", None),
    ], notes=["Floor: a bare Python process with raw sqlite3 doing the same queries and one audit "
              "INSERT per request, through the same pipes.",
              "Misses (one in four) are answered at the desk's fixed moment; their floor column is "
              "that moment, not the bare process."])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
