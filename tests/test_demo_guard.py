"""An administrator's register is never replaced by `izle demo` without asking."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from izle.data.audit import verify
from izle.data.db import connect_write
from izle.data.identities import PinCheck, check_pin
from tests.conftest import rows

ROOT = Path(__file__).resolve().parent.parent


def izle(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "izle", *args], cwd=ROOT, capture_output=True,
                          text=True, env={"PATH": "/usr/bin:/bin", "IZLE_LANG": "en", "LANG": "C.UTF-8"},
                          timeout=120)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def a_real_register(folder: Path) -> tuple[Path, Path]:
    """An authority with 3 letters imported and a citizen whose PIN1 is blocked."""
    folder.mkdir(exist_ok=True)
    register, terminal = folder / "register.db", folder / "terminal.db"
    write(folder / "agencies.csv", "code,name_az\nXGI,Xaçmaz Gömrük İdarəsi\n")
    write(folder / "letters.csv", "agency_code,reg_no,reg_date,status\n"
          + "".join(f"XGI,7-{n},01.03.2026,registered\n" for n in range(3)))
    write(folder / "people.csv", "user_id,phone,fin,full_name,role,pin1\n"
          "555001,050 555 00 01,5ABCDEF,Əliyev Orxan,citizen,1234\n")
    for name, kind in (("agencies.csv", "agencies"), ("letters.csv", "letters"),
                       ("people.csv", "identities")):
        done = izle("import", str(folder / name), "--kind", kind, "--db", str(register))
        assert done.returncode == 0, done.stderr
    conn = connect_write(terminal)
    for _ in range(3):
        check_pin(conn, "555001", "0000")
    assert check_pin(conn, "555001", "1234")[0] == PinCheck.BLOCKED
    conn.close()
    return register, terminal


def test_demo_json_over_an_imported_register_refuses_and_changes_nothing(tmp_path):
    register, terminal = a_real_register(tmp_path)
    before = register.read_bytes()

    done = izle("demo", "--db", str(register), "--json", "--letters", "150")

    assert done.returncode == 1
    assert "--force" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""
    assert rows(register, "SELECT count(*) FROM letters") == [(3,)]
    assert register.read_bytes() == before
    conn = connect_write(terminal)
    assert check_pin(conn, "555001", "1234")[0] == PinCheck.BLOCKED  # still blocked
    assert conn.execute("SELECT count(*) FROM audit").fetchone()[0] == 0
    conn.close()
    assert not list(tmp_path.glob("register.db.backup-*"))


def test_demo_force_keeps_a_backup_audits_and_leaves_the_block(tmp_path):
    register, terminal = a_real_register(tmp_path)

    done = izle("demo", "--db", str(register), "--force", "--json", "--letters", "150")

    assert done.returncode == 0, done.stderr
    assert rows(register, "SELECT value FROM meta WHERE key = 'kind'") == [("demo",)]
    [kept] = tmp_path.glob("register.db.backup-*")
    assert rows(kept, "SELECT reg_no FROM letters ORDER BY reg_no") == [("7-0",), ("7-1",), ("7-2",)]
    conn = connect_write(terminal)
    try:
        [(action, query)] = conn.execute("SELECT action, query FROM audit").fetchall()
        assert action == "demo_replaced_register" and json.loads(query)["backup"] == str(kept)
        assert verify(conn) is None
        assert check_pin(conn, "555001", "1234")[0] == PinCheck.BLOCKED
    finally:
        conn.close()


def test_a_demo_rebuilds_a_demo_and_keeps_a_changed_demo_identity(tmp_path):
    register = tmp_path / "register.db"
    first = izle("demo", "--db", str(register), "--json", "--letters", "150")
    assert first.returncode == 0, first.stderr
    citizen = next(i for i in json.loads(first.stdout)["identities"] if i["role"] == "citizen")
    conn = connect_write(tmp_path / "terminal.db")
    for _ in range(3):
        check_pin(conn, citizen["user_id"], "0000")
    conn.close()

    again = izle("demo", "--db", str(register), "--json", "--letters", "200", "--seed", "2")

    assert again.returncode == 0, again.stderr
    assert rows(register, "SELECT count(*) FROM letters") == [(200,)]
    conn = connect_write(tmp_path / "terminal.db")
    assert check_pin(conn, citizen["user_id"], citizen["pin1"])[0] == PinCheck.BLOCKED
    conn.close()


def test_listing_never_builds_and_prints_the_contract(tmp_path):
    register = tmp_path / "register.db"
    missing = izle("demo", "--list", "--json", "--db", str(register))
    assert missing.returncode == 1 and not register.exists() and "Traceback" not in missing.stderr

    built = izle("demo", "--db", str(register), "--json", "--letters", "150")
    before = register.read_bytes()
    listed = izle("demo", "--list", "--json", "--db", str(register))

    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == json.loads(built.stdout)
    assert register.read_bytes() == before

    real, _terminal = a_real_register(tmp_path / "real")
    plain = izle("demo", "--list", "--db", str(real))
    assert plain.returncode == 0 and rows(real, "SELECT count(*) FROM letters") == [(3,)]
