"""Files that lost their letters, odd encodings and the office's own words: each refused or
accepted with a sentence naming the real rule."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from izle.data.check import check_register
from izle.data.importer import FileProblem, import_file

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "import"
TODAY = date(2025, 12, 1)
HEADER = ("agency_code,reg_no,reg_date,channel,applicant_fin,applicant_name,status,unit_id,"
          "executor_id,due_date,needs_study,extended_to,answered_on,forwarded_to,attached_to\n")


def izle(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "izle", "--lang", "en", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})


@pytest.fixture
def register(tmp_path) -> Path:
    path = tmp_path / "register.db"
    for kind in ("agencies", "units", "executors"):
        import_file(path, FIXTURES / f"{kind}.csv", kind, today=TODAY)
    return path


def saved_as_cp1251(path: Path, text: str) -> Path:
    """What Excel in a Russian locale writes: letters cp1251 lacks become `?`."""
    path.write_bytes(text.encode("cp1251", errors="replace"))
    return path


def test_a_cp1251_save_of_azerbaijani_names_is_refused_naming_csv_utf8(register, tmp_path):
    agencies = saved_as_cp1251(tmp_path / "agencies.csv", "code;name_az;name_ru\n"
                               "XGI;Xaçmaz Gömrük İdarəsi;Хачмазская таможня\n"
                               "SGI;Sumqayıt Gömrük İdarəsi;Сумгаитская таможня\n"
                               "TGI;Tovuz;Товуз\n")
    assert b"G?mr?k" in agencies.read_bytes()

    done = izle("import", str(agencies), "--kind", "agencies", "--encoding", "cp1251",
                "--db", str(register))

    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "2 refused" in done.stdout and "1 added" in done.stdout
    assert "agencies.csv:2: name_az: “Xa?maz G?mr?k ?dar?si” has “?” or “\ufffd”" in done.stderr
    assert "CSV UTF-8" in done.stderr


def test_replacement_characters_are_refused_and_a_question_in_a_note_is_not(register, tmp_path):
    letters = tmp_path / "letters.csv"
    letters.write_text(HEADER + "BBGI,1/1,05.03.2025,,,H\ufffds\ufffdnov Orxan,registered,,,,,,,,\n"
                       "BBGI,1/2,05.03.2025,,,Why? Nobody,registered,,,,,,,,\n"
                       "BBGI,1/3,05.03.2025,,,Quliyev Orxan,registered,,,,,,,,\n", encoding="utf-8")

    result = import_file(register, letters, "letters", today=TODAY)

    assert [(p.line, p.column) for p in result.problems] == [(2, "applicant_name"), (3, "applicant_name")]
    assert result.added == 1


def test_izle_check_names_values_stored_with_lost_letters(register):
    conn = sqlite3.connect(register)
    conn.execute("UPDATE agencies SET name_az = 'D?vl?t G?mr?k Komit?si' WHERE code = 'DGK'")
    conn.execute("UPDATE executors SET full_name = 'H\ufffds\ufffdnov Orxan' WHERE rowid = 1")
    conn.commit()
    conn.close()

    found = [p for p in check_register(register) if p.code == "lost_letters"]

    assert [(p.params["table"], p.params["column"], p.params["count"]) for p in found] == [
        ("agencies", "name_az", 1), ("executors", "full_name", 1)]
    assert found[0].params["example"] == "D?vl?t G?mr?k Komit?si"
    shown = izle("check", "--db", str(register))
    assert shown.returncode == 1 and "CSV UTF-8" in shown.stdout + shown.stderr


@pytest.mark.parametrize("codec", ["rot13", "base64", "hex", "zlib", "uu", "quopri", "undefined"])
def test_an_encoding_that_is_not_text_is_refused_in_one_sentence(register, codec):
    done = izle("import", str(FIXTURES / "agencies.csv"), "--kind", "agencies",
                "--encoding", codec, "--db", str(register))
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        f"Cannot import {FIXTURES / 'agencies.csv'}: “{codec}” is not a text encoding a"
        " spreadsheet saves in; for example --encoding cp1251 or --encoding utf-16"]


def test_needs_study_takes_yes_and_no_in_az_ru_and_en(register, tmp_path):
    words = ["Bəli", "XEYR", "да", "Нет", "yes", "No", "1", "0", "perhaps"]
    letters = tmp_path / "letters.csv"
    letters.write_text(HEADER + "".join(f"BBGI,2/{n},05.03.2025,,,,registered,,,,{word},,,,\n"
                                        for n, word in enumerate(words)), encoding="utf-8")

    result = import_file(register, letters, "letters", today=TODAY)

    conn = sqlite3.connect(register)
    stored = [r[0] for r in conn.execute("SELECT needs_study FROM letters ORDER BY reg_no")]
    conn.close()
    assert stored == [1, 0, 1, 0, 1, 0, 1, 0]
    [problem] = result.problems
    assert problem.column == "needs_study" and "bəli/xeyr, да/нет, yes/no" in problem.reason


def test_messages_name_the_rule_that_was_broken(register, tmp_path):
    letters = tmp_path / "letters.csv"
    letters.write_text(HEADER + "BBGI,3/1,05.03.2025,,6AB3CO9,,registered,,,,,,,,\n"
                       "BBGI,3/2,05.03.2025,,,,answered,,,,,,,,\n", encoding="utf-8")

    result = import_file(register, letters, "letters", today=TODAY)

    reasons = {(p.line, p.column): p.reason.format(**p.params) for p in result.problems}
    assert reasons == {
        (2, "applicant_fin"): "not a FIN: 7 Latin letters and digits, without I and O",
        (3, "answered_on"): "a value is required because the status is answered",
    }


def test_an_xlsx_cell_over_excels_limit_is_refused_before_it_is_read(register, tmp_path):
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["code", "name_az"])
    book.active.append(["XGI", "HUGE"])
    made = tmp_path / "made.xlsx"
    book.save(made)
    path = tmp_path / "agencies.xlsx"  # the same workbook, its one inline string 20 MB long
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"HUGE", "ə".encode() * 10_000_000)
            out.writestr(member, data)
    assert path.stat().st_size < 100_000  # small on disk, huge unpacked

    with pytest.raises(FileProblem) as refused:
        import_file(register, path, "agencies", today=TODAY)

    assert refused.value.problem.message.startswith("a cell holds more than 32,767 characters")


def test_an_xlsx_with_cells_under_the_limit_imports(register, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["code", "name_az"])
    sheet.append(["XGI", "Xaçmaz Gömrük İdarəsi " + "ə" * 200])
    path = tmp_path / "agencies.xlsx"
    book.save(path)

    assert import_file(register, path, "agencies", today=TODAY).added == 1
