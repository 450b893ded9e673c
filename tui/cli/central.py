"""`izle central`: create the central PostgreSQL register and load the agency's records into it;
`izle sync`: bring this terminal's register up to date from it (DESIGN §8, docs/central.md).

Exit status as `izle import`: 0 done, 1 some rows refused (import) or the sync failed, 2 the
file or the central register could not be used at all. No message ever shows a password.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import click

from izle.tui.cli.common import db_option, resolve_paths, state_option
from izle.data.i18n import _, ngettext

CENTRAL_KINDS = ("agencies", "units", "executors", "letters", "movements", "calendar")


def explain(error) -> str:
    """A CentralError as one sentence in the current language (already redacted)."""
    return _(error.reason).format(**error.params)


def fail(message: str, status: int) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(status)


def shown(url: str) -> str:
    from izle.data.central.connection import redact

    return redact(url, url)


URL_FILE_ENV = "IZLE_CENTRAL_FILE"


def central_url(url: str | None, file: Path | None) -> str:
    """The centre's URL: given, or read from a file only its owner may read (a terminal's URL
    holds its password; on the command line every user would see it in `ps`)."""
    import stat

    if url:
        return url
    if file is None:
        fail(_("Give the centre's URL: --from-file FILE (or {env}) naming a file only root can "
               "read, or the URL itself.").format(env=URL_FILE_ENV), 2)
    try:
        mode = file.stat().st_mode
        text = file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        fail(_("The centre's URL cannot be read from {path}: {error}").format(
            path=file, error=getattr(error, "strerror", None) or error), 2)
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        fail(_("{path} may be read by other users (mode {mode}); it holds a password: "
               "`chmod 600 {path}`.").format(path=file, mode=oct(stat.S_IMODE(mode))[2:]), 2)
    if not text:
        fail(_("{path} is empty: write the terminal's URL into it.").format(path=file), 2)
    return text


def url_file_option(name: str):
    """`--from-file` / `--to-file`: where a terminal keeps the centre's URL (default: $IZLE_CENTRAL_FILE)."""
    return click.option(name, "url_file", type=click.Path(dir_okay=False, path_type=Path),
                        default=None, envvar=URL_FILE_ENV, metavar=_("FILE"),
                        help=_("read the centre's URL from this root-only file (default: "
                               "$IZLE_CENTRAL_FILE)"))


@click.group(help=_("The central PostgreSQL register: create it, and load the agency's records into it."))
def central() -> None:
    pass


@central.command(help=_("Create the central register's tables at URL, or upgrade them to this "
                        "program's version (a PostgreSQL connection string)."))
@click.argument("url", metavar="URL")
def init(url: str) -> None:
    from izle.data.central.connection import CentralError, connect, failure
    from izle.data.central.schema import migrate

    try:
        conn = connect(url, autocommit=True)
        try:
            before, after = migrate(conn)
        except Exception as error:  # noqa: BLE001 - psycopg's, said in one sentence
            raise error if isinstance(error, CentralError) else failure(error, url) from None
        finally:
            conn.close()
    except CentralError as error:
        fail(explain(error), 2)
    if before == after:
        click.echo(_("Central register at {url}: schema version {version}, already current.")
                   .format(url=shown(url), version=after))
    else:
        click.echo(_("Central register at {url}: schema version {version} (was {before}).")
                   .format(url=shown(url), version=after, before=before))


@central.group(help=_("The terminals that may sync from the centre and push their audit: each "
                      "has a PostgreSQL role of its own."))
def terminal() -> None:
    pass


@terminal.command("add", help=_("Register a terminal: make its own PostgreSQL role and print the "
                                "URL it is to use (its password is in it, shown only now)."))
@click.argument("name", metavar=_("NAME"))
@click.option("--central", "url", required=True, metavar="URL",
              help=_("the central register, as its owner (a PostgreSQL connection string)"))
def terminal_add(name: str, url: str) -> None:
    from izle.data.central.connection import CentralError
    from izle.data.central.terminals import add

    try:
        added = add(url, name)
    except CentralError as error:
        fail(explain(error), 2)
    click.echo(added.url)
    click.echo(_("Terminal “{name}” registered. Give it the URL above in a file only root can "
                 "read (`--from-file`, README), never on a command line.").format(name=name),
               err=True)


@terminal.command("list", help=_("Every registered terminal: last sync, how far behind, last "
                                 "audit push, program version."))
@click.option("--central", "url", required=True, metavar="URL",
              help=_("the central register, as its owner (a PostgreSQL connection string)"))
