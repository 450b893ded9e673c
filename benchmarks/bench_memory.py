"""Memory budget (DESIGN §6): the TUI's peak memory does not grow with the register.

    python -m benchmarks.bench_memory [--letters N] [--big N] [--lookups K]

For each register size a fresh interpreter runs the real IzleApp headless (Pilot): logs in as
the demo citizen, looks up that citizen's letters through the screens, then `--lookups` random
letters through `app.register` in a worker thread, as the lookup screen does. It reports its
peak resident set (VmHWM from /proc/self/status, ru_maxrss elsewhere). The floor is the same
run on the smaller register: big / small must stay within 1.10. Plus the register's size on
disk per letter.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.common import ROOT, WORK, Demo, Row, demo_register, print_table

BUDGET = 1.10


def peak_rss() -> int:
    """This process's peak resident set, in bytes."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


async def _session(folder: Path, lookups: int) -> None:
    from benchmarks.bench_lookup import sample_keys
    from benchmarks.bench_tui import IDLE, SIZE, PaintWatch, _choose_agency, _log_in, arrive
    from benchmarks.bench_tui import SUBJECT_RESULT, _press_show, samples_of
    from tui.app import IzleApp

    demo = _demo_at(folder)
    app = IzleApp(demo.register, idle_timeout=IDLE, state_path=demo.state)
    keys = sample_keys(demo.register, lookups)
    async with app.run_test(size=SIZE) as pilot:
        watch = PaintWatch(app)
        await _log_in(pilot, demo)
        for sample in samples_of(demo):
            await _choose_agency(pilot, sample["agency"])
            await _press_show(pilot, watch, SUBJECT_RESULT, sample, click=False)
            app.pop_screen()  # back to the authorities
            await arrive(pilot, "AgencyScreen")

        def many() -> None:
            for agency, number, day, _fin in keys:
                app.register.find_letter(agency, number, day)

        await asyncio.to_thread(many)


def _demo_at(folder: Path) -> Demo:
    """The demo register already built in `folder` (by the parent)."""
    info = json.loads((folder / "demo.json").read_text())
    return Demo(folder / "register.db", folder / "terminal.db", 0, info, None)


def child(folder: str, lookups: str) -> None:
    """Run in the measured interpreter: one session, then print the peak RSS."""
    asyncio.run(_session(Path(folder), int(lookups)))
    print(peak_rss())


def measure(folder: Path, lookups: int) -> int:
    code = "import sys; from benchmarks.bench_memory import child; child(*sys.argv[1:])"
    out = subprocess.run([sys.executable, "-c", code, str(folder), str(lookups)], cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                         text=True, stdin=subprocess.DEVNULL)
    if out.returncode != 0:
        raise RuntimeError(f"the measured session failed:\n{out.stderr[-3000:]}")
    return int(out.stdout.split()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1_000_000, help="the smaller register")
    parser.add_argument("--big", type=int, default=10_000_000, help="the bigger register")
    parser.add_argument("--lookups", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=WORK)
    args = parser.parse_args(argv)

    small = demo_register(args.letters, args.seed, args.work)
    big = demo_register(args.big, args.seed, args.work)
    small_rss = measure(small.register.parent, args.lookups)
    big_rss = measure(big.register.parent, args.lookups)
    small_rss = min(small_rss, measure(small.register.parent, args.lookups))  # alternated,
    big_rss = min(big_rss, measure(big.register.parent, args.lookups))  # best of two each
    rows = [Row(f"TUI peak RSS: {args.big:,} letters vs {args.letters:,}", big_rss, small_rss,
                "MB", f"≤ {BUDGET:.2f}x", big_rss <= BUDGET * small_rss)]
    for demo in (small, big):
        size = sum(p.stat().st_size for p in demo.register.parent.glob("register.db*"))
        rows.append(Row(f"register on disk per letter ({demo.letters:,} letters)",
                        size / demo.letters, None, "B", "(context)", None))
    print_table("Memory: the TUI's peak RSS does not grow with the register", rows, [
        f"Each figure: the lower of two runs of a fresh interpreter that logs in, looks up the "
        f"citizen's letters through the screens and {args.lookups:,} random letters through "
        "app.register. Bytes per letter: register.db (with -wal/-shm, if any) / letters; "
        "movements and indexes included.",
    ])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
