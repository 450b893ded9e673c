"""A PostgreSQL server for the central-register tests: one throw-away database per test.

`IZLE_TEST_PG` names the server (default: the local one, as the current user, then as
`postgres`). Tests skip only when no server answers at all, and say why.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

DEFAULT_URLS = ("postgresql://127.0.0.1:5432/test", "postgresql://postgres@127.0.0.1:5432/test")


def admin_url() -> str:
    """The first server URL that answers, or a pytest skip naming what was tried."""
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed")
    wanted = os.environ.get("IZLE_TEST_PG")
    errors = []
    for url in (wanted,) if wanted else DEFAULT_URLS:
        try:
            psycopg.connect(url, connect_timeout=3).close()
            return url
        except psycopg.Error as error:
            errors.append(f"{url}: {str(error).strip().splitlines()[0]}")
    pytest.skip("no PostgreSQL reachable (set IZLE_TEST_PG): " + "; ".join(errors))


@contextmanager
def scratch_database(admin: str) -> Iterator[str]:
    """A new empty database on the server, dropped afterwards; yields its URL."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    name = f"izle_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_conninfo(admin, dbname=name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            drop_roles(conn, name)


def drop_roles(conn, database: str) -> None:
    """Roles are the cluster's, not the database's: drop the groups `izle central init` made
    for `database` (`<db>_loader`, `<db>_terminal`) and every role that is a member of them."""
    groups = [f"{database}_loader", f"{database}_terminal"]
    members = [r[0] for r in conn.execute(
        "SELECT DISTINCT m.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid"
        " JOIN pg_roles m ON m.oid = a.member WHERE g.rolname = ANY(%s)", (groups,))]
    for role in (*members, *groups):
        conn.execute(f'DROP ROLE IF EXISTS "{role}"')
