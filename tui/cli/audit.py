"""`izle audit`: read, verify and export this terminal's hash-chained audit log (terminal.db)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from izle.data import audit as audit_log
from izle.data.text import strip_controls
from izle.tui.cli.common import db_option, open_terminal_db, state_option
from izle.data.i18n import N_, _, ngettext

# Why a row breaks the chain, for the supervisor.
REASONS = {
    "missing": N_("row seq {seq} is missing: it was deleted."),
    "link": N_("row seq {seq} does not follow the row before it: rows were deleted, swapped or inserted."),
    "content": N_("row seq {seq} was changed after it was written."),
    "truncated": N_("the log ends before seq {seq}: its last rows were deleted."),
    "extra": N_("row seq {seq} was added outside İzlə."),
    "signature": N_("row seq {seq} is not signed with this terminal's key: it was changed or "
                    "forged at the centre."),
    "unsigned": N_("row seq {seq} carries no signature: it cannot be proven to be the "
                   "terminal's (rows pushed before signing, or a forged row)."),
    "gone": N_("the terminal has pushed its audit, but none of its rows is left: they were "
               "deleted."),
    "fork": N_("two audit chains run under this one name, a copied terminal.db (a cloned disk): "
               "the centre's reaches seq {head_seq} ({head}), the refused one seq {offered_seq} "
               "({offered}); they part at seq {seq}."),
    "headless": N_("the log's stored head is gone: rows at its end may have been deleted."),
    "unguarded": N_("the triggers that keep the log append-only were removed: rows may have "
                    "been deleted or changed."),
    "pushed": N_("the log no longer holds row seq {seq} as it was pushed to the centre: rows "
                 "were deleted or rewritten."),
}


@click.group(help=_("Read, verify and export the audit log of this terminal, and push it to the centre."))
def audit() -> None:
    pass


@audit.command(help=_("Check the hash chain: exit status 0 when intact, 1 naming the first broken seq."))
@click.option("--central", "url", default=None, metavar="URL",
              help=_("verify every terminal's chain in the central register at this URL instead"))
@db_option
@state_option
def verify(url: str | None, db: Path | None, state: Path | None) -> None:
    if url is not None:
        _verify_central(url)
        return
    conn = open_terminal_db(db, state)
    broken = audit_log.verify(conn)
    if broken is not None:
        reason = _(REASONS[broken.reason]).format(seq=broken.seq)
        click.echo(_("Audit log broken at seq {seq}: {reason}").format(seq=broken.seq, reason=reason),
                   err=True)
        sys.exit(1)
    n = audit_log.count(conn)
    click.echo(ngettext("Audit log intact: {n} row.", "Audit log intact: {n} rows.", n).format(n=n))


def _verify_central(url: str) -> None:
    from izle.data.central.audit import verify as verify_central
    from izle.data.central.connection import CentralError
    from izle.tui.cli.central import explain, fail

    try:
        terminals, rows, broken = verify_central(url)
    except CentralError as error:
        fail(explain(error), 2)
    for found in broken:
        reason = _(REASONS[found.broken.reason]).format(seq=found.broken.seq, **found.detail)
        click.echo(_("Terminal “{terminal}”: audit log broken at seq {seq}: {reason}").format(
            terminal=strip_controls(found.terminal), seq=found.broken.seq, reason=reason), err=True)
    if broken:
        sys.exit(1)
    click.echo(_("Central audit intact: {terminals} terminals, {rows} rows.").format(
        terminals=terminals, rows=rows))


def _url_file(func):
    from izle.tui.cli.central import url_file_option

    return url_file_option("--to-file")(func)


@audit.command(help=_("Send this terminal's audit rows that the central register does not hold "
                      "yet; run it again at any time, nothing is sent twice."))
@click.option("--to", "url", default=None, metavar="URL",
              help=_("the central register: the URL `izle central terminal add` printed"))
@_url_file
@click.option("--terminal", default=None, metavar=_("NAME"),
              help=_("the terminal this log belongs to: refused unless the URL logs in as it"))
@click.option("--jitter", type=click.FloatRange(min=0, max=3600), default=0, metavar=_("SECONDS"),
              help=_("first wait a random time up to this long, so that many terminals on one "
                     "timer do not all connect at once"))
@db_option
@state_option
def push(url: str | None, url_file: Path | None, terminal: str | None, jitter: float,
         db: Path | None, state: Path | None) -> None:
    from izle.data.central.audit import push as push_log
    from izle.data.central.connection import CentralError
    from izle.tui.cli.central import central_url, explain, fail
    from izle.tui.cli.common import cli_clock

    url = central_url(url, url_file)
    conn = open_terminal_db(db, state)
    try:
        pushed = push_log(url, conn, terminal, clock=cli_clock(), jitter_s=jitter)
    except CentralError as error:
        fail(_("Audit push failed; nothing was sent. {reason}").format(reason=explain(error)), 1)
    click.echo(ngettext("Sent {n} audit row as “{terminal}”; the centre holds {total}.",
                        "Sent {n} audit rows as “{terminal}”; the centre holds {total}.",
                        pushed.sent).format(n=pushed.sent, terminal=strip_controls(pushed.terminal),
                                            total=pushed.total))
    if pushed.resent:
        click.echo(ngettext("The centre had lost {n} row it once accepted from this terminal; "
                            "it holds it again. Tell the centre's owner.",
                            "The centre had lost {n} rows it once accepted from this terminal; "
                            "it holds them again. Tell the centre's owner.",
                            pushed.resent).format(n=pushed.resent), err=True)


@audit.command(help=_("Show this terminal's public audit key (made now if it has none yet): the "
                      "centre's owner compares its first digits with `izle central terminal list`."))
@db_option
@state_option
def key(db: Path | None, state: Path | None) -> None:
    conn = open_terminal_db(db, state)
    click.echo(audit_log.public_hex(audit_log.signing_key(conn)))


@audit.command(help=_("Show the latest rows: seq, time, terminal, mode, actor, action, outcome, query."))
@click.option("-n", "lines", type=click.IntRange(min=1), default=20, show_default=True,
              help=_("how many of the latest rows"))
@db_option
@state_option
def tail(lines: int, db: Path | None, state: Path | None) -> None:
    conn = open_terminal_db(db, state)
    for row in audit_log.tail(conn, lines):
        fields = (str(row["seq"]).rjust(6), local_time(row["at"]), row["terminal"], row["mode"], row["actor"],
                  row["action"], row["outcome"], row["query"])
        click.echo("  ".join(strip_controls(str(f)) for f in fields))


def local_time(stamp: str) -> str:
    """A stored UTC time as this terminal's local time with its offset (the supervisor reads
    the clock on the wall); a value that is not a time is shown as it is."""
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return str(stamp)
    if moment.tzinfo is None:
        return stamp
    return moment.astimezone().isoformat(timespec="milliseconds" if moment.microsecond else "seconds")


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
