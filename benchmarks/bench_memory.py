"""Memory budgets (DESIGN §6): the TUI's peak memory does not grow with the register,
and stays within 1.2x of a bare Textual app's.

    python -m benchmarks.bench_memory [--letters N] [--big N] [--lookups K]
                                      [--tui-lookups 50] [--runs 3] [--only size|bare]

Register size ("size"): for each register size a fresh interpreter runs the real IzleApp
headless (Pilot): logs in as the demo citizen, looks up that citizen's letters through the
screens, then `--lookups` random letters through `app.register` in a worker thread, as the
lookup screen does. It reports its peak resident set (VmHWM from /proc/self/status, ru_maxrss
elsewhere). The floor is the same run on the smaller register: big / small must stay within
1.10. Plus the register's size on disk per letter.

Bare app ("bare", on the `--big` register): a fresh interpreter per run. Subject: the real
IzleApp (run_test, 80x24) logs in as the demo citizen through the login and phone screens,
then does `--tui-lookups` lookups through the number form, cycling through the citizen's
letters: choose the authority (Escape back to the list when the next letter is at another),
fill #reg-number and #reg-date, press #show, wait until the result is shown (`#result-unit`
displayed on app.screen with content: a pushed result screen or one shown in place), Escape
back until #reg-number is focused. Floor: bench_tui's BareLookupApp doing the same (PIN1 scrypt
check, OptionList of authorities, number form, BareResult of Statics). Peak RSS (VmHWM) at the
end; `--runs` runs of each side, alternated; medians compared (budget 1.2x), spread printed.
Breakdown: RSS right after the imports of each side, the modules the subject loads beyond the
floor's (top packages by count), and one run of each under tracemalloc (Python heap by package).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from benchmarks.common import ROOT, WORK, Demo, Row, demo_register, print_table

BUDGET = 1.10
BARE_BUDGET = 1.2
STATUS = Path("/proc/self/status")


def status(field: str) -> int | None:
    """A figure of this process from /proc/self/status (VmHWM, VmRSS, …), in bytes."""
    try:
        for line in STATUS.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def peak_rss() -> int:
    """This process's peak resident set, in bytes."""
    peak = status("VmHWM")
    if peak is not None:
        return peak
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


async def _session(folder: Path, lookups: int) -> None:
    from benchmarks.bench_lookup import sample_keys
    from benchmarks.bench_tui import IDLE, SIZE, _log_in, samples_of
    from izle.tui.app import IzleApp

    demo = _demo_at(folder)
    app = IzleApp(demo.register, idle_timeout=IDLE, state_path=demo.state)
    keys = sample_keys(demo.register, lookups)
    samples = samples_of(demo)
    async with app.run_test(size=SIZE) as pilot:
        await _log_in(pilot, demo)
        await drive_lookups(pilot, samples, len(samples), "AgencyScreen", result_shown)

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


# --- against a bare Textual app: peak RSS after K lookups through the screens ----------------


def result_shown(app) -> bool:
    """The letter's result is on screen: `#result-unit` on app.screen, displayed with all its
    ancestors, laid out (a non-empty region) and with content. Holds for a pushed result screen
    and for a result shown in place on the number form."""
    found = app.screen.query("#result-unit")
    if not found:
        return False
    widget = found.first()
    if not all(node.display for node in widget.ancestors_with_self if hasattr(node, "display")):
        return False
    if widget.region.area == 0:
        return False
    return bool(str(widget.render()).strip())


def back_on_form(app) -> bool:
    """Back on the number form, ready for the next letter."""
    found = app.screen.query("#reg-number")
    if not found:
        return False
    field = found.first()
    return app.focused is field or (field.display and field.region.area > 0
                                    and not result_shown(app))


def bare_result_shown(app) -> bool:
    return type(app.screen).__name__ == "BareResult" and app.screen.is_current


def no_lookup_running(app) -> bool:
    return not any(w.is_running and w.group == "lookup" for w in app.workers)


