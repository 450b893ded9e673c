"""`izle demo`: build a demo register and print its identities (or the JSON contract)."""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from izle.tui.cli.common import cli_actor, db_option, resolve_paths, state_option
from izle.data.i18n import _

PROGRESS_FROM = 100_000  # smaller registers build in a couple of seconds: no bar


@click.command("demo", help=_("Build a realistic demo register and its demo identities."))
@db_option
@state_option
@click.option("--letters", type=click.IntRange(min=100), default=3000, show_default=True,
              help=_("number of letters to generate"))
@click.option("--seed", type=int, default=1, show_default=True,
              help=_("random seed: the same seed builds the same register"))
@click.option("--json", "as_json", is_flag=True,
              help=_("print the demo identities and sample letters as JSON"))
@click.option("--list", "list_only", is_flag=True,
              help=_("only list the demo identities and the sample letters of the existing "
                     "register; build nothing"))
@click.option("--force", is_flag=True,
              help=_("replace a register that was not built by izle demo (a backup copy is "
                     "kept and the replacement audited)"))
def demo(db: Path | None, state: Path | None, letters: int, seed: int, as_json: bool,
         list_only: bool, force: bool) -> None:
    register, terminal_db = resolve_paths(db, state)
    result = _list(register) if list_only else _build(register, terminal_db, letters, seed, force)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _summary(register, terminal_db, None if list_only else letters, result)


def _list(register: Path) -> dict:
    from izle.data.demo import listing

    if not register.is_file():
        raise click.ClickException(
            _("No register at {path}: build one with izle demo.").format(path=register))
    try:
        return listing(register)
    except sqlite3.Error as error:
        raise click.ClickException(
            _("{path} cannot be opened: {error}").format(path=register, error=error)) from error


def _build(register: Path, terminal_db: Path, letters: int, seed: int, force: bool) -> dict:
    from izle.data.demo import build_demo
    from izle.data.guard import RealRegister

    with _progress(letters) as progress:
        try:
            return build_demo(register, terminal_db, letters=letters, seed=seed,
                              progress=progress, force=force, actor=cli_actor())
        except RealRegister as refused:
            raise click.ClickException(_(refused.reason).format(**refused.params)) from None
        except (OSError, sqlite3.Error) as error:
            raise click.ClickException(
                _("Cannot build the register at {path}: {error}").format(path=register, error=error)
            ) from error


@contextmanager
def _progress(letters: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr for big registers, only when someone is watching."""
    if letters <= PROGRESS_FROM or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TimeElapsedColumn

    # The spinner keeps turning at 100 % while the indexes are built.
    columns = (SpinnerColumn(), *Progress.get_default_columns(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(_("Generating letters"), total=letters)
        yield lambda done: bar.update(task, completed=done)


def _summary(register: Path, terminal_db: Path, letters: int | None, result: dict) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from izle.data.statuses import STATUS_TITLES
    from izle.data.text import format_phone

    console = Console(highlight=False)
    console.print(Text(_("Demo register: {path}").format(path=register)))
    console.print(Text(_("Demo identities: {path}").format(path=terminal_db)))
    if letters is not None:
        console.print(Text(_("Letters: {count}").format(count=f"{letters:,}".replace(",", " "))))

    roles = {"citizen": _("citizen"), "operator": _("operator"), "admin": _("administrator")}
    people = Table(title=_("Demo identities"), title_justify="left")
    for header in (_("User ID"), _("Phone"), _("PIN1"), _("Role"), _("Name")):
        people.add_column(header)
    for who in result["identities"]:
        people.add_row(*(Text(v) for v in (who["user_id"], format_phone(who["phone"]), who["pin1"],
                                            roles.get(who["role"], who["role"]), who["full_name"])))
    console.print(people)

    letters_table = Table(title=_("Letters to try"), title_justify="left")
    for header in (_("User ID"), _("Agency"), _("Number"), _("Date"), _("Status")):
        letters_table.add_column(header)
    for s in result["samples"]:
        status = _(STATUS_TITLES.get(s["status"], s["status"]))
        letters_table.add_row(*(Text(v) for v in (s["owner_user_id"], s["agency_name"],
                                                  s["reg_no"], s["reg_date"], status)))
    console.print(letters_table)
