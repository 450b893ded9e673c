"""Issue 11 from the administrator's side: a file on disk, `python -m izle import` run as a user
runs it, the register read back."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from izle.data.schema import REGISTER_MIGRATIONS, migrate
from tests.conftest import rows

ROOT = Path(__file__).resolve().parent.parent
AGENCIES = "code,name_az,parent_code,kind\nDGK,Dövlət Gömrük Komitəsi,,committee\n"


def izle(*args: str, lang: str = "en") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "izle", *args], cwd=ROOT, capture_output=True,
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



# --- 3. files as offices produce them ----------------------------------------------------------

def test_a_semicolon_separated_cp1251_file_with_text_ids_imports(tmp_path):
    register = tmp_path / "register.db"
    load(register, put(tmp_path, "agencies.csv", AGENCIES), "agencies")
    # Azerbaijani ə is not in cp1251: an office's cp1251 file has Russian and plain Latin text.
    units = put(tmp_path, "units.csv", "id;agency_code;name_az;name_ru\r\n"
                "01-31;DGK;Qebul;Отдел приёма граждан\r\n", "cp1251")
    executors = put(tmp_path, "executors.csv", "id;unit_id;full_name;phone\r\n"
                    "E-7;01-31;Алиев Рауф;012 404 11 22\r\n", "cp1251")
    letters = put(tmp_path, "letters.csv", "agency_code;reg_no;reg_date;applicant_name;status;"
                  "unit_id;executor_id\r\nDGK;01-31/3073;05.03.2026;Гасанова Айсель;in_execution;"
                  "01-31;E-7\r\n", "cp1251")

    refused = load(register, units, "units")
    assert refused.returncode == 2 and "--encoding cp1251" in refused.stderr
    assert rows(register, "SELECT count(*) FROM units") == [(0,)]
    for path, kind in ((units, "units"), (executors, "executors"), (letters, "letters")):
        done = load(register, path, kind, "--encoding", "cp1251")
        assert done.returncode == 0, done.stderr

    assert rows(register, "SELECT name_ru FROM units WHERE id = '01-31'") == [("Отдел приёма граждан",)]
    assert rows(register, "SELECT reg_no, applicant_name, unit_id, executor_id FROM letters") == [
        ("01-31/3073", "Гасанова Айсель", "01-31", "E-7")]


@pytest.mark.parametrize("encoding, bom, delimiter", [
    ("utf-8", b"\xef\xbb\xbf", ";"), ("utf-16-le", b"\xff\xfe", "\t"), ("utf-16-be", b"\xfe\xff", ","),
    ("utf-8", b"", "\t"),
])
def test_excel_encodings_and_delimiters_are_found_without_being_told(tmp_path, encoding, bom, delimiter):
    from click.testing import CliRunner

    from izle.tui.cli.run import run as group

    register = tmp_path / "register.db"
    text = delimiter.join(["code", "name_az", "kind"]) + "\r\n" + delimiter.join(
        ["DGK", '"Dövlət Gömrük Komitəsi; mərkəzi, aparat"', "committee"]) + "\r\n"
    path = tmp_path / "agencies.csv"
    path.write_bytes(bom + text.encode(encoding))
    done = CliRunner().invoke(group, ["--lang", "en", "import", str(path), "--kind", "agencies",
                                      "--db", str(register)])
    assert done.exit_code == 0, done.output
    assert rows(register, "SELECT code, name_az FROM agencies") == [
        ("DGK", "Dövlət Gömrük Komitəsi; mərkəzi, aparat")]


def test_utf16_without_a_bom_is_refused_with_the_option_to_give(tmp_path):
    register = tmp_path / "register.db"
    path = put(tmp_path, "agencies.csv", "code,name_az\r\nDGK,Komitə\r\n", "utf-16-le")
    done = load(register, path, "agencies")
    assert done.returncode == 2 and "--encoding utf-16-le" in done.stderr


def test_an_xlsx_sheet_imports_directly(tmp_path):
    from datetime import datetime

    openpyxl = pytest.importorskip("openpyxl")
    register = tmp_path / "register.db"
    load(register, put(tmp_path, "agencies.csv", AGENCIES), "agencies")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["agency_code", "reg_no", "reg_date", "status", "needs_study"])
    sheet.append(["DGK", "01-31/1", datetime(2026, 3, 5), "registered", 1])
    sheet.append(["DGK", "01-31/2", "31.02.2026", "registered", None])
    book.save(tmp_path / "letters.xlsx")

    done = load(register, tmp_path / "letters.xlsx", "letters")

    assert done.returncode == 1
    assert "letters.xlsx:3: reg_date: the date 31.02.2026 does not exist" in done.stderr
    assert rows(register, "SELECT reg_no, reg_date, needs_study FROM letters") == [
        ("01-31/1", "2026-03-05", 1)]


# --- one bad row refuses one row -----------------------------------------------------------------

LETTERS = "agency_code,reg_no,reg_date,status,unit_id\n"


def test_unreadable_csv_rows_are_refused_alone(tmp_path):
    register = tmp_path / "register.db"
    load(register, put(tmp_path, "agencies.csv", AGENCIES), "agencies")
    load(register, put(tmp_path, "units.csv", "id,agency_code,name_az\n12,DGK,Qəbul\n"), "units")
    huge = "x" * (130 * 1024)
    path = put(tmp_path, "letters.csv", LETTERS
               + "DGK,1/1,05.03.2026,registered,12\n"
               + f'DGK,"{huge}",05.03.2026,registered,12\n'
               + "DGK,1/3,05.03.2026,registered,1\x002\n"
               + 'DGK,"1/4,05.03.2026,registered,12\n'  # a quote never closed
               + "DGK,1/5,05.03.2026,registered,12\n")

    done = load(register, path, "letters")

    assert done.returncode == 1
    assert ":3: reg_no:" in done.stderr and ":4: unit_id:" in done.stderr and ":5:" in done.stderr
    assert "5 read, 2 added" in done.stdout
    assert rows(register, "SELECT reg_no, unit_id FROM letters ORDER BY reg_no") == [
        ("1/1", "12"), ("1/5", "12")]


def test_a_nul_inside_a_number_refuses_its_row_even_in_a_small_file(tmp_path):
    register = tmp_path / "register.db"
    load(register, put(tmp_path, "agencies.csv", AGENCIES), "agencies")
    load(register, put(tmp_path, "units.csv", "id,agency_code,name_az\n12,DGK,Qəbul\n"), "units")
    path = put(tmp_path, "letters.csv", LETTERS + "DGK,1/1,05.03.2026,registered,1\x002\n"
               "DGK,1/2,05.03.2026,registered,12\n")
    done = load(register, path, "letters")
    assert done.returncode == 1 and ":2: unit_id:" in done.stderr
    assert rows(register, "SELECT reg_no FROM letters") == [("1/2",)]


def test_json_lines_are_refused_one_by_one(tmp_path):
    register = tmp_path / "register.db"
    load(register, put(tmp_path, "agencies.csv", AGENCIES), "agencies")
    good = '{"agency_code": "DGK", "reg_no": "2/%d", "reg_date": "2026-03-05", "status": "registered"}\n'
    path = put(tmp_path, "letters.jsonl", good % 1
               + '{"agency_code": "DGK", "reg_no": \n'
               + '["not", "an", "object"]\n'
               + '{"agency_code": "DGK", "reg_no": "2/4", "reg_no": "2/5", "reg_date": "2026-03-05", "status": "registered"}\n'
               + '{"agency_code": "DGK", "reg_no": "2/6", "reg_date": "2026-03-05", "status": "registered", "applicant_name": "\\ud800"}\n'
               + '{"\\udc00": 1}\n'
               + '{"reg_no": 1%s}\n' % ("0" * 5000)
               + good % 8)

    done = load(register, path, "letters")

    assert done.returncode == 1, done.stderr
    for line in (2, 3, 4, 5, 6, 7):
        assert f"letters.jsonl:{line}:" in done.stderr
    assert "letters.jsonl:4: reg_no:" in done.stderr  # the key given twice
    assert "8 read, 2 added" in done.stdout
    assert rows(register, "SELECT reg_no FROM letters ORDER BY reg_no") == [("2/1",), ("2/8",)]


# --- 4. messages that say what is wrong --------------------------------------------------------

@pytest.mark.parametrize("lang, words", [("en", "does not exist"), ("ru", "не существует"),
                                         ("az", "mövcud deyil")])
def test_an_impossible_date_is_named_in_each_language(tmp_path, lang, words):
    register = tmp_path / "register.db"
    load(register, put(tmp_path, "agencies.csv", AGENCIES), "agencies")
    path = put(tmp_path, "letters.csv", LETTERS + "DGK,1/1,31.02.2026,registered,\n"
               "DGK,1/2,05.03.1990,registered,\n")
    done = izle("import", str(path), "--kind", "letters", "--db", str(register), lang=lang)
    assert done.returncode == 1
    assert "31.02.2026" in done.stderr and words in done.stderr
    assert "1991" in done.stderr  # the one lowest year


def test_check_names_the_file_each_problem_is_in(tmp_path):
    from izle.data.audit import append
    from izle.data.db import connect_write

    register = tmp_path / "register.db"
    load(register, put(tmp_path, "agencies.csv", AGENCIES), "agencies")
    conn = connect_write(tmp_path / "terminal.db")
    from izle.data.schema import TERMINAL_MIGRATIONS
    migrate(conn, TERMINAL_MIGRATIONS)
    for n in range(2):
        append(conn, terminal="t1", mode="operator", actor="1", action="lookup", outcome=f"o{n}")
    conn.execute("DROP TRIGGER audit_no_update")  # as someone with the file would, first
    conn.execute("UPDATE audit SET outcome = 'found' WHERE seq = 1")
    conn.close()

    done = izle("check", "--db", str(register))

    assert done.returncode == 1
    assert f"{tmp_path / 'terminal.db'}:" in done.stderr + done.stdout
    assert f"{register}: 1 problem" not in done.stdout


def test_an_older_register_is_named_with_the_command_that_upgrades_it(tmp_path):
    register = tmp_path / "register.db"
    conn = sqlite3.connect(register, isolation_level=None)
    migrate(conn, REGISTER_MIGRATIONS[:1])
    conn.execute("INSERT INTO agencies (code, name_az, kind) VALUES ('DGK', 'Komitə', 'committee')")
    conn.execute("INSERT INTO units (id, agency_code, name_az) VALUES (5, 'DGK', 'Qəbul')")
    conn.close()

    refused = izle("--db", str(register), "--kiosk")
    assert refused.returncode == 1 and f"izle upgrade --db {register}" in refused.stderr

    done = izle("upgrade", "--db", str(register))
    assert done.returncode == 0, done.stderr
    assert f"{register}: schema version 1 → {len(REGISTER_MIGRATIONS)}." in done.stdout
    assert rows(register, "SELECT id, typeof(id) FROM units") == [("5", "text")]