async def drive_lookups(pilot, samples: list[dict], lookups: int, agency_screen: str,
                        shown) -> None:
    """`lookups` letters through the number form, cycling through `samples`: choose the
    authority when the letter is at another one (Escape back to the list first), fill the
    number and date, press show, wait until `shown(app)`, Escape back to the form."""
    from textual.widgets import Button, Input

    from benchmarks.bench_tui import _choose_agency, arrive, until

    app, current = pilot.app, None
    for i in range(lookups):
        sample = samples[i % len(samples)]
        if sample["agency"] != current:
            if current is not None:
                await pilot.press("escape")  # the number form → the authorities
                await arrive(pilot, agency_screen)
            await _choose_agency(pilot, sample["agency"])
            current = sample["agency"]
        app.screen.query_one("#reg-number", Input).value = sample["reg_no"]
        app.screen.query_one("#reg-date", Input).value = sample["reg_date"]
        button = app.screen.query_one("#show", Button)
        await until(pilot, lambda: not button.disabled)
        button.press()
        await pilot.pause()
        await until(pilot, lambda: shown(app) and no_lookup_running(app))
        await pilot.pause()
        await pilot.press("escape")  # the result → the number form
        await until(pilot, lambda: back_on_form(app))
        await pilot.pause()


async def subject_lookups(demo: Demo, lookups: int, at_end) -> None:
    from benchmarks.bench_tui import IDLE, SIZE, _log_in, samples_of
    from izle.tui.app import IzleApp

    app = IzleApp(demo.register, idle_timeout=IDLE, state_path=demo.state)
    async with app.run_test(size=SIZE) as pilot:
        await _log_in(pilot, demo)
        await drive_lookups(pilot, samples_of(demo), lookups, "AgencyScreen", result_shown)
        at_end()


async def floor_lookups(demo: Demo, lookups: int, at_end) -> None:
    from textual.widgets import Input

    from benchmarks.bench_tui import SIZE, _press_pin, arrive, bare_apps, samples_of
    from izle.data.text import normalize_reg_no

    samples = [dict(s, reg_no=normalize_reg_no(s["reg_no"])) for s in samples_of(demo)]
    app_class, _lookup, _result = bare_apps()  # the bare app does not normalize
    app = app_class(demo.register, demo.state, demo.citizen["user_id"], samples[0]["agency"])
    async with app.run_test(size=SIZE) as pilot:
        await arrive(pilot, "BarePin")
        app.screen.query_one("#pin1", Input).value = demo.citizen["pin1"]
        await _press_pin(pilot, None, "BareAgency")
        await drive_lookups(pilot, samples, lookups, "BareAgency", bare_result_shown)
        at_end()


def _package(filename: str) -> str:
    """Who allocated: a top-level package (site-packages or this project), or the stdlib."""
    if filename.startswith("<frozen importlib"):
        return "imports (code objects, <frozen importlib>)"
    if filename.startswith("<"):
        return filename
    path = Path(filename)
    parts = path.parts
    if "site-packages" in parts:
        rest = parts[parts.index("site-packages") + 1:]
        return rest[0].removesuffix(".py") if rest else "site-packages"
    try:
        return "izle: " + path.resolve().relative_to(ROOT).parts[0]
    except ValueError:
        pass
    return "stdlib"


