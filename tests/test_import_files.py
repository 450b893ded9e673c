"""Issue 11 from the administrator's side: a file on disk, `python -m tui import` run as a user
runs it, the register read back."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from data.schema import REGISTER_MIGRATIONS, migrate
from tests.conftest import rows

ROOT = Path(__file__).resolve().parent.parent
AGENCIES = "code,name_az,parent_code,kind\nDGK,Dövlət Gömrük Komitəsi,,committee\n"


def izle(*args: str, lang: str = "en") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "IZLE_LANG": lang, "LANG": "C.UTF-8"})


def load(register: Path, path: Path, kind: str, *options: str) -> subprocess.CompletedProcess:
    done = izle("import", str(path), "--kind", kind, "--db", str(register), *options)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def put(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    (folder / name).write_bytes(text.encode(encoding))
    return folder / name


# --- 2. ids as the agency writes them ----------------------------------------------------------

def test_a_v1_register_with_integer_ids_is_migrated_and_its_ids_keep_working(tmp_path):
    register = tmp_path / "register.db"
    conn = sqlite3.connect(register, isolation_level=None)
    migrate(conn, REGISTER_MIGRATIONS[:1])
    conn.executescript("""
        INSERT INTO agencies (code, name_az, kind) VALUES ('DGK', 'Komitə', 'committee');
        INSERT INTO units (id, agency_code, name_az) VALUES (1, 'DGK', 'Qəbul');
        INSERT INTO executors (id, unit_id, full_name, phone) VALUES (7, 1, 'Əliyev', '+994 12 404 11 22');
        INSERT INTO letters (agency_code, reg_no, reg_no_key, reg_date, status, unit_id, executor_id)
            VALUES ('DGK', '1/1', '1/1', '2026-01-05', 'registered', 1, 7);
    """)
    conn.close()
    letters = put(tmp_path, "letters.csv", "agency_code,reg_no,reg_date,status,unit_id,executor_id\n"
                  "DGK,1/2,06.01.2026,in_execution,1,7\n"
                  "DGK,1/3,06.01.2026,in_execution,01,\n")

    done = load(register, letters, "letters")

    assert done.returncode == 1  # `01` is not `1`
    assert f"{letters}:3: unit_id:" in done.stderr
    assert rows(register, "PRAGMA user_version") == [(len(REGISTER_MIGRATIONS),)]
    assert rows(register, "SELECT reg_no, unit_id, typeof(unit_id), executor_id FROM letters"
                          " ORDER BY reg_no") == [("1/1", "1", "text", "7"), ("1/2", "1", "text", "7")]
    assert rows(register, "SELECT type FROM pragma_table_info('units') WHERE name = 'id'") == [("TEXT",)]
    assert rows(register, "PRAGMA foreign_key_check") == []


def test_text_ids_are_kept_exactly(tmp_path):
    register = tmp_path / "register.db"
    load(register, put(tmp_path, "agencies.csv", AGENCIES + "BBGİ.2,Bakı,DGK,main_office\n"), "agencies")
    units = load(register, put(tmp_path, "units.csv", "id,agency_code,name_az\n01-31,DGK,Qəbul\n"
                               "1,DGK,Hüquq\nA/7.b,BBGİ.2,Nəzarət\nx y,DGK,Boşluq\n"), "units")
    assert units.returncode == 1 and ":5: id:" in units.stderr
    assert rows(register, "SELECT id FROM units ORDER BY id") == [("01-31",), ("1",), ("A/7.b",)]

