"""`izle sync` is exact: after each sync the register equals the centre row by row, in every
case the case system can make with ordinary SQL (two or three connections, a real server)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from izle.data.central.connection import connect
from izle.data.central.schema import MIGRATIONS, TABLES, migrate
from izle.data.central.sync import NEW_SUFFIX, OTHER_CENTRE, PRUNED, TRUNCATED, sync
from izle.data.check import check_register
from tests.central_pg import scratch_database
from tests.test_central import ROOT, _waiting_backend, execute, izle, server, snapshot  # noqa: F401


@pytest.fixture(scope="module")
def loaded_template(server):
    """The import fixtures loaded once per module; each test gets a copy (CREATE DATABASE …
    TEMPLATE copies files, far quicker than importing again). Copies are dropped by a thread
    beside the tests: a DROP DATABASE waits for a checkpoint, which need not hold up the next
    test."""
    from concurrent.futures import ThreadPoolExecutor

    with scratch_database(server) as url, ThreadPoolExecutor(1) as dropper:
        with connect(url, autocommit=True) as conn:
            migrate(conn)
        central_fixtures(url)
        yield url, dropper  # leaving the block waits for the last drop


def _drop(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def loaded(server, loaded_template):
    """A central register of its own with the import fixtures loaded."""
    import uuid

    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    template_url, dropper = loaded_template
    template = conninfo_to_dict(template_url)["dbname"]
    name = f"izle_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield make_conninfo(server, dbname=name)
    finally:
        dropper.submit(_drop, server, name)


def centre_rows(url: str) -> dict[str, list[tuple]]:
    """Every register table of the centre, as a terminal copies it, in key order."""
    with connect(url, autocommit=True) as conn:
        return rows_of(conn)


def rows_of(conn) -> dict[str, list[tuple]]:
    return {t: [tuple(r) for r in conn.execute(
        f"SELECT {', '.join(columns)} FROM {t} ORDER BY {', '.join(key)}").fetchall()]
        for t, (key, columns) in TABLES.items()}


def local_rows(register: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(register)
    try:
        return {t: conn.execute(f"SELECT {', '.join(columns)} FROM {t}"
                                f" ORDER BY {', '.join(key)}").fetchall()
                for t, (key, columns) in TABLES.items()}
    finally:
        conn.close()


def assert_equal(url: str, register: Path) -> None:
    there, here = centre_rows(url), local_rows(register)
    for table in TABLES:
        assert here[table] == there[table], table


def letter(url: str, reg_no: str) -> dict:
    with connect(url, autocommit=True) as conn:
        cur = conn.execute("SELECT * FROM letters WHERE reg_no = %s", (reg_no,))
        names = [d.name for d in cur.description]
        return dict(zip(names, cur.fetchone()))


# --- the cases of the issue ----------------------------------------------------------------

@pytest.fixture(scope="module")
def private_server():
    """A cluster of this module's own: a case that hinges on which transactions are running
    cluster-wide must not see other databases' transactions (another test's, another user's)."""
    from tests.private_pg import private_cluster

    with private_cluster() as cluster:
        yield cluster.url


@pytest.fixture
def private_loaded(private_server):
    with scratch_database(private_server) as url:
        with connect(url, autocommit=True) as conn:
            migrate(conn)
        central_fixtures(url)
        yield url


def test_a_delete_and_an_older_transactions_reinsert_never_lose_the_letter(private_loaded,
                                                                          tmp_path):
    """xids are handed out at the first write: A (older) re-inserts what B (newer) deleted,
    while M holds the snapshot's xmin back; M's rollback used to make the tombstone win."""
    loaded = private_loaded
    register = tmp_path / "register.db"
    sync(loaded, register, terminal="t1")
    seven = letter(loaded, "01-31/4100")
    a, m = connect(loaded), connect(loaded)
    try:
        a.execute("UPDATE letters SET applicant_name = 'A' WHERE reg_no = '01-31/3073'")
        m.execute("SELECT pg_current_xact_id()")  # stays open
        execute(loaded, "DELETE FROM letters WHERE id = %s", (seven["id"],))  # B commits
        columns = [c for c in seven if c != "change"]
        a.execute(f"INSERT INTO letters ({', '.join(columns)}) VALUES"
                  f" ({', '.join(['%s'] * len(columns))})", [seven[c] for c in columns])
        a.commit()
        sync(loaded, register, terminal="t1")
        m.rollback()
        sync(loaded, register, terminal="t1")
    finally:
        a.close()
        m.close()
    assert "01-31/4100" in {r[2] for r in local_rows(register)["letters"]}
    assert_equal(loaded, register)


