"""`izle identity`: the Asan İmza emulation's identities — add, list, unblock PIN1, set PIN1.

Every change is written to the audit log with mode "admin", the host name as terminal and the
operating-system user as actor, in the same transaction as the change itself.
"""

from __future__ import annotations

import socket
import sqlite3
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from izle.data import audit
from izle.data import identities as ids
from izle.data.db import transaction
from izle.data.identities import ROLES, IdentityError
from izle.data.text import format_phone, strip_controls
from izle.tui.cli.common import cli_actor, db_option, open_terminal_db, state_option
from izle.data.i18n import _, ngettext


@click.group(help=_("Manage who may log in: citizens, operators and administrators."))
def identity() -> None:
    pass


def _fail(error: IdentityError) -> click.ClickException:
    return click.ClickException(error.problem.text(_))


def _read_pin(from_stdin: bool) -> str:
    """PIN1 asked twice without echo, or the first line of stdin."""
    if from_stdin:
        pin = sys.stdin.readline().strip()
    else:
        pin = click.prompt(_("PIN1"), hide_input=True, confirmation_prompt=_("Repeat PIN1"))
    if not ids.valid_pin(pin):
        raise click.ClickException(_("PIN1 must be 4 to 8 digits."))
    return pin


@contextmanager
def _audited_change(conn: sqlite3.Connection, action: str, query: dict):
    """The change and its audit row commit together, or neither does."""
    with transaction(conn):
        yield
        audit.append(conn, terminal=socket.gethostname(), mode="admin", actor=cli_actor(),
                     action=action, outcome="ok", query=query)


def _existing(conn: sqlite3.Connection, user_id: str) -> ids.Identity:
    found = ids.get_identity(conn, user_id)
    if found is None:
        raise click.ClickException(_("No identity with user ID {user_id}.").format(user_id=user_id))
    return found


@identity.command(help=_("Add an identity; PIN1 is asked twice without echo."))
@click.option("--role", type=click.Choice(ROLES), required=True, help=_("what the identity may do"))
@click.option("--phone", required=True, help=_("mobile number, e.g. 050 123 45 67"))
@click.option("--user-id", required=True, help=_("digits, as on the Asan İmza card"))
@click.option("--fin", default="",
              help=_("personal identification number (required for citizens)"))
@click.option("--name", required=True, help=_('full name, "Surname Name Patronymic"'))
@click.option("--pin1-stdin", is_flag=True, help=_("read PIN1 from the first line of stdin"))
@db_option
@state_option
def add(role: str, phone: str, user_id: str, fin: str, name: str, pin1_stdin: bool,
        db: Path | None, state: Path | None) -> None:
    try:
        new = ids.check_new_identity(user_id=user_id, phone=phone, fin=fin, full_name=name, role=role)
    except IdentityError as error:
        raise _fail(error) from None
    conn = open_terminal_db(db, state, create=True)
    if ids.get_identity(conn, new.user_id) is not None:  # before asking for a PIN in vain
        raise _fail(IdentityError("User ID {user_id} already exists.", user_id=new.user_id))
    pin = _read_pin(pin1_stdin)
    try:
        with _audited_change(conn, "identity_add", {"user_id": new.user_id, "role": new.role}):
            ids.add_identity(conn, new, pin)
    except IdentityError as error:
        raise _fail(error) from None
    click.echo(_("Added identity {user_id} ({role}).").format(role=new.role, user_id=new.user_id))


@identity.command(name="list", help=_("List every identity: user ID, role, phone, FIN, name and PIN1 state."))
@db_option
@state_option
def list_command(db: Path | None, state: Path | None) -> None:
    conn = open_terminal_db(db, state)
    for person in ids.list_identities(conn):
        if person.blocked and person.lookups_locked:
            pin_state = _("PIN1 blocked, lookups locked")
        elif person.blocked:
            pin_state = _("PIN1 blocked")
        elif person.lookups_locked:
            pin_state = _("lookups locked")
        elif person.failed_pins:
            pin_state = ngettext("{n} wrong PIN1 attempt", "{n} wrong PIN1 attempts",
                                 person.failed_pins).format(n=person.failed_pins)
        else:
            pin_state = _("active")
        fields = (person.user_id, person.role, format_phone(person.phone), person.fin or "-",
                  person.full_name, pin_state)
        click.echo("  ".join(strip_controls(f) for f in fields))


@identity.command(help=_("Unblock PIN1 after 3 wrong attempts (the PUK's job)."))
@click.argument("user_id")
@db_option
@state_option
def unblock(user_id: str, db: Path | None, state: Path | None) -> None:
    conn = open_terminal_db(db, state)
    _existing(conn, user_id)
    with transaction(conn):
        lifted = ids.unblock(conn, user_id)
        audit.append(conn, terminal=socket.gethostname(), mode="admin", actor=cli_actor(),
                     action="pin_unblock", outcome="ok",
                     query={"user_id": user_id, "pin_block": lifted.pin_block,
                            "lookup_lock": lifted.lookup_lock})
    if lifted.pin_block and lifted.lookup_lock:
        said = _("PIN1 of {user_id} is unblocked and their lookups are unlocked.")
    elif lifted.pin_block:
        said = _("PIN1 of {user_id} is unblocked.")
    elif lifted.lookup_lock:
        said = _("The lookups of {user_id} are unlocked (PIN1 was not blocked).")
    else:
        said = _("Nothing to lift for {user_id}: PIN1 was not blocked and lookups were not locked.")
    click.echo(said.format(user_id=user_id))


@identity.command(name="set-pin", help=_("Give an identity a new PIN1 (this also unblocks it)."))
@click.argument("user_id")
@click.option("--pin1-stdin", is_flag=True, help=_("read PIN1 from the first line of stdin"))
@db_option
@state_option
def set_pin(user_id: str, pin1_stdin: bool, db: Path | None, state: Path | None) -> None:
    conn = open_terminal_db(db, state)
    _existing(conn, user_id)
    pin = _read_pin(pin1_stdin)
    with _audited_change(conn, "pin_set", {"user_id": user_id}):
        ids.set_pin(conn, user_id, pin)
    click.echo(_("PIN1 of {user_id} is set.").format(user_id=user_id))
