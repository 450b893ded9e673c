"""A stolen kiosk can do nothing to the centre: each terminal's own role, TLS before any
connection, the signed audit and what `izle audit verify --central` names, rolling upgrades.

Every test works from the terminal's side with the URL `izle central terminal add` printed,
against a real PostgreSQL server (tests/central_pg.py); the roles made are dropped with the
test's database.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from izle.data import audit
from izle.data.central import schema
from izle.data.central.audit import push
from izle.data.central.connection import CentralError, connect, require_tls, parse
from izle.data.central.schema import migrate
from izle.data.central.sync import sync
from izle.data.central.terminals import add, terminal_url
from izle.data.db import connect_write
from izle.data.schema import ensure_terminal
from tests.central_pg import admin_url, scratch_database
from tests.test_central import KINDS, FIXTURES, TODAY, snapshot
from izle.data.central.load import central_import

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def server() -> str:
    return admin_url()


@pytest.fixture
def empty_centre(server) -> str:
    """A central register without records, in a database of its own (the owner's URL)."""
    with scratch_database(server) as url:
        with connect(url, autocommit=True) as conn:
            migrate(conn)
        yield url


@pytest.fixture
def centre(empty_centre) -> str:
    """A central register with the example records."""
    for kind in KINDS:
        central_import(empty_centre, FIXTURES / f"{kind}.csv", kind, today=TODAY)
    return empty_centre


def izle(*args: str) -> subprocess.CompletedProcess:
    """The command line, in this process (a subprocess per call would cost a second each)."""
    from click.testing import CliRunner

    from izle.tui.cli.run import run

    done = CliRunner().invoke(run, ["--lang", "en", *args])
    if done.exception and not isinstance(done.exception, SystemExit):
        raise done.exception
    return subprocess.CompletedProcess(args, done.exit_code, done.stdout, done.stderr)


def register_terminal(owner: str, name: str = "kiosk") -> tuple[str, str]:
    """(a fresh terminal name, the URL `izle central terminal add` printed for it)."""
    name = f"{name}-{uuid.uuid4().hex[:8]}"
    done = izle("central", "terminal", "add", name, "--central", owner)
    assert done.returncode == 0, done.stderr
    return name, done.stdout.strip()


def terminal_db(folder: Path, name: str, rows: int) -> Path:
    state = folder / name / "terminal.db"
    state.parent.mkdir(parents=True)
    ensure_terminal(state)
    append(state, rows)
    return state


def append(state: Path, rows: int, outcome: str = "not_found") -> None:
    conn = connect_write(state)
    for i in range(rows):
        audit.append(conn, terminal="t", mode="citizen", actor="100001", action="lookup",
                     outcome=outcome, query={"i": i})
    conn.close()


def push_from(url: str, state: Path):
    conn = connect_write(state)
    try:
        return push(url, conn)
    finally:
        conn.close()


def refused(url: str, sql: str, params: tuple = ()) -> str:
    """The error PostgreSQL gives the terminal's role for `sql` (the test fails if it runs)."""
    import psycopg

    with connect(url, autocommit=True) as conn:
        with pytest.raises(psycopg.Error) as error:
            conn.execute(sql, params)
    return str(error.value)


def owner_sql(owner: str, sql: str, params: tuple = ()) -> None:
    with connect(owner, autocommit=True) as conn:
        conn.execute(sql, params)


def verify_central(owner: str) -> subprocess.CompletedProcess:
    return izle("audit", "verify", "--central", owner)


# --- a terminal's role ---------------------------------------------------------------------

def test_a_terminal_syncs_and_pushes_with_its_url_and_can_do_nothing_else(centre, tmp_path):
    name, url = register_terminal(centre)
    other, other_url = register_terminal(centre, "console")
    register = tmp_path / name / "register.db"
    state = terminal_db(tmp_path, name, 3)
    push_from(other_url, terminal_db(tmp_path, other, 2))

    synced = izle("sync", "--from", url, "--db", str(register))
    assert synced.returncode == 0 and "Full copy" in synced.stdout, synced.stderr
    assert len(snapshot(register)["letters"]) == 7
    pushed = izle("audit", "push", "--to", url, "--state", str(state))
    assert pushed.returncode == 0 and f"Sent 3 audit rows as “{name}”" in pushed.stdout

    for sql in ("UPDATE letters SET status = 'answered'", "DELETE FROM movements",
                "INSERT INTO letters (agency_code, reg_no, reg_no_key, reg_date, status)"
                " VALUES ('BBGI', '9', '9', '2025-01-01', 'registered')",
                "UPDATE calendar SET kind = 'workday'", "DELETE FROM tombstones"):
        assert "permission denied" in refused(url, sql)
    another_row = ("INSERT INTO audit (terminal, seq, at, action, outcome, prev_hash, hash)"
                   " VALUES (%s, 3, 'now', 'lookup', 'found', 'x', 'y')")
    assert "permission denied" in refused(url, another_row, (other,))
    assert "permission denied" in refused(url, "UPDATE audit_heads SET seq = 1 WHERE terminal = %s",
                                          (other,))
    assert "permission denied" in refused(url, "SELECT * FROM audit WHERE terminal = %s", (other,))
    assert "permission denied" in refused(url, "UPDATE terminals SET public_key = NULL")
    assert "permission denied" in refused(url, "CREATE TABLE mine (x int)")
    with connect(url) as conn:  # what its functions show it is its own chain only
        assert {r[0] for r in conn.execute("SELECT seq FROM izle_audit_hashes()")} == {1, 2, 3}
        assert conn.execute("SELECT current_setting('application_name')").fetchone()[0] == name

    listed = izle("central", "terminal", "list", "--central", centre)
    line = next(l for l in listed.stdout.splitlines() if l.startswith(name))
    assert "0 changes" in line and " 3 " in line and "schema" in line
    kiosk_key = izle("audit", "key", "--state", str(state)).stdout.strip()
    assert len(kiosk_key) == 64 and line.endswith(kiosk_key[:16])  # trust on first use, checked
    assert next(l for l in listed.stdout.splitlines() if l.startswith(other)).count("never") == 2


def test_list_shows_how_far_behind_and_remove_ends_the_role(centre, tmp_path):
    name, url = register_terminal(centre)
    sync(url, tmp_path / "register.db")
    owner_sql(centre, "UPDATE letters SET applicant_name = 'X' WHERE reg_no = '01-31/3073'")
    owner_sql(centre, "DELETE FROM calendar")
    listed = izle("central", "terminal", "list", "--central", centre)
    assert "3 changes" in next(l for l in listed.stdout.splitlines() if l.startswith(name))  # 1 + 2 days
    removed = izle("central", "terminal", "remove", name, "--central", centre)
    assert removed.returncode == 0 and "audit rows stay" in removed.stdout
    again = izle("sync", "--from", url, "--db", str(tmp_path / "register.db"))
    assert again.returncode == 1 and "unchanged" in again.stderr and "Traceback" not in again.stderr
    taken = izle("central", "terminal", "add", name, "--central", centre)
    assert taken.returncode == 2 and "Choose another name" in taken.stderr


def test_a_terminal_name_must_be_a_plain_role_name(empty_centre):
    for bad in ("Kiosk", "pg_kiosk", "kiosk 1", "kiosk\x1b[31m", "k" * 42):
        done = izle("central", "terminal", "add", bad, "--central", empty_centre)
        assert done.returncode == 2 and "cannot name a terminal" in done.stderr
        assert "\x1b" not in done.stderr


def test_a_terminal_url_for_another_machine_checks_the_centres_certificate():
    url = terminal_url("postgresql://owner:pw@db.example.az:6432/izle", "kiosk-1", "s3cret", "izle")
    params = parse(url)
    assert params["user"] == "kiosk-1" and params["password"] == "s3cret"
    assert (params["host"], params["port"], params["dbname"]) == ("db.example.az", "6432", "izle")
    assert params["sslmode"] == "verify-full" and params["sslrootcert"]
    local = parse(terminal_url("postgresql://127.0.0.1/izle", "kiosk-1", "s3cret", "izle"))
    assert "sslmode" not in local


# --- TLS before any connection --------------------------------------------------------------

@pytest.mark.parametrize("url", ["postgresql://kiosk:pw@192.0.2.10/izle",
                                 "postgresql://kiosk:pw@centre.example.az/izle?sslmode=prefer",
                                 "host=192.0.2.10,127.0.0.1 dbname=izle user=kiosk"])
def test_a_remote_centre_without_tls_is_refused_before_any_connection(url, monkeypatch):
    import psycopg

    def never(*_a, **_k):
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(psycopg, "connect", never)
    monkeypatch.delenv("PGSSLMODE", raising=False)
    with pytest.raises(CentralError) as error:
        connect(url)
    text = str(error.value)
    assert "sslmode=verify-full" in text and "sslrootcert" in text and ":pw@" not in text


@pytest.mark.parametrize("url", ["postgresql://127.0.0.7/izle", "postgresql://[::1]/izle",
                                 "postgresql://localhost/izle", "host=/var/run/postgresql",
                                 "postgresql:///izle", "postgresql://192.0.2.10/izle?sslmode=disable",
                                 "postgresql://192.0.2.10/izle?sslmode=verify-full"])
def test_loopback_sockets_and_an_explicit_sslmode_pass_the_check(url, monkeypatch):
    monkeypatch.delenv("PGHOST", raising=False)
    monkeypatch.delenv("PGSSLMODE", raising=False)
    require_tls(parse(url), url)  # no CentralError


def test_sync_refuses_plaintext_in_one_sentence_and_reads_its_url_from_a_root_only_file(tmp_path):
    done = izle("sync", "--from", "postgresql://kiosk:pw@192.0.2.10/izle", "--db",
                str(tmp_path / "register.db"))
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert "sslmode=verify-full" in done.stderr and "pw@" not in done.stderr
    url_file = tmp_path / "central.url"
    url_file.write_text("postgresql://kiosk:pw@192.0.2.10/izle\n")
    url_file.chmod(0o644)
    loose = izle("sync", "--from-file", str(url_file), "--db", str(tmp_path / "register.db"))
    assert loose.returncode == 2 and "chmod 600" in loose.stderr
    url_file.chmod(0o600)
    tight = izle("sync", "--from-file", str(url_file), "--db", str(tmp_path / "register.db"))
    assert tight.returncode == 1 and "sslmode=verify-full" in tight.stderr


# --- the signed audit, and what verify --central names ------------------------------------

@pytest.fixture
def pushed(empty_centre, tmp_path):
    """Terminals that pushed 5 rows each: (owner URL, {name: (url, terminal.db)})."""
    found = {}
    for kind in ("kiosk", "console", "middle", "tail", "erased"):
        name, url = register_terminal(empty_centre, kind)
        state = terminal_db(tmp_path, name, 5)
        push_from(url, state)
        found[kind] = (name, url, state)
    assert verify_central(empty_centre).returncode == 0
    return empty_centre, found


def rechain(owner: str, terminal: str, change: str) -> None:
    """What a DBA without the terminal's key can do at best: change a row, then recompute
    every hash after it and the head, so the chain itself is consistent again."""
    with connect(owner, autocommit=True) as conn:
        conn.execute(change, (terminal,))
        rows = conn.execute("SELECT seq, at, row_terminal, mode, actor, action, query, outcome"
                            " FROM audit WHERE terminal = %s ORDER BY seq", (terminal,)).fetchall()
        prev = audit.GENESIS
        for seq, *values in rows:
            row = dict(zip(("at", "terminal", "mode", "actor", "action", "query", "outcome"), values))
            digest = audit.row_hash({"seq": seq, **row}, prev)
            conn.execute("UPDATE audit SET prev_hash = %s, hash = %s WHERE terminal = %s AND seq = %s",
                         (prev, digest, terminal, seq))
            prev = digest
        conn.execute("UPDATE audit_heads SET hash = %s WHERE terminal = %s", (prev, terminal))


def forge_row(owner: str, terminal: str) -> None:
    """A row appended to `terminal`'s chain by the DBA: hash right, head moved, no key."""
    with connect(owner, autocommit=True) as conn:
        prev = conn.execute("SELECT hash FROM audit_heads WHERE terminal = %s", (terminal,)).fetchone()[0]
        row = {"seq": 6, "at": "2025-12-01T10:00:00", "terminal": terminal, "mode": "operator",
               "actor": "200001", "action": "lookup", "query": "{}", "outcome": "found"}
        digest = audit.row_hash(row, prev)
        conn.execute("INSERT INTO audit (terminal, seq, at, row_terminal, mode, actor, action, query,"
                     " outcome, prev_hash, hash, signature) VALUES (%s, 6, %s, %s, 'operator',"
                     " '200001', 'lookup', '{}', 'found', %s, %s, %s)",
                     (terminal, row["at"], terminal, prev, digest, "00" * 64))
        conn.execute("UPDATE audit_heads SET seq = 6, hash = %s WHERE terminal = %s", (digest, terminal))


def named(done: subprocess.CompletedProcess, terminal: str) -> str:
    assert done.returncode == 1, done.stdout
    lines = [l for l in done.stderr.splitlines() if f"“{terminal}”" in l]
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_every_tampering_by_a_dba_is_named_in_a_sentence_of_its_own(pushed):
    owner, terminals = pushed
    names = {kind: name for kind, (name, _url, _state) in terminals.items()}
    rechain(owner, names["kiosk"], "UPDATE audit SET outcome = 'found' WHERE terminal = %s AND seq = 2")
    forge_row(owner, names["console"])
    owner_sql(owner, "DELETE FROM audit WHERE terminal = %s AND seq = 3", (names["middle"],))
    owner_sql(owner, "DELETE FROM audit WHERE terminal = %s AND seq = 5", (names["tail"],))
    owner_sql(owner, "DELETE FROM audit WHERE terminal = %s", (names["erased"],))
    owner_sql(owner, "DELETE FROM audit_heads WHERE terminal = %s", (names["erased"],))
    done = verify_central(owner)
    assert "seq 2 is not signed with this terminal's key" in named(done, names["kiosk"])
    assert "seq 6 is not signed with this terminal's key" in named(done, names["console"])
    assert "seq 3 is missing" in named(done, names["middle"])
    assert "ends before seq 5" in named(done, names["tail"])
    assert "none of its rows is left" in named(done, names["erased"])

    _name, url, state = terminals["console"]  # the forged row stops its own push: said why
    append(state, 1)
    pushed_again = izle("audit", "push", "--to", url, "--state", str(state))
    assert pushed_again.returncode == 1 and "run it again later" not in pushed_again.stderr
    assert "another audit chain" in pushed_again.stderr and "never" in pushed_again.stderr
    lines = [l for l in verify_central(owner).stderr.splitlines() if names["console"] in l]
    assert len(lines) == 2 and "not signed" in lines[0] and "two audit chains" in lines[1]


def test_rows_the_centre_lost_are_sent_again_by_the_terminal(pushed):
    owner, terminals = pushed
    kiosk, url, state = terminals["kiosk"]
    with connect(owner, autocommit=True) as conn:  # the tail and the head put back by a DBA
        conn.execute("DELETE FROM audit WHERE terminal = %s AND seq > 3", (kiosk,))
        conn.execute("UPDATE audit_heads SET seq = 3, hash = (SELECT hash FROM audit WHERE"
                     " terminal = %s AND seq = 3) WHERE terminal = %s", (kiosk, kiosk))
    done = izle("audit", "push", "--to", url, "--state", str(state))
    assert done.returncode == 0 and "Sent 2 audit rows" in done.stdout
    assert "had lost 2 rows" in done.stderr
    assert verify_central(owner).returncode == 0


def test_a_cloned_disk_is_a_fork_naming_both_heads(pushed, tmp_path):
    owner, terminals = pushed
    kiosk, url, state = terminals["kiosk"]
    clone = tmp_path / "clone" / "terminal.db"
    clone.parent.mkdir()
    shutil.copy(state, clone)
    append(clone, 2, outcome="found")  # the copy pushes first, and is accepted
    assert push_from(url, clone).sent == 2
    append(state, 3)
    done = izle("audit", "push", "--to", url, "--state", str(state))
    assert done.returncode == 1 and "cloned disk" in done.stderr and "seq 7" in done.stderr
    assert "seq 8" in done.stderr and "run it again later" not in done.stderr
    append(state, 1)  # refused again at its next timer run: still one fork, now to seq 9
    assert izle("audit", "push", "--to", url, "--state", str(state)).returncode == 1
    line = named(verify_central(owner), kiosk)
    assert "two audit chains" in line and "seq 7" in line and "seq 9" in line and "seq 6" in line


# --- the local log: a deleted tail cannot be hidden ----------------------------------------

def local_verify(state: Path) -> subprocess.CompletedProcess:
    return izle("audit", "verify", "--state", str(state), "--db", str(state.with_name("register.db")))


def tamper(state: Path, *statements: str) -> None:
    """As someone with the file, the sqlite3 shell and this source would: SQLite refuses to
    delete an audit row until the triggers that guard the log are dropped."""
    raw = sqlite3.connect(state)
    with raw:
        for sql in (*(f"DROP TRIGGER IF EXISTS {t}" for t in audit.GUARDS), *statements):
            raw.execute(sql)
    raw.close()


def test_sqlite_itself_refuses_to_delete_an_audit_row(tmp_path):
    state = terminal_db(tmp_path, "kiosk", 2)
    raw = sqlite3.connect(state)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("DELETE FROM audit WHERE seq = 2")
    with pytest.raises(sqlite3.IntegrityError, match="only goes forward"):
        raw.execute("UPDATE audit_counter SET n = 1")
    raw.close()
    tamper(state)  # the guards dropped, and nothing else: verify says so
    done = local_verify(state)
    assert done.returncode == 1 and "append-only were removed" in done.stderr


def test_a_deleted_tail_whose_seq_was_reused_is_caught(tmp_path):
    state = terminal_db(tmp_path, "kiosk", 6)
    tamper(state, "DELETE FROM audit WHERE seq > 4")
    append(state, 3)  # the program writes on after the deletion
    done = local_verify(state)
    assert done.returncode == 1 and "seq 5 is missing" in done.stderr


def test_a_deleted_tail_and_its_stored_head_are_caught(tmp_path):
    state = terminal_db(tmp_path, "kiosk", 6)
    tamper(state, "DELETE FROM audit WHERE seq > 4", f"DELETE FROM meta WHERE key = '{audit.HEAD_KEY}'")
    done = local_verify(state)
    assert done.returncode == 1 and "stored head is gone" in done.stderr
    append(state, 2)
    done = local_verify(state)
    assert done.returncode == 1 and "seq 5 is missing" in done.stderr


def test_rows_deleted_after_a_push_are_caught_by_the_pushed_head(pushed):
    _owner, terminals = pushed
    _kiosk, _url, state = terminals["kiosk"]
    last = json.dumps({"seq": 3, "hash": sqlite3.connect(state).execute(
        "SELECT hash FROM audit WHERE seq = 3").fetchone()[0]})
    tamper(state, "DELETE FROM audit WHERE seq > 3", "UPDATE audit_counter SET n = 3",
           f"UPDATE meta SET value = '{last}' WHERE key = '{audit.HEAD_KEY}'",
           *audit.GUARDS.values())  # and the guards put back
    done = local_verify(state)
    assert done.returncode == 1 and "as it was pushed" in done.stderr


# --- rolling upgrades ----------------------------------------------------------------------

def test_a_terminal_one_version_behind_syncs_and_pushes_from_an_upgraded_centre(centre, tmp_path,
                                                                                monkeypatch):
    name, url = register_terminal(centre)
    newer = [*schema.MIGRATIONS, "ALTER TABLE letters ADD COLUMN priority integer NOT NULL DEFAULT 0"]
    monkeypatch.setattr(schema, "MIGRATIONS", newer)
    with connect(centre, autocommit=True) as conn:  # the centre upgraded by a newer program
        migrate(conn)
    monkeypatch.undo()  # this terminal runs the program of one version before
    owner_sql(centre, "UPDATE letters SET priority = 2, status = 'extended' WHERE reg_no = '01-31/3073'")
    register = tmp_path / "register.db"
    done = izle("sync", "--from", url, "--db", str(register))
    assert done.returncode == 0, done.stderr
    assert "extended" in {r[8] for r in snapshot(register)["letters"]}
    assert push_from(url, terminal_db(tmp_path, name, 2)).sent == 2
    owner_sql(centre, "INSERT INTO izle_schema (version) VALUES (%s)", (len(schema.MIGRATIONS) + 2,))
    too_new = izle("sync", "--from", url, "--db", str(register))
    assert too_new.returncode == 1 and "upgrade İzlə on this machine" in too_new.stderr
    assert "central init" not in too_new.stderr


# --- many terminals at once ----------------------------------------------------------------

@pytest.fixture
def small_cluster():
    """A private cluster (tests/private_pg.py) restarted with max_connections=25; yields (URL,
    its log)."""
    from tests.private_pg import TIMEOUT_S, private_cluster

    with private_cluster() as cluster:
        cluster.stop()
        options = (f"-p {cluster.port} -k {cluster.folder} -c listen_addresses=127.0.0.1"
                   " -c fsync=off -c max_connections=25")
        log = cluster.folder / "log"
        cluster.run("pg_ctl", "-D", str(cluster.data), "-o", options, "-l", str(log), "-w", "-t",
                    str(TIMEOUT_S), "start")
        yield cluster.url, log


def test_sixty_terminals_with_jitter_all_sync_against_max_connections_25(small_cluster, tmp_path):
    import random
    import threading

    import psycopg

    from izle.data.clock import SystemClock

    owner, log = small_cluster
    with connect(owner, autocommit=True) as conn:
        migrate(conn)
    for kind in ("agencies", "units", "executors", "letters"):
        central_import(owner, FIXTURES / f"{kind}.csv", kind, today=TODAY)
    urls = [add(owner, f"kiosk-{i}").url for i in range(60)]
    # Other clients hold 19 of the 22 ordinary slots: 60 terminals share the 3 left.
    with connect(owner, autocommit=True) as conn:
        conn.execute("CREATE ROLE busy LOGIN")
        conn.execute("GRANT CONNECT ON DATABASE postgres TO busy")
    busy = [psycopg.connect(owner.replace("postgres@", "busy@")) for _ in range(19)]
    results, errors = [], []

    def terminal(i: int) -> None:
        try:
            results.append(sync(urls[i], tmp_path / f"t{i}" / "register.db", clock=SystemClock(),
                                rng=random.Random(i), jitter_s=2))
        except CentralError as error:
            errors.append(str(error))

    threads = [threading.Thread(target=terminal, args=(i,)) for i in range(60)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(90)
    finally:
        for conn in busy:
            conn.close()
    assert errors == [] and len(results) == 60
    assert all(r.rows == results[0].rows > 0 for r in results)
    text = log.read_text()
    refusals = text.count("too many clients") + text.count("remaining connection slots")
    assert refusals > 0, "the centre was never full: the test proved nothing"
    print(f"60 terminals, 3 free connections: {refusals} refusals, all retried to completion")
    listed = izle("central", "terminal", "list", "--central", owner)
    assert listed.stdout.count("0 changes") == 60


# --- the README runs as written ------------------------------------------------------------

def readme_block() -> str:
    """The shell block of README's "Running many terminals"."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Running many terminals"):]
    return section[section.index("```sh\n") + 6:section.index("```\n", section.index("```sh\n"))]


def test_the_readmes_many_terminals_section_runs_as_written(server, tmp_path):
    """Word for word, but in a scratch database, with role names no other test uses, and
    `izle` this source; the roles are dropped with the database."""
    tag = uuid.uuid4().hex[:6]
    with scratch_database(server) as url:
        database = parse(url)["dbname"]
        script = readme_block()
        assert script.startswith("createdb -h 127.0.0.1 izle_central\n")
        script = script.replace("createdb -h 127.0.0.1 izle_central\n", "")
        for word, unique in (("izle_central", database), ("kiosk-1", f"kiosk-1-{tag}"),
                             ("kiosk-2", f"kiosk-2-{tag}"), ("case_system", f"case_system_{tag}"),
                             ("docs/central-example", str(ROOT / "docs" / "central-example"))):
            script = script.replace(word, unique)
        shell = f'set -eu\nizle() {{ "{sys.executable}" -m izle --lang en "$@"; }}\n' + script
        done = subprocess.run(["bash", "-c", shell], cwd=tmp_path, capture_output=True, text=True,
                              timeout=180, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert done.returncode == 0, done.stderr
        assert "Central audit intact: 2 terminals, 2 rows." in done.stdout
        listed = [l for l in done.stdout.splitlines() if l.startswith("kiosk-") and "UTC" in l]
        assert len(listed) == 2 and all("1 change " in l for l in listed)
        assert "Synced from" in done.stdout and "1 rows written" in done.stdout
        assert (tmp_path / f"kiosk-1-{tag}.url").stat().st_mode & 0o077 == 0


def test_a_terminal_one_version_ahead_syncs_and_a_push_says_who_upgrades_the_centre(server, tmp_path,
                                                                                   monkeypatch):
    with scratch_database(server) as url:
        monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:-1])
        with connect(url, autocommit=True) as conn:  # a centre one version behind this program
            migrate(conn)
        monkeypatch.undo()
        central_import(url, FIXTURES / "agencies.csv", "agencies", today=TODAY)
        synced = izle("sync", "--from", url, "--db", str(tmp_path / "register.db"))
        assert synced.returncode == 0 and "Full copy" in synced.stdout, synced.stderr
        pushed = izle("audit", "push", "--to", url, "--state", str(terminal_db(tmp_path, "k", 1)))
        behind = len(schema.MIGRATIONS) - 1
        assert pushed.returncode == 1 and f"schema version {behind}; this needs {behind + 1}" in pushed.stderr
        assert "the centre's owner upgrades it with `izle central init`" in pushed.stderr


def test_a_terminals_sync_record_is_keyed_on_its_own_role(empty_centre):
    """Whatever name a terminal's sync gives, its record at the centre is its role's, and the
    token it reads back is its own: no terminal can write or read another's."""
    mine, url_mine = register_terminal(empty_centre)
    other, url_other = register_terminal(empty_centre)
    record = "SELECT izle_record_sync(%s, %s, '1'::xid8, '2'::xid8, '0.2.0', 3)"
    with connect(url_other, autocommit=True) as conn:
        conn.execute(record, (other, "their-token"))
    with connect(url_mine, autocommit=True) as conn:
        conn.execute(record, (other, "my-token"))  # as if it claimed the other's name
        assert conn.execute("SELECT izle_sync_token(%s)", (other,)).fetchone()[0] == "my-token"
    with connect(empty_centre, autocommit=True) as conn:
        assert dict(conn.execute("SELECT terminal, token FROM terminal_syncs").fetchall()) == {
            mine: "my-token", other: "their-token"}


def test_a_full_centre_is_tried_again_for_a_bounded_time_and_a_wrong_password_only_once(monkeypatch):
    import random

    from izle.data.central import connection
    from izle.data.clock import FixedClock

    attempts = []

    def refusing(reason: str):
        def connect(url, **_kw):
            attempts.append(clock.monotonic())
            raise CentralError(connection.N_("The central register at {url} cannot be reached: "
                                             "{error}"), url=url, error=reason)
        return connect

    clock = FixedClock()
    start = clock.monotonic()
    monkeypatch.setattr(connection, "connect", refusing("FATAL: sorry, too many clients already"))
    with pytest.raises(CentralError, match="too many clients"):
        connection.connect_patiently("postgresql://127.0.0.1/izle", clock=clock, rng=random.Random(1),
                                     jitter_s=5)
    waited = attempts[-1] - attempts[0]
    assert 5 < len(attempts) < 60 and waited <= connection.PATIENCE_S
    assert 0 < attempts[0] - start <= 5  # the jitter came first, and was at most 5 s
    attempts.clear()
    monkeypatch.setattr(connection, "connect", refusing("FATAL: password authentication failed"))
    with pytest.raises(CentralError, match="password authentication"):
        connection.connect_patiently("postgresql://127.0.0.1/izle", clock=clock, rng=random.Random(1))
    assert len(attempts) == 1
