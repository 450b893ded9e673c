"""tui/web/server.py overrides textual-serve's internals (the process start, its stop, the index
page and the socket's session). textual-serve is pinned exactly (pyproject.toml); these fail
when another version is installed or the overridden code changed, before a browser would."""

from __future__ import annotations

import hashlib
import inspect
import re
from importlib.metadata import version
from pathlib import Path

from textual_serve.app_service import AppService
from textual_serve.server import Server

ROOT = Path(__file__).resolve().parents[1]

# The code tui/web/server.py replaces or relies on, as in the pinned version.
OVERRIDDEN = {
    (AppService, "_open_app_process"): "1202e78eb3e9d5d6",
    (AppService, "_build_environment"): "7411a31d53d5e8ae",
    (AppService, "stop"): "e17b0255d820b5e6",
    (AppService, "start"): "677839f69c78d856",
    (AppService, "__init__"): "97d2aa2d006bca53",
    (Server, "handle_index"): "c961f57f6af22bfe",
    (Server, "handle_websocket"): "87c0c9d50be81f45",
    (Server, "_process_messages"): "c30aaa2d9521fe13",
    (Server, "__init__"): "e7388c474b965a3b",
}
# AppService's attributes the override reads and sets.
ATTRIBUTES = ("_process", "_stdin", "_task", "_download_manager", "_build_environment")


def test_textual_serve_is_the_pinned_version():
    pinned = re.findall(r'"textual-serve==([^"]+)"', (ROOT / "pyproject.toml").read_text())
    assert pinned and set(pinned) == {version("textual-serve")}


def test_the_overridden_internals_are_as_they_were():
    changed = {f"{cls.__name__}.{name}" for (cls, name), digest in OVERRIDDEN.items()
               if hashlib.sha256(inspect.getsource(getattr(cls, name)).encode()).hexdigest()[:16] != digest}
    assert not changed, f"textual-serve changed what tui/web/server.py overrides: {sorted(changed)}"
    source = inspect.getsource(AppService)
    assert all(f"self.{name}" in source for name in ATTRIBUTES)
