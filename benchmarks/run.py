"""Every DESIGN §6 budget, each measured side by side with its floor, in one command.

    python -m benchmarks.run [--letters 1000000] [--big 10000000] [--quick] [--only NAME]
                             [--results benchmarks/RESULTS.md]

NAME: demo, lookup, show, list, login, start, memory, import, api, sync (repeatable). Demo registers are
built under benchmarks/work/ and reused while one of the same size and seed is there. Without
`--big` the 10M-letter figures are left out (the memory check then compares --letters with a
tenth of it, and runs the TUI against a bare app on --letters). `sync` needs a PostgreSQL
server (IZLE_TEST_PG, else 127.0.0.1:5432): when none answers it is skipped, and says why. `--quick`: fewer repetitions, and demo generation and import at 100,000 letters at most.
`--results FILE` writes the machine's description and every table into FILE, between two
marker lines, keeping whatever else FILE says. The exit status is 0 even when a budget is
over: this is a report; OVER is printed loudly.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import io
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from benchmarks import bench_api, bench_demo, bench_lookup, bench_memory, bench_tui
from benchmarks.common import REPORTED, ROOT, WORK, Row, print_table

NAMES = ("demo", "lookup", "show", "list", "login", "start", "memory", "import", "api", "sync")
QUICK_MAX = 100_000
BEGIN, END = "<!-- benchmarks.run: begin -->", "<!-- benchmarks.run: end -->"


# --- the machine ------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _sqlite_shell() -> str:
    if not shutil.which("sqlite3"):
        return "not installed"
    out = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True)
    return out.stdout.split()[0] if out.stdout else "unknown"


def _revision() -> str:
    out = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                         capture_output=True, text=True)
    return out.stdout.strip() or "not a git checkout"


def machine() -> list[str]:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"- code: {_revision()}",
        f"- CPU: {os.cpu_count()} × {_cpu_model()} (nproc {len(os.sched_getaffinity(0))})",
        f"- memory: {_memory()}; OS: {platform.platform()}",
        f"- Python {platform.python_version()}; SQLite {sqlite3.sqlite_version} (Python's), "
        f"{_sqlite_shell()} (shell); Textual {metadata.version('textual')}",
        f"- load average at the start: {load}",
    ]


# --- the benchmarks ---------------------------------------------------------------------------


def _import_rows(output: str, letters: int) -> list[Row]:
    """bench_import prints its own lines (figures rounded, ratio exact): a table row of them."""
    floor = re.search(r"^floor \((.+?)\)[^:\n]*: ([\d.]+) s", output, re.M)
    subject = re.search(r"^data\.importer[^:\n]*: ([\d.]+) s", output, re.M)
    ratio = re.search(r"^ratio: ([\d.]+)x", output, re.M)
    if not (floor and subject and ratio):
        return []
    return [Row(f"import of {letters:,} letters from CSV vs {floor[1]}", float(subject[1]),
                float(floor[2]), "s", "≤ 3x", float(ratio[1]) <= 3, float(ratio[1]))]


def run_import(letters: int) -> None:
    path = ROOT / "benchmarks" / "bench_import.py"
    if not path.exists():
        print("\n### Import\n\n**SKIPPED: benchmarks/bench_import.py is not there yet.**\n")
        return
    from benchmarks import bench_import

    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        bench_import.main(["--letters", str(letters)])
    output = captured.getvalue()
    rows = _import_rows(output, letters)
    notes = ["bench_import.py's own report:", "```", output.strip(), "```"]
    if rows:
        print_table("Import: izle import of a letters CSV vs the sqlite3 shell's .import", rows,
                    notes)
    else:
        print("\n### Import\n\n**Could not read bench_import's figures**\n\n" + "\n".join(notes))


def _postgres() -> tuple[str | None, str]:
    """The first PostgreSQL server that answers (IZLE_TEST_PG, else the local one), or None and
    why not."""
    try:
        import psycopg
    except ImportError:
        return None, "psycopg is not installed"
    from tests.central_pg import DEFAULT_URLS

    wanted = os.environ.get("IZLE_TEST_PG")
    errors = []
    for url in (wanted,) if wanted else DEFAULT_URLS:
        try:
            psycopg.connect(url, connect_timeout=3).close()
            return url, ""
        except psycopg.Error as error:
            errors.append(f"{url}: {(str(error).strip().splitlines() or ['?'])[0]}")
    return None, "; ".join(errors)


def run_sync(letters: int, quick: bool) -> None:
    """bench_sync against the local PostgreSQL server; skipped, with the reason, without one."""
    server, why = _postgres()
    if server is None:
        print(f"\n### Sync from the central register\n\n**SKIPPED: no PostgreSQL server answers "
              f"(set IZLE_TEST_PG): {why}**\n")
        return
    from benchmarks import bench_sync

    try:
        status = bench_sync.main(["--letters", str(letters), "--pg", server]
                                 + (["--quick"] if quick else []))
    except SystemExit as stop:  # bench_sync's own "cannot run here"
        raise RuntimeError(f"bench_sync stopped: {stop}") from None
    if status:
        raise RuntimeError(f"bench_sync could not run (status {status}); see above")


def plan(args: argparse.Namespace) -> dict[str, Callable[[], object]]:
    """What each name runs, with the arguments this run's options give it."""
    letters, big, quick = args.letters, args.big, args.quick
    work = ["--work", str(args.work)]
    demo_letters = big or letters
    import_letters = letters
    if quick:
        demo_letters, import_letters = min(demo_letters, QUICK_MAX), min(letters, QUICK_MAX)
    # Memory compares two sizes: --letters and --big, or a tenth of --letters and --letters.
    memory_sizes = (letters, big) if big else (max(letters // 10, 1000), letters)
    return {
        "demo": lambda: bench_demo.main(["--letters", str(demo_letters)] + work),
        "lookup": lambda: bench_lookup.main(
            ["--letters", str(letters)] + (["--big", str(big)] if big else [])
            + (["--keys", "500", "--rounds", "2"] if quick else []) + work),
        "show": lambda: bench_tui.main(
            ["--only", "show", "--letters", str(letters)]
            + (["--presses", "2", "--rounds", "1", "--blocks", "2"] if quick else []) + work),
        "list": lambda: bench_tui.main(
            ["--only", "list", "--letters", str(letters)]
            + (["--blocks", "2"] if quick else []) + work),
        "login": lambda: bench_tui.main(
            ["--only", "login", "--letters", str(letters)]
            + (["--blocks", "2"] if quick else []) + work),
        "start": lambda: bench_tui.main(
            ["--only", "start", "--letters", str(letters)]
            + (["--starts", "4"] if quick else []) + work),
        "memory": lambda: bench_memory.main(
            ["--letters", str(memory_sizes[0]), "--big", str(memory_sizes[1])]
            + (["--lookups", "200", "--runs", "1", "--no-traced"] if quick else []) + work),
        "import": lambda: run_import(import_letters),
        "api": lambda: bench_api.main(
            ["--letters", str(letters)] + (["--requests", "200"] if quick else []) + work),
        "sync": lambda: run_sync(letters, quick),
    }


def run_all(args: argparse.Namespace) -> list[str]:
    """Run the chosen benchmarks; returns the ones that failed to run."""
    failed = []
    for name, run in plan(args).items():
        if args.only and name not in args.only:
            continue
        started = time.perf_counter()
        print(f"\n<!-- {name} -->", flush=True)
        try:
            run()
        except Exception:  # a broken benchmark must not hide the others' figures
            failed.append(name)
            print(f"\n**FAILED TO RUN: {name}**\n\n```\n{traceback.format_exc()}```\n")
        print(f"_{name}: {time.perf_counter() - started:.0f} s_", flush=True)
    return failed


def summary(failed: list[str]) -> None:
    """One line per table: how many figures are within budget, and which are over."""
    print("\n## Summary\n")
    titles = list(dict.fromkeys(title for title, _row in REPORTED))
    for title in titles:
        judged = [r for t, r in REPORTED if t == title and r.ok is not None]
        over = [r.what for r in judged if not r.ok]
        line = f"- {title}: {len(judged) - len(over)} of {len(judged)} within budget"
        print(line + (f"; **OVER: {'; '.join(over)}**" if over else ""))
    for name in failed:
        print(f"- **FAILED TO RUN: {name}**")
    over_count = sum(1 for _t, r in REPORTED if r.ok is False)
    if over_count or failed:
        print(f"\n**{over_count} figure(s) OVER budget, {len(failed)} benchmark(s) failed to run.**")


# --- output -----------------------------------------------------------------------------------


class Tee(io.TextIOBase):
    """Writes to the terminal and keeps a copy."""

    def __init__(self, out) -> None:
        self.out, self.copy = out, io.StringIO()

    def write(self, text: str) -> int:
        self.out.write(text)
        self.copy.write(text)
        return len(text)

    def flush(self) -> None:
        self.out.flush()


def write_results(path: Path, body: str) -> None:
    """Replace the part of `path` between the markers (or the whole file if it has none)."""
    old = path.read_text() if path.exists() else ""
    block = f"{BEGIN}\n{body.strip()}\n{END}"
    if BEGIN in old and END in old:
        text = old[: old.index(BEGIN)] + block + old[old.index(END) + len(END):]
    else:
        text = f"# Benchmark results\n\n{block}\n" + (f"\n{old}" if old else "")
    path.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1_000_000)
    parser.add_argument("--big", type=int, default=0, help="e.g. 10000000 (default: none)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", action="append", choices=NAMES)
    parser.add_argument("--results", type=Path, default=None, help="e.g. benchmarks/RESULTS.md")
    parser.add_argument("--work", type=Path, default=WORK)
    args = parser.parse_args(argv)

    tee = Tee(sys.stdout)
    command = "python -m benchmarks.run " + " ".join(argv if argv is not None else sys.argv[1:])
    with contextlib.redirect_stdout(tee):
        print(f"## {datetime.datetime.now():%Y-%m-%d %H:%M}: `{command.strip()}`\n")
        print("\n".join(machine()))
        failed = run_all(args)
        print(f"\n- load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
        summary(failed)
    if args.results:
        write_results(args.results, tee.copy.getvalue())
        print(f"\nwritten to {args.results}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
