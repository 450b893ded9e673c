"""mypy over the shell (tui/) and the screens (screens/): no attribute that does not exist — in
particular no `self.app.<something of İzlə's>`, which Textual's App type cannot know about.

mypy checks the package as the wheel lays it out (izle.tui, izle.screens, izle.data): a
scratch folder links the checkout's folders under `izle/`. Its cache is kept between runs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".mypy_cache"

pytest.importorskip("mypy", reason="mypy comes with the test extra: pip install '.[test]'")


def _package_tree(tmp: Path) -> Path:
    package = tmp / "izle"
    package.mkdir()
    for name in ("__init__.py", "__main__.py"):
        shutil.copy(ROOT / "izle" / name, package / name)
    for folder in ("tui", "screens", "data"):
        (package / folder).symlink_to(ROOT / folder, target_is_directory=True)
    return tmp


def test_the_shell_and_the_screens_use_no_attribute_that_does_not_exist(tmp_path):
    tree = _package_tree(tmp_path)
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "-p", "izle.tui", "-p", "izle.screens",
         "--ignore-missing-imports", "--no-error-summary", "--cache-dir", str(CACHE)],
        cwd=tree, capture_output=True, text=True, timeout=300)
    assert "error" in run.stdout or run.returncode == 0, run.stderr  # mypy ran and reported
    missing = [line for line in run.stdout.splitlines()
               if "has no attribute" in line and line.startswith(("izle/tui/", "izle/screens/"))]
    assert missing == []
