"""`izle check`: SQLite integrity, references, statuses and the audit chain; exit 1 on any problem.

Warnings (a calendar without this or next year's public holidays) are printed beside the
problems but leave the exit status 0 when they are all there is."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from izle.tui.cli.common import cli_clock, db_option, resolve_paths, state_option
from izle.data.i18n import _, ngettext


@click.command("check", help=_("Check the register and this terminal's audit log; "
                               "exit status 1 on any problem (warnings alone do not fail)."))
@db_option
@state_option
def check(db: Path | None, state: Path | None) -> None:
    from izle.data.check import check_register, check_warnings

    register, terminal_db = resolve_paths(db, state)
    problems = check_register(register, terminal_db)
    warnings = check_warnings(register, cli_clock().today())
    for problem in problems:
        click.echo(_("Problem in {file}: {what}").format(file=problem.path or register,
                                                         what=_describe(problem)), err=True)
    for warning in warnings:
        click.echo(_("Warning about {file}: {what}").format(file=warning.path or register,
                                                           what=_describe(warning)), err=True)
    if problems:
        n = len(problems)
        files = " + ".join(dict.fromkeys(p.path or str(register) for p in problems))
        click.echo(ngettext("{files}: {count} problem found.", "{files}: {count} problems found.",
                            n).format(files=files, count=n))
        sys.exit(1)
    if warnings:
        click.echo(ngettext("{register}: no problems found, {count} warning.",
                            "{register}: no problems found, {count} warnings.",
                            len(warnings)).format(register=register, count=len(warnings)))
        return
    click.echo(_("{register}: no problems found.").format(register=register))


def _describe(problem) -> str:
    params = dict(problem.params)
    if problem.code == "audit":  # the audit command already explains each way a chain breaks
        from izle.tui.cli.audit import REASONS

        sentence = REASONS.get(params["reason"])
        if sentence is not None:
            params["reason"] = _(sentence).format(seq=params["seq"])
    return _(problem.message).format(**params)