def terminal_list(url: str) -> None:
    from izle.data.central.connection import CentralError
    from izle.data.central.terminals import terminals
    from izle.data.text import strip_controls

    try:
        found = terminals(url)
    except CentralError as error:
        fail(explain(error), 2)
    never = _("never")
    header = (_("terminal"), _("last sync"), _("behind"), _("last push"), _("audit rows"),
              _("program"), _("key"))
    rows = [(t.name, _when(t.synced_at, never),
             never if t.behind is None else ngettext("{n} change", "{n} changes", t.behind).format(n=t.behind),
             _when(t.pushed_at, never), str(t.pushed_seq), t.program or "—", t.key or "—")
            for t in found]
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        click.echo("  ".join(strip_controls(str(v)).ljust(w) for v, w in zip(row, widths)).rstrip())
    if not found:
        click.echo(_("No terminal is registered yet: `izle central terminal add NAME --central URL`."))


def _when(moment, never: str) -> str:
    from datetime import timezone

    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC") if moment else never


@terminal.command("remove", help=_("Remove a terminal: its role is dropped and its connections "
                                   "end; its audit rows stay at the centre."))
@click.argument("name", metavar=_("NAME"))
@click.option("--central", "url", required=True, metavar="URL",
              help=_("the central register, as its owner (a PostgreSQL connection string)"))
def terminal_remove(name: str, url: str) -> None:
    from izle.data.central.connection import CentralError
    from izle.data.central.terminals import remove

    try:
        remove(url, name)
    except CentralError as error:
        fail(explain(error), 2)
    click.echo(_("Terminal “{name}” removed; its audit rows stay at the centre.").format(name=name))


@central.command("import", help=_("Import agencies, units, executors, letters, movements or calendar "
                                  "days into the central register, validated as by `izle import`."))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), metavar=_("FILE"))
@click.option("--kind", required=True, type=click.Choice(CENTRAL_KINDS), help=_("what the file holds"))
@click.option("--to", "url", required=True, metavar="URL", help=_("the central register: a PostgreSQL connection string"))
@click.option("--strict", is_flag=True, help=_("refuse the whole file if any row is bad"))
@click.option("--dry-run", is_flag=True, help=_("check and count, but write nothing"))
def import_command(file: Path, kind: str, url: str, strict: bool, dry_run: bool) -> None:
    from izle.data.central.connection import CentralError
    from izle.data.central.load import central_import
    from izle.data.importer import FileProblem
    from izle.tui.cli.importing import _fail, _progress, _report

    try:
        with _progress(file) as progress:
            result = central_import(url, file, kind, strict=strict, dry_run=dry_run,
                                    progress=progress)
    except FileProblem as problem:
        _fail(file, _(problem.reason).format(**problem.params))
    except CentralError as error:
        _fail(file, explain(error))
    except (sqlite3.Error, OSError) as error:
        _fail(file, str(error))
    _report(file, result)
    if result.refused:
        sys.exit(1)


@central.command(help=_("Delete the tombstones every terminal that synced within the window has "
                        "fetched; a terminal that did not sync in it gets a full copy next time."))
@click.argument("url", metavar="URL")
@click.option("--keep-days", type=click.IntRange(min=1), default=30, show_default=True,
              metavar=_("DAYS"), help=_("terminals that synced within this many days keep their delta"))
def prune(url: str, keep_days: int) -> None:
    from izle.data.central.admin import prune as run_prune
    from izle.data.central.connection import CentralError

    try:
        pruned = run_prune(url, keep_days)
    except CentralError as error:
        fail(explain(error), 2)
    click.echo(_("Central register at {url}: {tombstones} tombstones and {truncations} truncation "
                 "records pruned below transaction {horizon}.").format(
        url=shown(url), tombstones=pruned.tombstones, truncations=pruned.truncations,
        horizon=pruned.horizon))


@central.command(help=_("Show the central register's schema version, each terminal's last sync "
                        "and how far behind it is, and long-open transactions holding them back."))
@click.argument("url", metavar="URL")
@click.option("--long-open", type=click.IntRange(min=0), default=60, show_default=True,
              metavar=_("SECONDS"), help=_("name writing transactions open at least this long"))
