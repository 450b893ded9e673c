"""Options and helpers shared by the administrator's subcommands."""

from __future__ import annotations

from pathlib import Path

import click

from data.db import register_path, state_path


def db_option(func):
    """`--db PATH`: the register (default: IZLE_DB, then the platform's data folder)."""
    return click.option(
        "--db", "db", type=click.Path(dir_okay=False, path_type=Path), default=None,
        help="register.db (default: $IZLE_DB or the user data folder)",
    )(func)


def state_option(func):
    """`--state PATH`: the terminal's own database (default: terminal.db beside the register)."""
    return click.option(
        "--state", "state", type=click.Path(dir_okay=False, path_type=Path), default=None,
        help="terminal.db (default: $IZLE_STATE or beside the register)",
    )(func)


def resolve_paths(db: Path | None, state: Path | None = None) -> tuple[Path, Path]:
    """The register and terminal paths, taking the parent `izle --db/--state` into account."""
    ctx = click.get_current_context(silent=True)
    parent = ctx.find_root().params if ctx else {}
    register = register_path(db or parent.get("db"))
    return register, state_path(register, state or parent.get("state"))