def test_key_changes_leave_no_ghost_rows(loaded, tmp_path):
    register = tmp_path / "register.db"
    execute(loaded, "INSERT INTO units (id, agency_code, name_az) VALUES ('U-9', 'BBGI', 'Yeni')")
    sync(loaded, register, terminal="t1")
    execute(loaded, "UPDATE movements SET seq = seq + 10")
    execute(loaded, "UPDATE units SET id = 'U-10' WHERE id = 'U-9'")
    result = sync(loaded, register, terminal="t1")
    assert not result.full and result.deleted == 3 + 1
    assert {r[1] for r in local_rows(register)["movements"]} == {11, 12, 13}
    assert_equal(loaded, register)


def test_truncate_reaches_every_terminal(loaded, tmp_path):
    registers = [tmp_path / f"t{i}" / "register.db" for i in range(2)]
    for i, register in enumerate(registers):
        sync(loaded, register, terminal=f"t{i}")
    execute(loaded, "TRUNCATE movements, calendar")
    for i, register in enumerate(registers):
        result = sync(loaded, register, terminal=f"t{i}")
        assert result.full and result.reason == TRUNCATED
        assert local_rows(register)["movements"] == [] and local_rows(register)["calendar"] == []
        assert_equal(loaded, register)
    assert not sync(loaded, registers[0], terminal="t0").full  # once, not for ever


def test_insert_select_copying_the_change_column_is_restamped(loaded, tmp_path):
    register = tmp_path / "register.db"
    sync(loaded, register, terminal="t1")
    execute(loaded, "INSERT INTO calendar (date, kind, note, change) SELECT '2031-01-01', kind,"
                    " 'copied', change FROM calendar ORDER BY date LIMIT 1")
    sync(loaded, register, terminal="t1")
    assert "2031-01-01" in {r[0] for r in local_rows(register)["calendar"]}
    assert_equal(loaded, register)


