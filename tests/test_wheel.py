"""`pip install .` puts one top-level package, `izle`, into site-packages: every package folder
of the checkout is listed under `izle.` in pyproject.toml (a folder left out would be missing
from the wheel). benchmarks/check_wheel.py builds the wheel itself and reads its top_level.txt
and RECORD (a build takes a fresh setuptools: too slow for the suite)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_package_folder_is_in_the_wheel_under_izle():
    config = _config()
    folders = config["package-dir"]  # izle.tui -> tui, …
    assert set(folders) == {"izle.tui", "izle.screens", "izle.data"}
    expected = {"izle"}
    for package, folder in folders.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            if "__pycache__" not in init.parts:
                relative = init.parent.relative_to(ROOT / folder).parts
                expected.add(".".join((package, *relative)))
    assert set(config["packages"]) == expected
    assert all(name == "izle" or name.startswith("izle.") for name in config["packages"])
