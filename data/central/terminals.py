"""The centre's registry of terminals: `izle central terminal add / list / remove`.

Each terminal logs in with a PostgreSQL role of its own, named as the terminal, member of the
database's `<db>_terminal` group (data/central/schema.py): it reads the register and writes
only its own audit chain and its own record. `add` makes the role with a generated password,
sent to the server already hashed (SCRAM, by libpq), so the password itself is never in the
server's statement log; it is printed once, inside the URL the terminal is to use.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode

from izle.data.central.connection import (CentralError, central_driver, connect, failure,
                                          is_local, parse)
from izle.data.central.schema import ROLES_VERSION, TABLES, require_current
from izle.data.i18n import N_
from izle.data.text import strip_controls

# A role name that needs no quoting anywhere (psql, URLs, pg_hba.conf) and is no system role.
NAME = re.compile(r"[a-z][a-z0-9_-]{0,40}")
CONNECTION_LIMIT = 4  # a sync and a push at once, and room for one that is hanging up
DEFAULT_CA = "/etc/izle/centre-ca.pem"  # where a terminal keeps the centre's CA certificate


@dataclass(frozen=True)
class Added:
    name: str
    url: str  # the terminal's own URL, its password in it: shown once


@dataclass(frozen=True)
class Terminal:
    name: str
    added_at: datetime
    synced_at: datetime | None
    behind: int | None  # rows written or deleted at the centre since its last sync's snapshot
    pushed_at: datetime | None
    pushed_seq: int
    program: str | None
    key: str | None  # the public key's first hex digits (`izle audit key` on the terminal)


def add(owner_url: str, name: str) -> Added:
    """Register terminal `name`: its role, its row in `terminals`, and its URL."""
    psycopg = central_driver()
    from psycopg import sql

    _check_name(name)
    conn = connect(owner_url, autocommit=True)
    try:
        require_current(conn, needs=ROLES_VERSION)
        password = secrets.token_urlsafe(24)
        with conn.transaction():
            if conn.execute("SELECT 1 FROM terminals WHERE name = %s", (name,)).fetchone():
                raise CentralError(N_("A terminal “{name}” is or was registered here: its audit "
                                      "chain keeps that name. Choose another name."), name=name)
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone():
                raise CentralError(N_("The server already has a role “{name}”: choose another "
                                      "name for the terminal."), name=name)
            hashed = conn.pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256")
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN CONNECTION LIMIT {} PASSWORD {} IN ROLE {}")
                         .format(sql.Identifier(name), sql.Literal(CONNECTION_LIMIT),
                                 sql.Literal(hashed.decode()), sql.Identifier(_group(conn))))
            conn.execute("INSERT INTO terminals (name) VALUES (%s)", (name,))
        database = conn.execute("SELECT current_database()").fetchone()[0]
        return Added(name, terminal_url(owner_url, name, password, database))
    except psycopg.Error as error:
        raise failure(error, owner_url) from None
    finally:
        conn.close()


def remove(owner_url: str, name: str) -> None:
    """Drop the terminal's role (its connections end now); its audit rows stay, and the name
    stays taken, so that its chain can never be continued by another."""
    psycopg = central_driver()
    from psycopg import sql

    conn = connect(owner_url, autocommit=True)
    try:
        require_current(conn, needs=ROLES_VERSION)
        with conn.transaction():
            found = conn.execute("UPDATE terminals SET removed_at = now() WHERE name = %s"
                                 " AND removed_at IS NULL RETURNING name", (name,)).fetchone()
            if found is None:
                raise CentralError(N_("No terminal “{name}” is registered here."), name=name)
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s",
                     (name,))
    except psycopg.Error as error:
        raise failure(error, owner_url) from None
    finally:
        conn.close()


def terminals(owner_url: str) -> list[Terminal]:
    """Every registered terminal, with its last sync and push, in name order."""
    psycopg = central_driver()

    conn = connect(owner_url)
    try:
        require_current(conn, needs=ROLES_VERSION)
        rows = conn.execute(
            "SELECT t.name, t.added_at, s.synced_at, s.snapshot_xmax::text, t.pushed_at,"
            " coalesce(h.seq, 0), coalesce(s.program_version, t.program_version),"
            " coalesce(s.schema_version, t.schema_version), t.public_key"
            " FROM terminals t LEFT JOIN terminal_syncs s ON s.terminal = t.name"
            " LEFT JOIN audit_heads h ON h.terminal = t.name"
            " WHERE t.removed_at IS NULL ORDER BY t.name").fetchall()
        return [Terminal(name, added, synced, _behind(conn, xmax) if xmax else None, pushed,
                         seq, f"{program} (schema {schema})" if program else None,
                         key[:16] if key else None)
                for name, added, synced, xmax, pushed, seq, program, schema, key in rows]
    except psycopg.Error as error:
        raise failure(error, owner_url) from None
    finally:
        conn.close()


def terminal_url(owner_url: str, name: str, password: str, database: str) -> str:
    """The owner's URL with the terminal's role and password, and, for a centre on another
    machine, TLS that checks the centre's certificate."""
    params = parse(owner_url)
    host, port = params.get("host", ""), params.get("port")
    query = {k: params[k] for k in ("sslmode", "sslrootcert", "sslcrl") if k in params}
    if not all(is_local(h.strip()) for h in host.split(",")):
        query["sslmode"] = "verify-full"
        query.setdefault("sslrootcert", DEFAULT_CA)
    elif host.startswith("/"):
        query["host"] = host  # a Unix socket directory goes in the query
        host = ""
    netloc = f"{quote(name)}:{quote(password, safe='')}@{_bracketed(host)}"
    netloc += f":{port}" if port and host else ""
    dbname = quote(database, safe="")
    return f"postgresql://{netloc}/{dbname}" + (f"?{urlencode(query)}" if query else "")


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _behind(conn, xmax: str) -> int:
    """Rows written or deleted at the centre by transactions that began after the snapshot of
    the terminal's last sync (`izle central status` names those that were open during it)."""
    parts = [f"SELECT count(*) FROM {t} WHERE change >= %(xmax)s::xid8" for t in (*TABLES, "tombstones")]
    return conn.execute(f"SELECT ({') + ('.join(parts)})", {"xmax": xmax}).fetchone()[0]


def _group(conn) -> str:
    return conn.execute("SELECT izle_group('terminal')").fetchone()[0]


def _check_name(name: str) -> None:
    if not NAME.fullmatch(name) or name.startswith("pg_"):
        raise CentralError(N_("“{name}” cannot name a terminal: use 1 to 41 small Latin "
                              "letters, digits, - or _, starting with a letter."),
                           name=strip_controls(name))
