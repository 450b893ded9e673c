"""The layering DESIGN §7 promises: data/ is plain Python, screens/ run no SQL, start-up stays light."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

from izle import data

ROOT = Path(__file__).resolve().parent.parent


def _modules_loaded_by(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys; print('\\n'.join(sys.modules))"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    return {name.split(".")[0] for name in out.stdout.split()}


def test_data_never_imports_textual():
    names = [f"izle.data.{m.name}" for m in pkgutil.iter_modules(data.__path__)]
    assert len(names) > 5
    loaded = _modules_loaded_by("\n".join(f"import {n}" for n in names))
    assert "textual" not in loaded and "rich" not in loaded


def test_screens_run_no_sql():
    for path in (ROOT / "screens").glob("*.py"):
        tree = ast.parse(path.read_text())
        imported = {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
        imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        assert "sqlite3" not in imported and "sqlite_utils" not in imported, path
        calls = {node.func.attr for node in ast.walk(tree)
                 if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}
        assert not calls & {"execute", "executemany", "executescript"}, path


def test_the_path_to_the_first_screen_stays_light():
    loaded = _modules_loaded_by(
        "import izle.tui.cli, izle.tui.app, izle.screens.login, izle.screens.agency, izle.screens.lookup, izle.screens.result"
    )
    assert "holidays" not in loaded
    assert "sqlite_utils" not in loaded
    assert "babel" not in loaded


def test_the_login_screen_is_painted_without_the_desk():
    """The desk and what it reads with (register, identities, the phone, the audit) are opened
    after the login screen's first paint (tui/app.py `desk`): ~40 ms of the start-up."""
    out = subprocess.run(
        [sys.executable, "-c", "import sys, izle.tui.cli.run, izle.tui.app, izle.screens.login\n"
         "print(' '.join(sorted(m for m in sys.modules if m.startswith('izle.data.'))))"],
        cwd=ROOT, capture_output=True, text=True, check=True)
    loaded = set(out.stdout.split())
    assert "izle.data.clock" in loaded  # the check sees what is loaded
    assert not loaded & {"izle.data.desk", "izle.data.letters", "izle.data.identities", "izle.data.mobile_id",
                         "izle.data.audit", "izle.data.terminal"}


def test_the_layer_contracts_hold():
    """tui → screens → data, and data/ without textual, rich or click: import-linter's
    contracts in pyproject.toml, checked on every import of every module."""
    from importlinter.cli import lint_imports

    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


# What screens share, and may import: widgets, the messages they post, the default keys, the
# private-call module, the result panel that the number form and the lists both show, and the
# rule by which a list of letters shares its width.
SHARED_SCREEN_MODULES = {"widgets", "messages", "keys", "fast_paths", "result", "list_fit"}


def test_every_screen_module_is_under_the_independence_contract():
    """A new screen is either independent of the others (import-linter checks it) or named
    here as shared: it cannot slip past the contract by not being listed."""
    import tomllib

    from izle import screens

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    independent = {name.removeprefix("izle.screens.") for contract in contracts
                   if contract["type"] == "independence" for name in contract["modules"]}
    modules = {m.name for m in pkgutil.iter_modules(screens.__path__)}
    assert modules - SHARED_SCREEN_MODULES == independent
