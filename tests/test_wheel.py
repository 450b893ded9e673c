"""`pip install .` puts one top-level package, `izle`, into site-packages: every package folder
of the checkout is listed under `izle.` in pyproject.toml (a folder left out would be missing
from the wheel), and the wheel the README's test command installed before the suite runs has
`izle` alone in its top_level.txt and RECORD. benchmarks/check_wheel.py builds a wheel from a
copy of the checkout and reads the same (a build takes a fresh setuptools: too slow here)."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import izle

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


def test_the_installed_wheel_holds_izle_alone():
    """What `pip install '.[test]'` (README, .ci/run) put into site-packages: a wheel's
    dist-info has a RECORD (the checkout's own izle.egg-info, found first on sys.path from
    the repository's folder, has none)."""
    installed = [d for d in metadata.distributions(name="izle") if d.read_text("RECORD")]
    assert installed, "izle is not installed: run the README's test command"
    wheel = installed[0]
    assert wheel.version == izle.__version__
    assert wheel.read_text("top_level.txt").split() == ["izle"]
    dist_info = f"izle-{wheel.version}.dist-info"
    for file in wheel.files or ():
        top = file.parts[0]
        assert top in ("izle", dist_info) or (top == ".." and file.name == "izle"), file
    assert "izle/tui/app.tcss" in {file.as_posix() for file in wheel.files or ()}
