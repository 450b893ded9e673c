"""The `izle` command: run the TUI, or an administrator's subcommand.

Subcommands live in their own modules and are imported only when called, so the path to the
first screen stays light (DESIGN §6).
"""

from __future__ import annotations

import importlib

import click

# name -> "module:attribute"; each module holds one click command or group.
SUBCOMMANDS = {
    "demo": "tui.cli.demo:demo",
    "import": "tui.cli.importing:import_command",
    "check": "tui.cli.check:check",
    "audit": "tui.cli.audit:audit",
    "identity": "tui.cli.identity:identity",
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
            return getattr(importlib.import_module(module), attr)
        except ModuleNotFoundError:
            return None


from tui.cli.run import run  # noqa: E402  (the group itself, defined with its options)


def main() -> None:
    run(prog_name="izle")