def lookups_child(side: str, folder: str, lookups: str, traced: str = "0") -> None:
    """Run in the measured interpreter: import, log in, `lookups` lookups; print a JSON line:
    peak RSS, RSS after the imports, the modules loaded, and (traced) the Python heap by
    package from tracemalloc at the end of the session."""
    import tracemalloc

    if traced == "1":
        tracemalloc.start()
    if side == "subject":
        import izle.tui.app  # noqa: F401
    else:
        from benchmarks.bench_tui import bare_apps

        bare_apps()
    imported = {"rss": status("VmRSS"), "peak": peak_rss(), "modules": len(sys.modules)}
    report: dict = {}

    def at_end() -> None:  # inside the session, every screen still alive
        report["rss_end"] = status("VmRSS")
        if tracemalloc.is_tracing():
            snapshot = tracemalloc.take_snapshot()
            by_package: dict[str, int] = {}
            for stat in snapshot.statistics("filename"):
                name = _package(stat.traceback[0].filename)
                by_package[name] = by_package.get(name, 0) + stat.size
            report["heap"] = by_package
            report["heap_peak"] = tracemalloc.get_traced_memory()[1]

    run = subject_lookups if side == "subject" else floor_lookups
    asyncio.run(run(_demo_at(Path(folder)), int(lookups), at_end))
    print(json.dumps({"peak": peak_rss(), "imported": imported, "modules": sorted(sys.modules),
                      **report}))


def import_child(side: str) -> None:
    """RSS right after the imports alone: `tui.app`, or textual.app and the floor's widgets."""
    before = status("VmRSS")
    if side == "subject":
        import izle.tui.app  # noqa: F401
    else:
        from benchmarks.bench_tui import bare_apps

        bare_apps()
    print(json.dumps({"before": before, "rss": status("VmRSS"), "modules": len(sys.modules)}))


