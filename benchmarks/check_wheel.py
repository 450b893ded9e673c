"""Build the wheel from a copy of this checkout and check what it would install: one top-level
package, `izle`, with the shell, the screens, the data layer and their catalogs and styles.

    python -m benchmarks.check_wheel

Builds with pip's build isolation (a fresh setuptools from the package index), ~10-30 s.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from benchmarks.common import ROOT

SOURCES = ("pyproject.toml", "README.md", "izle", "tui", "screens", "data")
EXPECTED = ("izle/__init__.py", "izle/__main__.py", "izle/tui/app.py", "izle/tui/router.py",
            "izle/tui/app.tcss", "izle/screens/fast_paths.py", "izle/data/desk/core.py",
            "izle/data/modes.py", "izle/data/locale/az/LC_MESSAGES/izle.mo")


def build(into: Path) -> Path:
    source = into / "src"
    source.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(path, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(into / "dist"), str(source)], check=True, timeout=600)
    return next((into / "dist").glob("izle-*.whl"))


def problems(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        top_level = next((archive.read(n).decode().split() for n in names
                          if n.endswith(".dist-info/top_level.txt")), None)
    found = []
    if top_level != ["izle"]:
        found.append(f"top_level.txt: {top_level}")
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    if tops != {"izle"}:
        found.append(f"top-level names in RECORD: {sorted(tops)}")
    found += [f"missing: {name}" for name in EXPECTED if name not in names]
    return found


def main() -> int:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = build(Path(tmp))
        found = problems(wheel)
        print(f"{wheel.name}: built and read in {time.perf_counter() - started:.1f} s")
    for line in found:
        print("PROBLEM", line)
    print("only izle at the top: " + ("no" if found else "yes"))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