def test_writes_under_the_replica_role_still_reach_the_terminal(loaded, tmp_path):
    """pg_restore --disable-triggers and ETL tools write as session_replication_role = replica."""
    register = tmp_path / "register.db"
    sync(loaded, register, terminal="t1")
    with connect(loaded, autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("UPDATE letters SET status = 'answered' WHERE reg_no = '01-31/3073'")
        conn.execute("DELETE FROM movements WHERE seq = 1")
    sync(loaded, register, terminal="t1")
    assert_equal(loaded, register)


def test_a_centre_whose_capture_is_off_is_refused_in_one_sentence(loaded, tmp_path):
    register = tmp_path / "register.db"
    sync(loaded, register, terminal="t1")
    before = snapshot(register)
    execute(loaded, "ALTER TABLE letters DISABLE TRIGGER letters_capture")
    done = izle("sync", "--from", loaded, "--db", str(register), "--terminal", "t1")
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
    assert "letters_capture" in done.stderr and "ENABLE ALWAYS" in done.stderr
    execute(loaded, "ALTER TABLE letters ENABLE TRIGGER letters_capture")  # fires, not always
    again = izle("sync", "--from", loaded, "--db", str(register), "--terminal", "t1")
    assert again.returncode == 1 and "letters_capture" in again.stderr
    assert snapshot(register) == before


def test_a_long_open_transaction_costs_each_sync_only_its_own_rows(loaded, tmp_path):
    register = tmp_path / "register.db"
    sync(loaded, register, terminal="t1")
    held = connect(loaded)
    try:
        held.execute("UPDATE calendar SET note = 'held' WHERE date = '2025-10-04'")
        written = []
        for i in range(5):
            execute(loaded, "UPDATE letters SET applicant_name = %s WHERE reg_no = '01-31/3073'",
                    (f"round {i}",))
            written.append(sync(loaded, register, terminal="t1").rows)
        held.commit()
    finally:
        held.close()
    assert written == [1] * 5  # the old xmin watermark fetched 1, 2, 3, 4, 5
    assert sync(loaded, register, terminal="t1").rows == 1  # the held row, once
    assert_equal(loaded, register)


def test_another_centre_gets_a_full_copy_that_keeps_its_calendar(loaded, server, tmp_path):
    register = tmp_path / "register.db"
    sync(loaded, register, terminal="t1")
    with scratch_database(server) as other:
        with connect(other, autocommit=True) as conn:
            migrate(conn)
            conn.execute("INSERT INTO calendar (date, kind, note) VALUES ('2026-01-02',"
                         " 'holiday', 'holidays: centre')")
        result = sync(other, register, terminal="t1")
    assert result.full and result.reason == OTHER_CENTRE
    assert local_rows(register)["calendar"] == [("2026-01-02", "holiday", "holidays: centre")]


# --- pruning (a private cluster: the horizon is cluster-wide, other databases' transactions
# would move it) ---------------------------------------------------------------------------

def test_pruning_keeps_what_recent_terminals_need_and_sends_the_others_a_full_copy(
        private_loaded, tmp_path):
    from izle.data.central.admin import prune

    recent, stale = tmp_path / "recent" / "register.db", tmp_path / "stale" / "register.db"
    url = private_loaded
    sync(url, stale, terminal="stale")
    sync(url, recent, terminal="recent")
    execute(url, "UPDATE terminal_syncs SET synced_at = now() - interval '30 days'"
                 " WHERE terminal = 'stale'")
    execute(url, "DELETE FROM letters WHERE reg_no = '01-31/3073'")  # 1 letter, 3 movements
    kept = izle("central", "prune", url, "--keep-days", "7")  # recent has not fetched it
    assert kept.returncode == 0 and ": 0 tombstones" in kept.stdout, kept.stderr
    assert not sync(url, recent, terminal="recent").full
    pruned = prune(url, keep_days=7)
    assert pruned.tombstones == 1 + 3
    assert not sync(url, recent, terminal="recent").full
    result = sync(url, stale, terminal="stale")
    assert result.full and result.reason == PRUNED
    assert_equal(url, stale)
    assert_equal(url, recent)


def central_fixtures(url: str) -> None:
    from izle.data.central.load import central_import
    from tests.test_central import FIXTURES, KINDS, TODAY

    for kind in KINDS:
        central_import(url, FIXTURES / f"{kind}.csv", kind, today=TODAY)


# --- failures: no register where there was none, the old one where there was one -----------

def test_an_unreachable_first_sync_leaves_no_file(tmp_path):
    register = tmp_path / "register.db"
    done = izle("sync", "--from", "postgresql://izle@127.0.0.1:1/x", "--db", str(register))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.fixture
def first_sync_held(loaded, tmp_path):
    """A first sync in a process of its own, held where it reads the last table."""
    yield from _held_full_copy(loaded, tmp_path / "register.db")


def _held_full_copy(loaded: str, register: Path):
    lock = connect(loaded)
    lock.execute("LOCK TABLE calendar IN ACCESS EXCLUSIVE MODE")
    process = subprocess.Popen([sys.executable, "-m", "izle", "--lang", "en", "sync", "--from",
                                loaded, "--db", str(register), "--terminal", "t1"], cwd=ROOT,
                               text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _waiting_backend(loaded)
        yield process, register, lock.rollback
    finally:
        lock.rollback()
        lock.close()
        if process.poll() is None:
            process.kill()
        process.communicate()


def test_a_first_sync_killed_mid_copy_leaves_no_register(first_sync_held, loaded):
    process, register, release = first_sync_held
    assert register.with_name(register.name + NEW_SUFFIX).exists()  # it was writing
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    release()
    assert not register.exists()
    done = izle("sync", "--from", loaded, "--db", str(register), "--terminal", "t1")
    assert done.returncode == 0 and "Full copy" in done.stdout, done.stderr
    assert not register.with_name(register.name + NEW_SUFFIX).exists()
    assert_equal(loaded, register) if register.exists() else pytest.fail("no register")
    assert check_register(register) == []


def test_a_full_copy_killed_mid_copy_leaves_the_old_register(loaded, tmp_path):
    register = tmp_path / "register.db"
    sync(loaded, register, terminal="t1")
    before = snapshot(register)
    execute(loaded, "TRUNCATE movements")  # the next sync is a full copy
    held = _held_full_copy(loaded, register)
    process, _register, release = next(held)
    assert register.with_name(register.name + NEW_SUFFIX).exists()
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    release()
    held.close()
    assert snapshot(register) == before and check_register(register) == []


def test_a_failed_full_copy_keeps_the_old_register(loaded, tmp_path):
    register = tmp_path / "register.db"
    sync(loaded, register, terminal="t1")
    before = snapshot(register)
    execute(loaded, "TRUNCATE calendar")  # the next sync is a full copy

    def disk_full(done: int, total: int) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        sync(loaded, register, disk_full, terminal="t1")
    assert snapshot(register) == before
    assert sorted(p.name for p in tmp_path.iterdir() if NEW_SUFFIX in p.name) == []


def test_an_empty_register_is_refused_by_izle_check(loaded, tmp_path):
    from izle.data.schema import ensure_register

    empty = tmp_path / "empty" / "register.db"
    ensure_register(empty)
    done = izle("check", "--db", str(empty))
    assert done.returncode == 1 and "no letters" in done.stderr, done.stderr
    synced = tmp_path / "synced" / "register.db"
    execute(loaded, "DELETE FROM letters")
    sync(loaded, synced, terminal="t1")  # a centre without letters yet: said by the sync
    assert izle("check", "--db", str(synced)).returncode == 0


async def test_a_kiosk_on_an_unfilled_register_is_out_of_service(tmp_path):
    from izle.data.schema import ensure_register
    from izle.screens.out_of_service import OutOfServiceScreen
    from tests.conftest import izle_app
    from tests.pilot import text_of

    register = tmp_path / "register.db"
    ensure_register(register)  # what a failed first load by an older version left
    app = izle_app(register, kiosk=True)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(300):  # the check runs in a worker after the first paint (a bound)
            if isinstance(app.screen, OutOfServiceScreen) and app.screen.query(
                    "#out-of-service-detail"):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, OutOfServiceScreen) and app.is_running
        assert "izle sync" in text_of(app, "#out-of-service-detail")


def test_status_names_each_terminal_and_the_transaction_holding_them_back(loaded, tmp_path):
    sync(loaded, tmp_path / "register.db", terminal="kiosk-7")
    execute(loaded, "DELETE FROM calendar WHERE date = '2025-10-04'")
    held = connect(loaded)
    try:
        held.execute("UPDATE calendar SET note = 'held'")
        xid = held.execute("SELECT pg_current_xact_id()::text").fetchone()[0]
        done = izle("central", "status", loaded, "--long-open", "0")
    finally:
        held.rollback()
        held.close()
    assert done.returncode == 0, done.stderr
    current = f"schema version {len(MIGRATIONS)}"
    assert current in done.stdout and "Tombstones: 1;" in done.stdout
    assert "Terminal “kiosk-7”" in done.stdout and f"Transaction {xid} open" in done.stdout


# --- a centre restored from a physical backup ------------------------------------------------

def _write_transactions(url: str, n: int, tag: str) -> None:
    with connect(url, autocommit=True) as conn:
        for i in range(n):  # one transaction id each
            conn.execute("UPDATE letters SET applicant_name = %s WHERE reg_no = '01-31/3073'",
                         (f"{tag} {i}",))


def test_a_centre_restored_from_a_base_backup_is_copied_afresh(tmp_path):
    """Restored with the same system identifier, xids go back: a terminal that synced after
    the backup finds either the xids below its watermark or, once xids have overtaken it, its
    sync token gone; both copy afresh, and the write made right after the restore arrives."""
    from izle.data.central.sync import TOKEN_GONE, XIDS_BACK
    from tests.private_pg import private_cluster

    with private_cluster() as cluster:
        with connect(cluster.url, autocommit=True) as conn:
            migrate(conn)
        central_fixtures(cluster.url)
        early, late = tmp_path / "early" / "register.db", tmp_path / "late" / "register.db"
        backup = cluster.base_backup("backup")
        _write_transactions(cluster.url, 10, "lost")
        execute(cluster.url, "INSERT INTO calendar (date, kind) VALUES ('2030-01-01', 'holiday')")
        for name, register in (("early", early), ("late", late)):
            sync(cluster.url, register, terminal=name)
        cluster.stop()
        cluster.restore(backup)
        cluster.start()
        execute(cluster.url, "UPDATE letters SET status = 'answered' WHERE reg_no = '01-31/4000'")
        result = sync(cluster.url, early, terminal="early")
        assert result.full and result.reason == XIDS_BACK
        assert_equal(cluster.url, early)
        _write_transactions(cluster.url, 20, "overtaking")  # xids pass the stored watermark
        result = sync(cluster.url, late, terminal="late")
        assert result.full and result.reason == TOKEN_GONE
        assert_equal(cluster.url, late)
        assert "2030-01-01" not in {r[0] for r in local_rows(late)["calendar"]}


# --- Jepsen-style: random writers, three terminals syncing, every sync checked ---------------

def test_random_writers_and_three_syncing_terminals_lose_nothing(server, tmp_path):
    from tests.jepsen import Run, build

    with scratch_database(server) as url:
        build(url)
        outcome = Run(url, tmp_path, seed=4, syncs=25).go()
    print(outcome)
    assert outcome.errors == []
    assert outcome.syncs == 3 * 25 + 3 and outcome.commits and outcome.rollbacks and outcome.held
    assert outcome.mismatched_syncs == 0, outcome.after_sync
    assert dict(outcome.final) == {"lost": 0, "ghost": 0, "stale": 0}


def test_public_holidays_written_at_the_centre_reach_every_terminal(loaded, tmp_path):
    register = tmp_path / "register.db"
    done = izle("calendar", "refresh", "--central", loaded, "--years", "2025-2026")
    assert done.returncode == 0 and "public holidays of 2025–2026" in done.stdout, done.stderr
    sync(loaded, register, terminal="t1")  # a full copy: the centre's calendar, holidays too
    days = {r[0]: r[2] for r in local_rows(register)["calendar"]}
    assert days["2026-01-01"].startswith("holidays:") and "2025-10-04" in days
    again = izle("calendar", "refresh", "--central", loaded, "--years", "2025-2026")
    assert ": 0 public holidays" in again.stdout
    assert sync(loaded, register, terminal="t1").rows == 0  # nothing rewritten, nothing fetched
    assert_equal(loaded, register)


def test_the_terminal_name_given_to_sync_is_kept_for_the_next_sync_and_the_audit(loaded, tmp_path):
    import uuid

    from izle.data.central.terminals import add

    register, state = tmp_path / "register.db", tmp_path / "terminal.db"
    name = f"kiosk-3-{uuid.uuid4().hex[:8]}"  # a role of its own: roles are the cluster's
    first = izle("sync", "--from", loaded, "--db", str(register), "--terminal", name)
    assert first.returncode == 0, first.stderr
    assert izle("sync", "--from", loaded, "--db", str(register)).returncode == 0
    with connect(loaded, autocommit=True) as conn:
        names = [r[0] for r in conn.execute("SELECT terminal FROM terminal_syncs")]
    assert names == [name]
    other = izle("sync", "--from", loaded, "--db", str(register), "--terminal", "kiosk-4")
    assert other.returncode == 1 and name in other.stderr
    pushed = izle("audit", "push", "--to", add(loaded, name).url, "--state", str(state))
    assert pushed.returncode == 0 and name in pushed.stdout, pushed.stderr


def test_a_second_sync_of_the_same_register_waits_its_turn_by_refusing(first_sync_held, loaded):
    _process, register, _release = first_sync_held
    done = izle("sync", "--from", loaded, "--db", str(register), "--terminal", "t1")
    assert done.returncode == 1 and "Another sync" in done.stderr and "Traceback" not in done.stderr
    assert not register.exists()


@pytest.mark.parametrize("key, value, reason", [
    ("central_cluster", "1/1", "OTHER_CLUSTER"),  # another cluster with the same identity
    ("central_xmax", None, "OLD_RECORD"),  # synced by a version that kept only an xmin
])
def test_a_register_whose_record_does_not_fit_the_centre_is_copied_afresh(loaded, tmp_path, key,
                                                                         value, reason):
    from izle.data.central import sync as module

    register = tmp_path / "register.db"
    sync(loaded, register, terminal="t1")
    conn = sqlite3.connect(register)
    with conn:
        if value is None:
            conn.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            conn.execute("UPDATE meta SET value = ? WHERE key = ?", (value, key))
    conn.close()
    result = sync(loaded, register, terminal="t1")
    assert result.full and result.reason == getattr(module, reason)
    assert_equal(loaded, register)
