"""`izle calendar refresh`: Azerbaijan's public holidays into the register's calendar table.

The TUI counts working days from that table alone (it never imports `holidays`); `izle demo`
and `izle import` fill it once, this command renews it — for new years, or after an update of
the `holidays` package. The administrator's own days (Cabinet swaps, imported with
`izle import --kind calendar`) are never overwritten.
"""

from __future__ import annotations

import click

from izle.tui.cli.common import db_option, resolve_paths
from izle.data.i18n import _


def _years(value: str) -> range:
    try:
        first, _sep, last = value.partition("-")
        years = range(int(first), int(last or first) + 1)
    except ValueError:
        years = range(0)
    if not years or years[0] < 1900 or years[-1] > 2200:
        raise click.BadParameter(_("give years as YYYY or YYYY-YYYY, e.g. 2020-2035"))
    return years


@click.group(help=_("The register's calendar of working days."))
def calendar() -> None:
    pass


@calendar.command("refresh", help=_("Write Azerbaijan's public holidays into the register's "
                                    "calendar; days set by the administrator stay as they are."))
@click.option("--years", default="2020-2035", show_default=True, metavar=_("YYYY-YYYY"),
              help=_("the years to write"))
@click.option("--central", "url", default=None, metavar="URL",
              help=_("write them into the central register's calendar instead (terminals get "
                     "them at their next sync)"))
@db_option
def refresh(years: str, url: str | None, db) -> None:
    from izle.data.db import connect_write, transaction
    from izle.data.deadlines import refresh_public_holidays
    from izle.data.schema import ensure_register

    span = _years(years)
    if url is not None:
        _refresh_central(url, span)
        return
    register, _state = resolve_paths(db)
    ensure_register(register)
    conn = connect_write(register)
    try:
        with transaction(conn):
            added, removed, unchanged = refresh_public_holidays(conn, span)
    finally:
        conn.close()
    click.echo(_("{register}: public holidays of {first}–{last}: {added} added, {removed} removed,"
                 " {unchanged} unchanged.").format(register=register, first=span[0], last=span[-1],
                                                   added=added, removed=removed,
                                                   unchanged=unchanged))


def _refresh_central(url: str, span: range) -> None:
    from izle.data.central.admin import refresh_holidays
    from izle.data.central.connection import CentralError
    from izle.tui.cli.central import explain, fail, shown

    try:
        written = refresh_holidays(url, span)
    except CentralError as error:
        fail(explain(error), 2)
    click.echo(_("{register}: {count} public holidays of {first}–{last} written.").format(
        register=shown(url), count=written, first=span[0], last=span[-1]))