def status(url: str, long_open: int) -> None:
    from izle.data.central.admin import status as read_status
    from izle.data.central.connection import CentralError
    from izle.data.text import strip_controls

    try:
        found = read_status(url, long_open)
    except CentralError as error:
        fail(explain(error), 2)
    click.echo(_("Central register at {url}: schema version {version} (this program: {expected})."
                 ).format(url=shown(url), version=found.schema_version,
                          expected=found.expected_version))
    if found.schema_version != found.expected_version:
        sys.exit(1)
    click.echo(_("Tombstones: {tombstones}; truncation records: {truncations}; pruned below: "
                 "{horizon}.").format(tombstones=found.tombstones, truncations=found.truncations,
                                      horizon=found.pruned_to or "-"))
    for t in found.terminals:
        click.echo(_("Terminal “{name}”: last sync {at} UTC, {behind} transactions behind, "
                     "program {version}.").format(name=strip_controls(t.name), at=t.synced_at,
                                                  behind=t.behind, version=t.program_version))
    for x in found.long_open:
        click.echo(_("Transaction {xid} open for {seconds} s (pid {pid}, database {database}, user "
                     "{user}, {application}): its changes reach terminals only when it ends, and "
                     "pruning waits for it.").format(
            xid=x.xid, seconds=x.seconds, pid=x.pid, database=strip_controls(x.database),
            user=strip_controls(x.user), application=strip_controls(x.application)))


@click.command(help=_("Make the local register equal to the central register: only what changed "
                      "since the last sync, deletions too, in one transaction; a full copy when "
                      "a delta cannot be exact."))
@click.option("--from", "url", default=None, metavar="URL", help=_("the central register: a PostgreSQL connection string"))
@url_file_option("--from-file")
@click.option("--jitter", type=click.FloatRange(min=0, max=3600), default=0, metavar=_("SECONDS"),
              help=_("first wait a random time up to this long, so that many terminals on one "
                     "timer do not all connect at once"))
@click.option("--terminal", default=None, metavar=_("NAME"),
              help=_("this terminal's name at the centre (default: the name kept in terminal.db, "
                     "else the host name)"))
@db_option
@state_option
def sync(url: str | None, url_file: Path | None, jitter: float, terminal: str | None,
         db: Path | None, state: Path | None) -> None:
    from izle.data.central.connection import CentralError
    from izle.data.central.sync import sync as run_sync
    from izle.data.guard import drop_demo_identities
    from izle.tui.cli.common import cli_clock

    url = central_url(url, url_file)
    register, terminal_db = resolve_paths(db, state)
    try:
        name = _terminal_name(terminal_db, terminal)
        with _progress() as progress:
            result = run_sync(url, register, progress, terminal=name, clock=cli_clock(),
                              rng=_rng(), jitter_s=jitter)
        _keep_name(terminal_db, terminal)
        drop_demo_identities(terminal_db)  # real data now: no published demo key opens them
    except CentralError as error:
        fail(_("Sync failed; the local register is unchanged. {reason}").format(reason=explain(error)), 1)
    except (sqlite3.Error, OSError) as error:
        fail(_("Sync failed; the local register is unchanged. {reason}").format(
            reason=_("the register cannot be written: {error}").format(error=error)), 1)
    if result.full:
        click.echo(_("Full copy from {url} ({reason}): {rows} rows written to {path}.").format(
            url=shown(url), reason=_(result.reason).format(**result.params), rows=result.rows,
            path=register))
    else:
        click.echo(_("Synced from {url}: {rows} rows written, {deleted} deleted.").format(
            url=shown(url), rows=result.rows, deleted=result.deleted))


def _terminal_name(terminal_db: Path, wanted: str | None) -> str:
    """The name kept in terminal.db (the one `izle audit push` uses), else `wanted`, else the
    host name. Read only: a failed sync leaves no file behind."""
    import socket

    from izle.data.central.connection import CentralError
    from izle.data.i18n import N_

    stored = _stored_name(terminal_db)
    if stored is not None and wanted and wanted != stored:
        raise CentralError(N_("This terminal's audit log is pushed as “{name}”, not “{wanted}”."),
                           name=stored, wanted=wanted)
    return stored or wanted or socket.gethostname()


def _stored_name(terminal_db: Path) -> str | None:
    from izle.data.central.audit import NAME_KEY

    if not terminal_db.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{terminal_db.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (NAME_KEY,)).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def _keep_name(terminal_db: Path, wanted: str | None) -> None:
    """A name given with --terminal is kept in terminal.db once a sync succeeded."""
    from izle.data.central.audit import terminal_name
    from izle.data.db import connect_write
    from izle.data.schema import ensure_terminal

    if not wanted:
        return
    ensure_terminal(terminal_db)
    conn = connect_write(terminal_db)
    try:
        terminal_name(conn, wanted)
    finally:
        conn.close()


def _rng():
    """The randomness of a command: the context's `obj["rng"]` in tests, else the system's."""
    from izle.data.clock import system_random

    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx else None
    rng = obj.get("rng") if isinstance(obj, dict) else None
    return rng or system_random()


@contextmanager
def _progress() -> Iterator[Callable[[int, int], None] | None]:
    """A rich bar on a terminal; nothing otherwise (the summary line says it all)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(_("Syncing"), total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        yield update
