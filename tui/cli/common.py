"""Options and helpers shared by the administrator's subcommands."""

from __future__ import annotations

from pathlib import Path

import click

from izle.data.db import register_path, state_path
from izle.data.i18n import _


def db_option(func):
    """`--db PATH`: the register (default: IZLE_DB, then the platform's data folder)."""
    return click.option(
        "--db", "db", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar=_("FILE"),
        envvar="IZLE_DB",
        help=_("register.db (default: $IZLE_DB or the user data folder)"),
    )(func)


def state_option(func):
    """`--state PATH`: the terminal's own database (default: terminal.db beside the register)."""
    return click.option(
        "--state", "state", type=click.Path(dir_okay=False, path_type=Path), default=None,
        envvar="IZLE_STATE",
        metavar=_("FILE"),
        help=_("terminal.db (default: $IZLE_STATE or beside the register)"),
    )(func)


def resolve_paths(db: Path | None, state: Path | None = None) -> tuple[Path, Path]:
    """The register and terminal paths, taking the parent `izle --db/--state` into account."""
    ctx = click.get_current_context(silent=True)
    parent = ctx.find_root().params if ctx else {}
    register = register_path(db or parent.get("db"))
    return register, state_path(register, state or parent.get("state"))


def cli_clock():
    """The clock of an administrator's command: data/clock.py's SystemClock, unless whoever
    invoked the command put another in the context's `obj` (`{"clock": FixedClock(...)}`),
    as tests do — no test reads the real date."""
    from izle.data.clock import SystemClock

    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx else None
    clock = obj.get("clock") if isinstance(obj, dict) else None
    return clock or SystemClock()


class MissingFile(click.ClickException):
    """A file the command reads does not exist (exit status 2, as for a usage problem)."""

    exit_code = 2


def open_terminal_db(db: Path | None, state: Path | None, *, create: bool = False):
    """A read-write connection to terminal.db; created (and upgraded) only when `create`."""
    from izle.data.db import connect_write
    from izle.data.schema import ensure_terminal

    _register, terminal = resolve_paths(db, state)
    if not create and not terminal.exists():
        raise MissingFile(_("No terminal database at {path}.").format(path=terminal))
    ensure_terminal(terminal)
    return connect_write(terminal)


def cli_actor() -> str:
    """Who ran an administrator's command, for the audit log: the operating-system user."""
    import getpass
    import os

    try:
        return "os:" + getpass.getuser()
    except (KeyError, OSError):
        return f"os:uid{os.getuid()}"
