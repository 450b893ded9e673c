"""Import budget (DESIGN §6): 1M letters from CSV within 3x the `sqlite3` shell's `.import`.

    python benchmarks/bench_import.py [--letters N] [--repeat R] [--seed S] [--keep DIR]

Generates agencies/units/executors and N letters as CSV, then times, side by side on the same
disk: the floor — the `sqlite3` shell's `.import` of the letters CSV into a fresh, unindexed
table (or, without the shell, Python's sqlite3 `executemany` of the raw rows into such a
table) — and `data.importer` loading the same CSV into a register holding the references
(its letters table empty, as for a first load). Floor and import alternate R times; the
best of each is compared, the least disturbed figure on a shared machine. Prints every
figure and the ratio against the 3x budget. Exit status 1 when over budget.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BUDGET = 3.0
AGENCIES = [
    ("DGK", "Dövlət Gömrük Komitəsi", "", "committee"),
    ("BBGI", "Bakı Baş Gömrük İdarəsi", "DGK", "main_office"),
    ("HNBGI", "Hava Nəqliyyatında Baş Gömrük İdarəsi", "DGK", "main_office"),
    ("QEBGI", "Qərb Ərazi Baş Gömrük İdarəsi", "DGK", "main_office"),
    ("BGI", "Balakən Gömrük İdarəsi", "QEBGI", "office"),
    ("AGI", "Astara Gömrük İdarəsi", "BBGI", "office"),
]
UNIT_NAMES = ["Gömrük nəzarəti idarəsi", "Hüquq idarəsi", "Müraciətlərlə iş şöbəsi",
              "Gömrük ödənişləri idarəsi"]
SURNAMES = ["Həsənov", "Məmmədova", "Əliyev", "Quliyeva", "İsmayılov", "Cəfərova", "Hüseynov"]
NAMES = ["Orxan", "Günel", "Elvin", "Səbinə", "Rauf", "Aysel", "İlkin", "Nərmin"]
FIN_CHARS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
STATUSES = ["registered", "in_execution", "in_execution", "in_execution", "extended",
            "answered", "answered", "answered", "forwarded", "attached"]
LETTER_HEADER = ["agency_code", "reg_no", "reg_date", "channel", "applicant_fin",
                 "applicant_name", "status", "unit_id", "executor_id", "due_date", "needs_study",
                 "extended_to", "answered_on", "forwarded_to", "attached_to"]


def write_references(folder: Path) -> tuple[Path, Path, Path, list[tuple[int, int]]]:
    """agencies.csv, units.csv, executors.csv; returns their paths and (unit, executor) pairs."""
    agencies, units, executors = folder / "agencies.csv", folder / "units.csv", folder / "executors.csv"
    with open(agencies, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["code", "name_az", "parent_code", "kind"])
        w.writerows(AGENCIES)
    staff: list[tuple[int, int]] = []
    with open(units, "w", newline="", encoding="utf-8") as fu, \
            open(executors, "w", newline="", encoding="utf-8") as fe:
        wu, we = csv.writer(fu), csv.writer(fe)
        wu.writerow(["id", "agency_code", "name_az"])
        we.writerow(["id", "unit_id", "full_name", "phone"])
        unit_id = executor_id = 0
        for code, *_ in AGENCIES:
            for name in UNIT_NAMES:
                unit_id += 1
                wu.writerow([unit_id, code, name])
                for k in range(3):
                    executor_id += 1
                    we.writerow([executor_id, unit_id, f"{SURNAMES[k]} {NAMES[k]}",
                                 f"012 404 {10 + executor_id % 80:02d} {executor_id % 100:02d}"])
                    staff.append((unit_id, executor_id))
    return agencies, units, executors, staff


def write_letters(path: Path, n: int, staff: list[tuple[int, int]], seed: int = 1) -> None:
    """n letters with unique numbers, realistic statuses and dates in the last three years."""
    rng = random.Random(seed)
    first = date.today() - timedelta(days=3 * 365)
    codes = [a[0] for a in AGENCIES]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(LETTER_HEADER)
        for i in range(1, n + 1):
            reg = first + timedelta(days=rng.randrange(3 * 365 - 60))
            status = rng.choice(STATUSES)
            unit, executor = rng.choice(staff) if status != "registered" else ("", "")
            w.writerow([
                rng.choice(codes), f"{rng.randrange(1, 20):02d}-{rng.randrange(1, 40):02d}/{i}",
                reg.isoformat() if i % 2 else reg.strftime("%d.%m.%Y"),
                rng.choice(("written", "electronic", "in_person")),
                "".join(rng.choices(FIN_CHARS, k=7)),
                f"{rng.choice(SURNAMES)} {rng.choice(NAMES)}", status, unit, executor, "",
                1 if i % 7 == 0 else 0,
                (reg + timedelta(days=50)).isoformat() if status == "extended" else "",
                (reg + timedelta(days=20)).isoformat() if status == "answered" else "",
                "Dövlət Vergi Xidməti" if status == "forwarded" else "",
                f"01-31/{max(1, i - 1)}" if status == "attached" else "",
            ])


def floor_sqlite_shell(csv_path: Path, db: Path) -> float:
    started = time.perf_counter()
    subprocess.run(["sqlite3", str(db), "-cmd", ".mode csv", f".import {csv_path} letters_raw"],
                   check=True)
    return time.perf_counter() - started


def floor_executemany(csv_path: Path, db: Path) -> float:
    started = time.perf_counter()
    conn = sqlite3.connect(db, isolation_level=None)
    with open(csv_path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        conn.execute(f"CREATE TABLE letters_raw ({', '.join(header)})")
        conn.execute("BEGIN")
        conn.executemany(f"INSERT INTO letters_raw VALUES ({', '.join('?' * len(header))})", reader)
        conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - started


def prepare_register(register: Path, references: tuple[Path, Path, Path]) -> None:
    """A register with the agencies, units and executors the letters refer to."""
    from izle.data.importer import import_file

    for kind, path in zip(("agencies", "units", "executors"), references):
        result = import_file(register, path, kind)
        assert result.refused == 0, (kind, result.problems[:3])


def time_importer(csv_path: Path, register: Path) -> tuple[float, object]:
    from izle.data.importer import import_file

    started = time.perf_counter()
    result = import_file(register, csv_path, "letters")
    return time.perf_counter() - started, result


def _remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, best compared")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=None, help="work in DIR and keep the files")
    args = parser.parse_args(argv)

    folder = Path(args.keep or tempfile.mkdtemp(prefix="izle-bench-import-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        *references, staff = write_references(folder)
        letters = folder / "letters.csv"
        write_letters(letters, args.letters, staff, args.seed)
        print(f"{args.letters} letters, {letters.stat().st_size / 1e6:.1f} MB of CSV")

        if shutil.which("sqlite3"):
            floor_name, floor_run = "sqlite3 shell .import", floor_sqlite_shell
        else:
            print("sqlite3 shell not found: the floor is Python's sqlite3 executemany of raw rows")
            floor_name, floor_run = "executemany of raw rows", floor_executemany
        references_only = folder / "references.db"
        prepare_register(references_only, tuple(references))
        floors, imports = [], []
        for run in range(1, args.repeat + 1):
            _remove_db(folder / "floor.db")
            floors.append(floor_run(letters, folder / "floor.db"))
            register = folder / "register.db"
            _remove_db(register)
            shutil.copy(references_only, register)
            took, result = time_importer(letters, register)
            imports.append(took)
            print(f"run {run}: floor {floors[-1]:.2f} s, data.importer {took:.2f} s "
                  f"(added {result.added}, refused {result.refused}), ratio {took / floors[-1]:.2f}x")
        floor, took = min(floors), min(imports)
        ratio = took / floor
        print(f"floor ({floor_name}), best of {args.repeat}: {floor:.2f} s")
        print(f"data.importer, best of {args.repeat}: {took:.2f} s")
        print(f"ratio: {ratio:.2f}x (budget {BUDGET:.0f}x) — {'OK' if ratio <= BUDGET else 'OVER BUDGET'}")
        return 0 if ratio <= BUDGET else 1
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
