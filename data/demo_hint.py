"""The demo identity the login screen offers, kept in the meta table of a register built by
`izle demo`: read on its own, so the login screen is painted before the register's reader
(data/letters.py) is loaded."""

from __future__ import annotations

import json
from pathlib import Path

from izle.data.db import connect_read_only


# Only a register that is still a demo offers its keys: real data arriving marks it otherwise
# (data/guard.py), and an older register synced before that rule keeps a stale hint.
HINT_SQL = ("SELECT value FROM meta WHERE key = ?"
            " AND (SELECT value FROM meta WHERE key = 'kind') = 'demo'")


def demo_hint_key(mode: str) -> str:
    """A citizen's identity, or in operator mode an operator's (the mode would refuse a citizen)."""
    return "demo_hint_operator" if mode == "operator" else "demo_hint"


def parse_demo_hint(raw: str | None) -> dict | None:
    return json.loads(raw) if raw else None


def read_demo_hint(register: Path, mode: str = "citizen") -> dict | None:
    """None for a real register (it has no hint)."""
    conn = connect_read_only(register)
    try:
        row = conn.execute(HINT_SQL, (demo_hint_key(mode),)).fetchone()
    finally:
        conn.close()
    return parse_demo_hint(row[0] if row else None)
