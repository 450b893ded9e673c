"""The `izle` command: run the TUI, or an administrator's subcommand.

Subcommands live in their own modules and are imported only when called, so the path to the
first screen stays light (DESIGN §6). The language (`--lang`, `$IZLE_LANG`) is chosen before
any command module is imported: click reads each option's `help=_("…")` at import time.
"""

from __future__ import annotations

import importlib
import os
import sqlite3
import sys

import click

from izle.data.i18n import N_
from izle.data.problems import ProblemError

# name -> "module:attribute"; each module holds one click command or group.
SUBCOMMANDS = {
    "demo": "izle.tui.cli.demo:demo",
    "import": "izle.tui.cli.importing:import_command",
    "check": "izle.tui.cli.check:check",
    "upgrade": "izle.tui.cli.upgrade:upgrade",
    "audit": "izle.tui.cli.audit:audit",
    "identity": "izle.tui.cli.identity:identity",
    "calendar": "izle.tui.cli.calendar:calendar",
    "central": "izle.tui.cli.central:central",
    "sync": "izle.tui.cli.central:sync",
    "serve": "izle.tui.cli.serve:serve",
    "lookup": "izle.tui.cli.lookup:lookup",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = SUBCOMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        try:
            command = getattr(importlib.import_module(module), attr)
        except ModuleNotFoundError:
            return None
        localize_metavars(command)
        return command


# click names a value by its type, upper-cased ("--letters INTEGER RANGE"); in our words instead.
TYPE_METAVARS = {
    "INTEGER": N_("INTEGER"), "INTEGER RANGE": N_("INTEGER"), "FLOAT": N_("NUMBER"),
    "FLOAT RANGE": N_("NUMBER"), "TEXT": N_("TEXT"),
}


def localize_metavars(command: click.Command) -> None:
    """`[OPTIONS]`, `COMMAND [ARGS]...` and the value names of the help in the chosen language."""
    from izle.data.i18n import _

    if command.options_metavar == "[OPTIONS]":
        command.options_metavar = _("[OPTIONS]")
    for param in command.params:
        name = getattr(param.type, "name", "").upper()
        if param.metavar is None and name in TYPE_METAVARS and not getattr(param, "is_flag", False):
            param.metavar = _(TYPE_METAVARS[name])
    if isinstance(command, click.Group):
        if command.subcommand_metavar == "COMMAND [ARGS]...":
            command.subcommand_metavar = _("COMMAND [ARGS]...")
        for sub in command.commands.values():
            localize_metavars(sub)


def main(args: list[str] | None = None) -> None:
    from izle.data.i18n import lang_options_first, requested_language, use_language_process_wide

    args = lang_options_first(sys.argv[1:] if args is None else args)
    wants_help = any(arg in ("--help", "-h") for arg in args)
    use_language_process_wide(requested_language(args, os.environ, for_help=wants_help))
    from izle.tui.cli.run import run  # the group itself, its help now in the chosen language

    try:
        run(args=args, prog_name="izle")
    except (sqlite3.Error, OSError, ProblemError) as error:
        # The last net under every command: a file that cannot be read or written (a full
        # disk, a newer schema) gets one sentence and exit status 1, as click's own errors do.
        from izle.data.i18n import _
        from izle.tui.cli.run import describe_error

        click.echo(_("izle: the data could not be read or written: {reason}").format(
            reason=describe_error(error)), err=True)
        sys.exit(1)
