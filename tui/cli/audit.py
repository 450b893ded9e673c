"""`izle audit`: read, verify and export this terminal's hash-chained audit log (terminal.db)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from data import audit as audit_log
from data.text import strip_controls
from tui.cli.common import db_option, open_terminal_db, state_option
from data.i18n import N_, _, ngettext

# Why a row breaks the chain, for the supervisor.
REASONS = {
    "missing": N_("row seq {seq} is missing: it was deleted."),
    "link": N_("row seq {seq} does not follow the row before it: rows were deleted, swapped or inserted."),
    "content": N_("row seq {seq} was changed after it was written."),
    "truncated": N_("the log ends before seq {seq}: its last rows were deleted."),
    "extra": N_("row seq {seq} was added outside İzlə."),
}


@click.group(help=_("Read, verify and export the audit log of this terminal."))
def audit() -> None:
    pass


@audit.command(help=_("Check the hash chain: exit status 0 when intact, 1 naming the first broken seq."))
@db_option
@state_option
def verify(db: Path | None, state: Path | None) -> None:
    conn = open_terminal_db(db, state)
    broken = audit_log.verify(conn)
    if broken is not None:
        reason = _(REASONS[broken.reason]).format(seq=broken.seq)
        click.echo(_("Audit log broken at seq {seq}: {reason}").format(seq=broken.seq, reason=reason),
                   err=True)
        sys.exit(1)
    n = audit_log.count(conn)
    click.echo(ngettext("Audit log intact: {n} row.", "Audit log intact: {n} rows.", n).format(n=n))


@audit.command(help=_("Show the latest rows: seq, time, terminal, mode, actor, action, outcome, query."))
@click.option("-n", "lines", type=click.IntRange(min=1), default=20, show_default=True,
              help=_("how many of the latest rows"))
@db_option
@state_option
def tail(lines: int, db: Path | None, state: Path | None) -> None:
    conn = open_terminal_db(db, state)
    for row in audit_log.tail(conn, lines):
        fields = (str(row["seq"]).rjust(6), row["at"], row["terminal"], row["mode"], row["actor"],
                  row["action"], row["outcome"], row["query"])
        click.echo("  ".join(strip_controls(str(f)) for f in fields))


@audit.command(help=_("Export the whole log as CSV, to send to the centre."))
@click.option("--csv", "csv_file", type=click.File("w", encoding="utf-8"), required=True,
              metavar=_("FILE"),
              help=_("write the whole log, hashes included, to this CSV file ('-' for stdout)"))
@db_option
@state_option
def export(csv_file, db: Path | None, state: Path | None) -> None:
    conn = open_terminal_db(db, state)
    n = audit_log.export_csv(conn, csv_file)
    click.echo(ngettext("Exported {n} row.", "Exported {n} rows.", n).format(n=n), err=True)
    broken = audit_log.verify(conn)
    if broken is not None:
        click.echo(_("Warning: the log is broken at seq {seq}; run `izle audit verify`.").format(seq=broken.seq), err=True)
