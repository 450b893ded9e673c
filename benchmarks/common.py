"""What every benchmark shares: demo registers cached under benchmarks/work/, timing, the table.

A register is built once per (letters, seed) with `data.demo.build_demo` and reused while its
`demo.json` (written last, so a killed build is never reused) is present.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work"


@dataclass(frozen=True)
class Demo:
    """A built demo register: its files and the `build_demo` contract (identities, samples)."""

    register: Path
    state: Path
    letters: int
    info: dict
    built_in: float | None  # seconds, when this call built it; None when it was reused

    @property
    def citizen(self) -> dict:
        return next(i for i in self.info["identities"] if i["role"] == "citizen")

    @property
    def operator(self) -> dict:
        return next(i for i in self.info["identities"] if i["role"] == "operator")


def demo_folder(letters: int, seed: int = 1, work: Path = WORK) -> Path:
    return work / f"demo-{letters}-seed{seed}"


def demo_register(letters: int, seed: int = 1, work: Path = WORK, *, quiet: bool = False) -> Demo:
    """The demo register of this size and seed, built now only if it is not there yet."""
    folder = demo_folder(letters, seed, work)
    marker = folder / "demo.json"
    register, state = folder / "register.db", folder / "terminal.db"
    built_in = None
    if not (marker.exists() and register.exists()):
        from izle.data.demo import build_demo

        if not quiet:
            print(f"  building a {letters:,}-letter demo register in {folder} …", flush=True)
        marker.unlink(missing_ok=True)
        started = time.perf_counter()
        info = build_demo(register, state, letters=letters, seed=seed)
        built_in = time.perf_counter() - started
        marker.write_text(json.dumps(info, ensure_ascii=False))
    else:
        _upgrade(register, state)
    return Demo(register, state, letters, json.loads(marker.read_text()), built_in)


def _upgrade(register: Path, state: Path) -> None:
    """A register cached by an older İzlə is brought to this one's schema, as `izle upgrade`
    does (the TUI refuses an older register); a current one is left as it is."""
    from izle.data.schema import ensure_register, ensure_terminal

    ensure_register(register)
    ensure_terminal(state)


# --- timing ---------------------------------------------------------------------------------


def interleave(subject: Callable[[], float], floor: Callable[[], float],
               rounds: int) -> tuple[list[float], list[float]]:
    """Run subject and floor alternately (`rounds` each, order swapped every round)."""
    subject_times: list[float] = []
    floor_times: list[float] = []
    for i in range(rounds):
        pair = [(subject, subject_times), (floor, floor_times)]
        for run, times in pair if i % 2 == 0 else reversed(pair):
            times.append(run())
    return subject_times, floor_times


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (nearest rank), e.g. p=99."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


# --- printing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of a budget table: a figure of the subject against its floor."""

    what: str
    subject: float
    floor: float | None
    unit: str
    budget: str
    ok: bool | None  # None: informative only
    given_ratio: float | None = None  # when the figures come rounded from another report

    @property
    def ratio(self) -> float | None:
        if self.given_ratio is not None:
            return self.given_ratio
        return self.subject / self.floor if self.floor else None


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value * 1e3:.3f} ms" if value < 0.001 else f"{value * 1e3:.1f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value / 1e6:.1f} MB"
    if unit == "B":
        return f"{value:.0f} B"
    if unit == "/s":
        return f"{value:,.0f}/s"
    return f"{value:g} {unit}"


def verdict(ok: bool | None) -> str:
    return {True: "OK", False: "OVER  <<<<<<<<", None: ""}[ok]


REPORTED: list[tuple[str, Row]] = []  # every row printed in this process, for run's summary


def print_table(title: str, rows: Iterable[Row], notes: Iterable[str] = ()) -> list[Row]:
    """A Markdown table (readable in a terminal, pasteable into RESULTS.md)."""
    rows = list(rows)
    REPORTED.extend((title, r) for r in rows)
    print(f"\n### {title}\n")
    print("| figure | subject | floor | ratio | budget | verdict |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else "-"
        print(f"| {r.what} | {fmt(r.subject, r.unit)} | {fmt(r.floor, r.unit)} | {ratio} "
              f"| {r.budget} | {verdict(r.ok)} |")
    for note in notes:
        print(f"\n{note}")
    if any(r.ok is False for r in rows):
        print(f"\n**OVER BUDGET: {title}**")
    print(flush=True)
    return rows
