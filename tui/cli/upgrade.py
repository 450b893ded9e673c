"""`izle upgrade`: bring register.db and terminal.db to this program's schema (forward-only).

The TUI opens the register read-only and so never upgrades it; an administrator does, here,
after installing a new version (an import does it too).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click

from izle.tui.cli.common import MissingFile, db_option, resolve_paths, state_option
from izle.data.i18n import _


@click.command("upgrade", help=_("Upgrade the register and this terminal's database to the "
                                 "schema this program expects."))
@db_option
@state_option
def upgrade(db: Path | None, state: Path | None) -> None:
    from izle.data.db import connect_write, user_version
    from izle.data.schema import REGISTER_MIGRATIONS, TERMINAL_MIGRATIONS, migrate

    register, terminal_db = resolve_paths(db, state)
    if not register.is_file():
        raise MissingFile(_("No register at {path}: build one with izle demo.").format(path=register))
    for path, migrations in ((register, REGISTER_MIGRATIONS), (terminal_db, TERMINAL_MIGRATIONS)):
        if not path.is_file():
            continue
        try:
            conn = connect_write(path)
            try:
                before = user_version(conn)
                after = migrate(conn, migrations)
            finally:
                conn.close()
        except (sqlite3.Error, RuntimeError, OSError) as error:
            raise click.ClickException(
                _("{path} cannot be opened: {error}").format(path=path, error=error)) from error
        click.echo(_("{path}: schema version {before} → {after}.").format(
            path=path, before=before, after=after))
