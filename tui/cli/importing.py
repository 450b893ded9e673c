"""`izle import FILE --kind KIND`: load the agency's records into the register.

Exit status: 0 all rows imported, 1 some rows refused (each reported on stderr as
`FILE:LINE: COLUMN: reason`), 2 the file could not be imported at all.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import click

from izle.data.importer import KINDS, FileProblem, ImportResult, Problem, import_file
from izle.data.text import strip_controls
from izle.tui.cli.common import db_option, resolve_paths, state_option
from izle.data.i18n import _

PROGRESS_FROM_BYTES = 1 << 20  # smaller files import in a blink: no progress shown
PLAIN_STEP = 10  # percent between two plain progress lines


@click.command("import", help=_("Import agencies, units, executors, letters, movements, calendar "
                                "days or identities from a CSV, JSON Lines or Excel (.xlsx) file."))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), metavar=_("FILE"))
@click.option("--kind", required=True, type=click.Choice(list(KINDS)),
              help=_("what the file holds"))
@click.option("--strict", is_flag=True, help=_("refuse the whole file if any row is bad"))
@click.option("--dry-run", is_flag=True, help=_("check and count, but write nothing"))
@click.option("--encoding", metavar=_("ENCODING"),
              help=_("the file's text encoding when it has no byte order mark, e.g. cp1251 "
                     "(default: UTF-8)"))
@db_option
@state_option
def import_command(file: Path, kind: str, strict: bool, dry_run: bool, encoding: str | None,
                   db: Path | None, state: Path | None) -> None:
    register, terminal_db = resolve_paths(db, state)
    try:
        with _progress(file) as progress:
            result = import_file(register, file, kind, state=terminal_db, strict=strict,
                                 dry_run=dry_run, progress=progress, encoding=encoding)
    except FileProblem as problem:
        _fail(file, _(problem.reason).format(**problem.params))
    except (sqlite3.Error, OSError) as error:
        _fail(file, _("the register cannot be written: {error}").format(error=error))
    _report(file, result)
    if result.refused:
        sys.exit(1)


def _fail(file: Path, reason: str) -> NoReturn:
    click.echo(_("Cannot import {file}: {reason}").format(file=file, reason=reason), err=True)
    sys.exit(2)


def describe(problem: Problem) -> str:
    """`REASON` in the current language; a warning says so."""
    reason = _(problem.reason).format(**problem.params)
    return _("warning: {reason}").format(reason=reason) if problem.warning else reason


def _report(file: Path, result: ImportResult) -> None:
    for problem in result.problems:
        where = f"{file}:{problem.line}:" + (f" {strip_controls(problem.column)}:" if problem.column else "")
        click.echo(f"{where} {describe(problem)}", err=True)
    click.echo(_("{read} read, {added} added, {updated} updated, {unchanged} unchanged, "
                 "{refused} refused.").format(read=result.read, added=result.added,
                                              updated=result.updated, unchanged=result.unchanged,
                                              refused=result.refused))
    if result.strict and result.refused:
        click.echo(_("The whole file was refused (--strict): nothing was written."))
    elif result.dry_run:
        click.echo(_("Dry run: nothing was written."))


@contextmanager
def _progress(file: Path) -> Iterator[Callable[[int, int, int], None] | None]:
    """A rich bar on a terminal, a plain line every 10 % otherwise; nothing for small files."""
    try:
        size = file.stat().st_size
    except OSError:
        size = 0
    if size < PROGRESS_FROM_BYTES:
        yield None
    elif sys.stderr.isatty():
        with _bar(size) as update:
            yield update
    else:
        yield _plain_lines()


@contextmanager
def _bar(size: int) -> Iterator[Callable[[int, int, int], None]]:
    from rich.console import Console
    from rich.progress import (BarColumn, DownloadColumn, Progress, SpinnerColumn, TextColumn,
                               TimeElapsedColumn)

    # The spinner keeps turning at 100 % while the indexes are rebuilt and the file committed.
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(_("Importing"), total=size)

        def update(rows: int, done: int, total: int) -> None:
            bar.update(task, completed=done,
                       description=_("Importing: {rows} rows").format(rows=rows))

        yield update


def _plain_lines() -> Callable[[int, int, int], None]:
    shown = [-PLAIN_STEP]

    def update(rows: int, done: int, total: int) -> None:
        percent = 100 * done // max(1, total)
        if percent >= shown[0] + PLAIN_STEP:
            shown[0] = percent - percent % PLAIN_STEP
            click.echo(_("{rows} rows read ({percent}%)").format(percent=shown[0], rows=rows),
                       err=True)

    return update
