"""Real data never served with the demo's published keys: an import or a sync over a demo
register drops its hints and identities and says what the register is now; a demo identity
left in terminal.db still cannot log in on real data."""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from izle.data.clock import FixedClock
from izle.data.db import connect_write
from izle.data.demo import build_demo
from izle.data.demo_hint import read_demo_hint
from izle.data.demo_identities import IDENTITIES
from izle.data.desk import Desk, LoginOutcome, Mode
from izle.data.identities import upsert_identity
from izle.data.letters import Register
from izle.data.mobile_id import EmulatedMobileId
from izle.data.terminal import TerminalStore
from tests.conftest import TODAY, rows

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "import"
OPERATOR = next(i for i in IDENTITIES if i.role == "operator")
CITIZEN = next(i for i in IDENTITIES if i.role == "citizen")
ADMIN = next(i for i in IDENTITIES if i.role == "admin")


def izle(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "izle", "--lang", "en", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})


@pytest.fixture
def demo(tmp_path) -> Path:
    register = tmp_path / "register.db"
    build_demo(register, tmp_path / "terminal.db", letters=150)
    assert read_demo_hint(register, "operator") is not None
    return register


def demo_ids_left(terminal: Path) -> int:
    ids = [i.user_id for i in IDENTITIES]
    return rows(terminal, f"SELECT count(*) FROM identities WHERE user_id IN ({','.join('?' * len(ids))})",
                *ids)[0][0]


def assert_no_demo_keys(register: Path, kind: str) -> None:
    assert rows(register, "SELECT value FROM meta WHERE key = 'kind'") == [(kind,)]
    assert read_demo_hint(register, "citizen") is None
    assert read_demo_hint(register, "operator") is None
    assert demo_ids_left(register.with_name("terminal.db")) == 0
    again = izle("demo", "--db", str(register), "--letters", "150")
    assert again.returncode == 1 and "--force" in again.stderr, again.stderr
    assert rows(register, "SELECT value FROM meta WHERE key = 'kind'") == [(kind,)]


def agencies_file(folder: Path) -> Path:
    path = folder / "agencies.csv"
    path.write_text("code,name_az\nXGI,Xaçmaz Gömrük İdarəsi\n", encoding="utf-8")
    return path


def test_an_import_over_a_demo_drops_its_keys_and_a_demo_then_refuses(demo):
    done = izle("import", str(agencies_file(demo.parent)), "--kind", "agencies", "--db", str(demo))
    assert done.returncode == 0, done.stderr
    assert_no_demo_keys(demo, "imported")


def test_a_dry_run_import_leaves_a_demo_a_demo(demo):
    done = izle("import", str(agencies_file(demo.parent)), "--kind", "agencies", "--dry-run",
                "--db", str(demo))
    assert done.returncode == 0, done.stderr
    assert read_demo_hint(demo, "citizen") is not None
    assert demo_ids_left(demo.with_name("terminal.db")) == len(IDENTITIES)


def test_a_full_sync_over_a_demo_drops_its_keys_and_a_demo_then_refuses(demo):
    from izle.data.central.connection import connect
    from izle.data.central.load import central_import
    from izle.data.central.schema import migrate
    from tests.central_pg import admin_url, scratch_database

    with scratch_database(admin_url()) as url:
        with connect(url, autocommit=True) as conn:
            migrate(conn)
        for kind in ("agencies", "units", "executors", "letters"):
            central_import(url, FIXTURES / f"{kind}.csv", kind, today=date(2025, 12, 1))
        done = izle("sync", "--from", url, "--db", str(demo))
        assert done.returncode == 0, done.stderr
    assert_no_demo_keys(demo, "synced")


def desk_over(register: Path, mode: Mode) -> Desk:
    clock = FixedClock(TODAY)
    store = TerminalStore(register.with_name("terminal.db"), clock, random.Random(3))
    provider = EmulatedMobileId(store, clock, random.Random(3))
    return Desk(register=Register(register, clock=clock), store=store, provider=provider,
                clock=clock, mode=mode, terminal="T-1")


def log_in(desk: Desk, user_id: str, phone: str, pin1: str) -> LoginOutcome:
    started = desk.start_login(phone, user_id)
    if (result := desk.poll_login(phone, user_id, started)) is not None:
        return result.outcome
    assert desk.provider.confirm(started.session_id)
    desk.provider.enter_pin(started.session_id, pin1)
    return desk.poll_login(phone, user_id, started).outcome


@pytest.mark.parametrize("who, mode", [(OPERATOR, Mode.OPERATOR), (CITIZEN, Mode.CITIZEN),
                                       (ADMIN, Mode.CITIZEN)])  # a kiosk's stop screen
def test_a_demo_identity_left_in_terminal_db_cannot_log_in_on_real_data(register, who, mode):
    conn = connect_write(register.with_name("terminal.db"))
    upsert_identity(conn, user_id=who.user_id, phone=who.phone, fin=who.fin,
                    full_name=who.full_name, role=who.role, pin1=who.pin1)
    conn.commit()
    conn.close()

    desk = desk_over(register, mode)

    assert log_in(desk, who.user_id, who.phone, who.pin1) is LoginOutcome.NOT_MID_CLIENT
    assert desk.session is None
    [(query,)] = rows(register.with_name("terminal.db"),
                      "SELECT query FROM audit WHERE action = 'login' ORDER BY seq DESC LIMIT 1")
    assert '"refused": "demo_identity"' in query


def test_on_a_demo_register_the_demo_operator_logs_in(demo):
    desk = desk_over(demo, Mode.OPERATOR)
    assert log_in(desk, OPERATOR.user_id, OPERATOR.phone, OPERATOR.pin1) is LoginOutcome.OK