def _child(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                         text=True, stdin=subprocess.DEVNULL)
    if out.returncode != 0:
        raise RuntimeError(f"the measured session failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure_lookups(side: str, folder: Path, lookups: int, traced: bool = False) -> dict:
    code = "import sys; from benchmarks.bench_memory import lookups_child; lookups_child(*sys.argv[1:])"
    return _child(code, side, str(folder), str(lookups), "1" if traced else "0")


def measure_imports(side: str) -> dict:
    return _child("import sys; from benchmarks.bench_memory import import_child; "
                  "import_child(sys.argv[1])", side)


def alternate(run, runs: int) -> tuple[list, list]:
    """`run(side)` for each side, `runs` times each, order swapped every round."""
    got: dict[str, list] = {"subject": [], "floor": []}
    for i in range(runs):
        for side in ("subject", "floor") if i % 2 == 0 else ("floor", "subject"):
            got[side].append(run(side))
    return got["subject"], got["floor"]


def spread_mb(values: list[float]) -> str:
    return (f"min {min(values) / 1e6:.1f} / median {statistics.median(values) / 1e6:.1f} / "
            f"max {max(values) / 1e6:.1f} MB")


def top_packages(modules: list[str], top: int = 8) -> str:
    counts: dict[str, int] = {}
    for name in modules:
        counts[name.split(".")[0]] = counts.get(name.split(".")[0], 0) + 1
    ranked = sorted(counts.items(), key=lambda c: (-c[1], c[0]))[:top]
    return ", ".join(f"{name} {count}" for name, count in ranked) or "none"


def heap_lines(subject: dict, floor: dict, top: int = 8) -> list[str]:
    names = sorted(set(subject) | set(floor), key=lambda n: -(subject.get(n, 0) - floor.get(n, 0)))
    lines = ["| allocated in | İzlə | bare | difference |", "|---|---|---|---|"]
    for name in names[:top]:
        s, f = subject.get(name, 0), floor.get(name, 0)
        lines.append(f"| {name} | {s / 1e6:.2f} MB | {f / 1e6:.2f} MB | {(s - f) / 1e6:+.2f} MB |")
    total_s, total_f = sum(subject.values()), sum(floor.values())
    lines.append(f"| all | {total_s / 1e6:.2f} MB | {total_f / 1e6:.2f} MB "
                 f"| {(total_s - total_f) / 1e6:+.2f} MB |")
    return lines


def bare_comparison(demo: Demo, lookups: int, runs: int, traced: bool = True) -> None:
    folder = demo.register.parent
    subject, floor = alternate(lambda side: measure_lookups(side, folder, lookups), runs)
    s_peaks, f_peaks = [r["peak"] for r in subject], [r["peak"] for r in floor]
    s_peak, f_peak = statistics.median(s_peaks), statistics.median(f_peaks)
    imp_s, imp_f = alternate(measure_imports, runs)
    imp_s_rss = statistics.median([r["rss"] for r in imp_s])
    imp_f_rss = statistics.median([r["rss"] for r in imp_f])
    interpreter = statistics.median([r["before"] for r in imp_s + imp_f])
    s_modules, f_modules = subject[0]["modules"], floor[0]["modules"]
    extra = sorted(set(s_modules) - set(f_modules))
    rows = [
        Row(f"peak RSS after {lookups} lookups vs a bare Textual app "
            f"({demo.letters:,} letters), median", s_peak, f_peak, "MB", f"≤ {BARE_BUDGET}x",
            s_peak <= BARE_BUDGET * f_peak),
        Row("RSS right after the imports: tui.app vs textual.app + the bare app's widgets",
            imp_s_rss, imp_f_rss, "MB", "(context)", None),
        Row("the rest of the peak: session (peak − RSS after the imports)",
            s_peak - imp_s_rss, f_peak - imp_f_rss, "MB", "(context)", None),
        Row("modules loaded at the end of the session", len(s_modules), len(f_modules),
            "modules", "(context)", None),
    ]
    notes = [
        f"{runs} runs of each side, alternated, each a fresh interpreter: log in as the demo "
        f"citizen, then {lookups} lookups through the number form (choose the authority, fill "
        "number and date, press show, wait for the result, Escape back), cycling through the "
        "citizen's letters. Peak RSS = VmHWM of the child at the end. Spread: "
        f"İzlə {spread_mb(s_peaks)}; bare {spread_mb(f_peaks)}.",
        f"RSS after the imports alone (fresh interpreters, {runs} each, medians): a bare "
        f"interpreter with this benchmark's module {interpreter / 1e6:.1f} MB; `import tui.app` "
        f"{imp_s_rss / 1e6:.1f} MB ({imp_s[0]['modules']} modules); textual.app + the bare "
        f"app's widgets {imp_f_rss / 1e6:.1f} MB ({imp_f[0]['modules']} modules). At the end "
        f"of the session İzlə has {len(extra)} modules the bare app has not; by top-level "
        f"package: {top_packages(extra)}.",
    ]
    if traced:
        s_traced = measure_lookups("subject", folder, lookups, traced=True)
        f_traced = measure_lookups("floor", folder, lookups, traced=True)
        notes.append(
            "One more run of each under tracemalloc (started before the imports; its own "
            "bookkeeping inflates RSS, so these runs are not in the figures above). Python heap "
            "still allocated at the end of the session, by where it was allocated, biggest "
            f"difference first (traced peak: İzlə {s_traced['heap_peak'] / 1e6:.1f} MB, bare "
            f"{f_traced['heap_peak'] / 1e6:.1f} MB):\n\n"
            + "\n".join(heap_lines(s_traced["heap"], f_traced["heap"])))
    print_table(f"Memory: the TUI's peak RSS after {lookups} lookups vs a bare Textual app",
                rows, notes)


def register_sizes(args: argparse.Namespace) -> None:
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1_000_000, help="the smaller register")
    parser.add_argument("--big", type=int, default=10_000_000, help="the bigger register")
    parser.add_argument("--lookups", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=WORK)
    parser.add_argument("--tui-lookups", type=int, default=50,
                        help="lookups through the screens, against the bare app")
    parser.add_argument("--runs", type=int, default=3, help="runs of each side against the bare app")
    parser.add_argument("--no-traced", action="store_true",
                        help="leave out the tracemalloc runs of the breakdown")
    parser.add_argument("--only", choices=("size", "bare"), default=None)
    args = parser.parse_args(argv)

    if args.only in (None, "size"):
        register_sizes(args)
    if args.only in (None, "bare"):
        bare_comparison(demo_register(args.big, args.seed, args.work), args.tui_lookups,
                        args.runs, traced=not args.no_traced)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
