"""`izle check`: SQLite integrity, references, statuses and the audit chain; exit 1 on any problem."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tui.cli.common import db_option, resolve_paths, state_option
from data.i18n import _, ngettext


@click.command("check", help=_("Check the register and this terminal's audit log; "
                               "exit status 1 on any problem."))
@db_option
@state_option
def check(db: Path | None, state: Path | None) -> None:
    from data.check import check_register

    register, terminal_db = resolve_paths(db, state)
    problems = check_register(register, terminal_db)
    for problem in problems:
        click.echo(_("Problem in {file}: {what}").format(file=problem.path or register,
                                                         what=_describe(problem)), err=True)
    if problems:
        n = len(problems)
        files = " + ".join(dict.fromkeys(p.path or str(register) for p in problems))
        click.echo(ngettext("{files}: {count} problem found.", "{files}: {count} problems found.",
                            n).format(files=files, count=n))
        sys.exit(1)
    click.echo(_("{register}: no problems found.").format(register=register))


def _describe(problem) -> str:
    params = dict(problem.params)
    if problem.code == "audit":  # the audit command already explains each way a chain breaks
        from tui.cli.audit import REASONS

        sentence = REASONS.get(params["reason"])
        if sentence is not None:
            params["reason"] = _(sentence).format(seq=params["seq"])
    return _(problem.message).format(**params)
