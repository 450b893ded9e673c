"""`izle import`: an administrator loads the agency's records; bad rows are named, good rows land once.

The prerequisite rows (agencies, units, executors) are built by importing the fixtures too.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import izle.data.importer as importer
import izle.data.importer.batches
import izle.data.importer.parallel
import izle.data.importer.run
from izle.data.check import check_register
from izle.data.db import connect_write
from tests.conftest import dump, rows
from izle.data.importer import FileProblem, import_file
from izle.data.letters import Register
from izle.data.schema import LETTER_INDEXES
from izle.data.text import MAX_YEAR, MIN_YEAR, az_lower, az_upper, format_date, normalize_reg_no, parse_date

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "import"
TODAY = date(2025, 12, 1)
REFERENCES = (("agencies", "agencies.csv"), ("units", "units.csv"), ("executors", "executors.csv"))


def run(register: Path, name: str, kind: str, **options):
    return import_file(register, FIXTURES / name, kind, today=TODAY, **options)


def refused_at(result) -> set[tuple[int, str]]:
    return {(p.line, p.column) for p in result.problems if not p.warning}


def warned_at(result) -> set[tuple[int, str]]:
    return {(p.line, p.column) for p in result.problems if p.warning}


@pytest.fixture
def register(tmp_path) -> Path:
    """An empty register with the fixtures' agencies, units and executors imported."""
    path = tmp_path / "register.db"
    for kind, name in REFERENCES:
        run(path, name, kind)
    return path


@pytest.fixture
def letters(register) -> Path:
    run(register, "letters.csv", "letters")
    return register


# --- every kind: good rows land, bad rows are named by line and column ---------------------

def test_references_are_checked_against_the_register_and_earlier_rows_of_the_file(tmp_path):
    path = tmp_path / "register.db"
    agencies = run(path, "agencies.csv", "agencies")
    assert (agencies.read, agencies.added, agencies.refused) == (8, 4, 4)
    # AGI names BBGI, defined two lines earlier; YGI names an agency that exists nowhere.
    assert refused_at(agencies) == {(5, "name_az"), (6, "parent_code"), (7, "kind"), (8, "code")}
    assert warned_at(agencies) == {(9, "name_az")}  # an ESC sequence, stripped
    assert rows(path, "SELECT name_az FROM agencies WHERE code = 'QGI'") == [("Qax Gömrük[31m İdarəsi",)]

    units = run(path, "units.csv", "units")
    assert refused_at(units) == {(5, "id"), (6, "agency_code")}
    executors = run(path, "executors.csv", "executors")
    assert refused_at(executors) == {(5, "unit_id"), (6, "phone"), (7, "full_name")}
    # Desk phones are landlines: stored in one display form.
    assert rows(path, "SELECT phone FROM executors ORDER BY id") == [
        ("+994 12 404 11 22",), ("+994 50 123 45 67",), ("+994 12 404 33 44",)]


def test_letters_report_each_bad_row_with_its_line_and_column(register):
    result = run(register, "letters.csv", "letters")
    assert (result.read, result.added, result.refused) == (20, 7, 13)
    assert refused_at(result) == {
        (7, "reg_date"),  # 31.02.2025 does not exist
        (8, "agency_code"), (9, "status"),
        (10, "executor_id"),  # executor 2 works in unit 2, not 1
        (11, "applicant_fin"),
        (12, "reg_date"),  # in the future
        (13, "answered_on"),  # answered, but when?
        (14, "reg_no"), (15, "needs_study"),
        (16, "due_date"),  # before the registration
        (17, ""),  # too few values
        (21, "unit_id"),  # line 19's quoted value spans two lines, so this row is on line 21
        (22, "reg_no"),  # longer than 64 characters
    }
    assert warned_at(result) == {(18, "applicant_name"), (19, "applicant_name")}


def test_numbers_and_values_are_normalized_on_the_way_in(letters):
    stored = dict(((n, d), (k, fin, unit)) for n, k, d, fin, unit in rows(
        letters, "SELECT reg_no, reg_no_key, reg_date, applicant_fin, unit_id FROM letters"))
    assert stored["№ 02–14 / 118", "2025-02-12"] == ("02-14/118", "5ZK9Q2M", "2")
    assert stored["01-31/3073", "2025-03-05"][0] == "01-31/3073"  # DD.MM.YYYY read as a date
    assert stored["01-31/4100", "2025-09-01"][2] == "1"  # no unit given: the executor's own
    assert rows(letters, "SELECT applicant_name FROM letters WHERE reg_no = '01-31/5011'") == [
        ("Two lines",)]  # a newline in a name becomes a space
    found = Register(letters).find_letter("BBGI", "02-14/118", date(2025, 2, 12))
    assert found is not None and found.answered_on == date(2025, 2, 28)


def test_json_lines_are_validated_the_same_way(register):
    result = run(register, "letters.jsonl", "letters")
    # Line 2 is blank; JSON true and numbers are read as the CSV text would be.
    assert refused_at(result) == {(3, "colour"), (4, "applicant_name"), (6, "reg_date")}
    assert warned_at(result) == {(5, "applicant_name")}
    assert rows(register, "SELECT needs_study, unit_id FROM letters WHERE reg_no = '01-31/6000'") == [(1, "1")]


def test_movements_calendar_and_identities(letters, tmp_path):
    movements = run(letters, "movements.csv", "movements")
    assert refused_at(movements) == {(4, "reg_no"), (5, "at"), (6, "status"), (9, "executor_id")}
    assert movements.added == 3
    note = rows(letters, "SELECT note FROM movements WHERE at LIKE '2025-03-07T%'")
    assert note == [("A note\non two lines",)]  # a note may keep its newline

    calendar = run(letters, "calendar.csv", "calendar")
    assert refused_at(calendar) == {(4, "date"), (5, "kind")}
    assert rows(letters, "SELECT date, kind FROM calendar WHERE note IS NOT 'holidays:'"
                         " AND substr(note, 1, 9) IS NOT 'holidays:' ORDER BY date") == [
        ("2025-10-04", "workday"), ("2025-10-06", "holiday")]
    # `izle import` also gave the register Azerbaijan's public holidays, as generated rows
    assert ("2025-01-01", "holiday") in rows(letters, "SELECT date, kind FROM calendar")

    identities = run(letters, "identities.csv", "identities")
    assert refused_at(identities) == {(4, "phone"), (5, "fin"), (6, "pin1"), (7, "user_id")}
    assert identities.added == 2
    state = rows(tmp_path / "terminal.db", "SELECT user_id, phone, fin FROM identities ORDER BY 1")
    assert state == [("100001", "+994501234567", "5ZK9Q2M"), ("200001", "+994703334455", "")]


def test_a_bom_is_not_part_of_the_first_column(register):
    result = run(register, "letters_bom.csv", "letters")
    assert (result.added, result.refused, result.problems) == (2, 0, [])


# --- upserts: the same file twice changes nothing, a changed row updates --------------------

def test_importing_the_same_files_twice_changes_nothing(letters):
    run(letters, "movements.csv", "movements")
    run(letters, "calendar.csv", "calendar")
    before = dump(letters)
    for kind, name in (*REFERENCES, ("letters", "letters.csv"), ("movements", "movements.csv"),
                       ("calendar", "calendar.csv")):
        again = run(letters, name, kind)
        assert (again.added, again.updated) == (0, 0), name
        assert again.unchanged == again.read - again.refused, name
    assert dump(letters) == before  # not even updated_at moved


def test_identities_twice_keep_their_pin_hash_and_their_block(letters, tmp_path):
    run(letters, "identities.csv", "identities")
    state = tmp_path / "terminal.db"
    conn = connect_write(state)
    conn.execute("UPDATE identities SET failed_pins = 3, blocked_at = 'then' WHERE user_id = '100001'")
    conn.close()
    before = rows(state, "SELECT * FROM identities ORDER BY user_id")
    again = run(letters, "identities.csv", "identities")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert rows(state, "SELECT * FROM identities ORDER BY user_id") == before


def test_a_changed_row_updates_its_letter(letters, tmp_path):
    changed = tmp_path / "changed.csv"
    text = (FIXTURES / "letters.csv").read_text(encoding="utf-8")
    changed.write_text(text.replace("01-31/3073,05.03.2025,written,5ZK9Q2M,Həsənov Orxan Vaqif oğlu,"
                                    "in_execution,1,1,,0,,,,",
                                    "01-31/3073,05.03.2025,written,5ZK9Q2M,Həsənov Orxan Vaqif oğlu,"
                                    "answered,1,1,,0,,2025-03-20,,"), encoding="utf-8")
    (id_before,) = rows(letters, "SELECT id FROM letters WHERE reg_no = '01-31/3073'")
    result = import_file(letters, changed, "letters", today=TODAY)
    assert (result.added, result.updated, result.unchanged) == (0, 1, 6)
    assert rows(letters, "SELECT id, status, answered_on FROM letters WHERE reg_no = '01-31/3073'") == [
        (id_before[0], "answered", "2025-03-20")]


# --- --strict and --dry-run -------------------------------------------------------------

def test_strict_refuses_the_whole_file_for_one_bad_row(register):
    before = dump(register)
    result = run(register, "letters.csv", "letters", strict=True)
    assert not result.committed
    assert (result.added, result.refused) == (0, result.read)
    assert len(refused_at(result)) == 13  # every bad row is still reported
    assert dump(register) == before


def test_strict_imports_a_clean_file(register):
    result = run(register, "letters_bom.csv", "letters", strict=True)
    assert result.committed and result.added == 2


def test_dry_run_reports_and_counts_but_writes_nothing(register):
    before = dump(register)
    result = run(register, "letters.csv", "letters", dry_run=True)
    assert (result.added, result.refused, result.committed) == (7, 13, False)
    assert dump(register) == before


# --- the command: messages, exit statuses, no tracebacks -----------------------------------

def izle(*args: str):
    from izle.tui.cli.run import run as izle_group

    return CliRunner().invoke(izle_group, ["--lang", "en", *args])


def test_the_command_reports_bad_rows_one_per_line_and_exits_1(register):
    result = izle("--db", str(register), "import", str(FIXTURES / "letters.csv"), "--kind", "letters")
    assert result.exit_code == 1, result.output
    assert "letters.csv:7: reg_date: the date 31.02.2025 does not exist" in result.output
    assert "letters.csv:17: expected 15 values, found 9" in result.output
    assert "letters.csv:18: applicant_name: warning: control characters removed" in result.output
    assert "20 read, 7 added, 0 updated, 0 unchanged, 13 refused." in result.output
    again = izle("--db", str(register), "import", str(FIXTURES / "letters_bom.csv"), "--kind", "letters")
    assert again.exit_code == 0 and "2 read, 2 added" in again.output


def test_the_command_never_echoes_a_pin(register):
    result = izle("--db", str(register), "import", str(FIXTURES / "identities.csv"), "--kind", "identities")
    assert result.exit_code == 1
    assert "identities.csv:6: pin1: PIN1 must be 4 to 8 digits" in result.output
    assert "98765432109" not in result.output and "1234" not in result.output


def test_strict_and_dry_run_say_nothing_was_written(register):
    strict = izle("--db", str(register), "import", str(FIXTURES / "letters.csv"), "--kind", "letters", "--strict")
    assert strict.exit_code == 1 and "nothing was written" in strict.output
    dry = izle("--db", str(register), "import", str(FIXTURES / "letters_bom.csv"), "--kind", "letters", "--dry-run")
    assert dry.exit_code == 0 and "Dry run: nothing was written." in dry.output
    assert rows(register, "SELECT count(*) FROM letters") == [(0,)]


def test_without_a_terminal_progress_is_a_few_plain_lines(register, monkeypatch):
    from izle.tui.cli import importing

    monkeypatch.setattr(importing, "PROGRESS_FROM_BYTES", 0)
    result = izle("--db", str(register), "import", str(FIXTURES / "letters_bom.csv"), "--kind", "letters")
    assert result.exit_code == 0
    assert "2 rows read (100%)" in result.output and "\x1b" not in result.output


@pytest.mark.parametrize("name, kind, message", [
    ("missing.csv", "letters", "file not found"),
    ("notes.txt", "letters", "unsupported file type"),
    ("bad_header.csv", "agencies", "unknown columns"),
    ("bad_header.csv", "letters", "unknown columns: colour"),
])
def test_an_unreadable_file_is_refused_with_status_2_and_no_traceback(register, name, kind, message):
    before = dump(register)
    result = izle("--db", str(register), "import", str(FIXTURES / name), "--kind", kind)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert dump(register) == before


def test_an_unknown_kind_is_a_usage_error(register):
    result = izle("--db", str(register), "import", str(FIXTURES / "letters.csv"), "--kind", "parcels")
    assert result.exit_code == 2 and "Traceback" not in result.output
    with pytest.raises(FileProblem):
        import_file(register, FIXTURES / "letters.csv", "parcels")


@pytest.mark.parametrize("text, message", [
    (b"agency_code,reg_no,reg_date,status\nBBGI,1,2025-01-01,\xff\xfe\n", "cannot be read as UTF-8"),
    (b'"agency_code,reg_no,reg_date,status\nBBGI,1,2025-01-01,registered\n', "malformed CSV on line 1"),
    (b"", "the file is empty"),
    (b"agency_code,reg_no\n", "missing columns: reg_date, status"),
])
def test_broken_csv_files(register, tmp_path, text, message):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(text)
    with pytest.raises(FileProblem) as problem:
        import_file(register, bad, "letters", today=TODAY)
    assert message in str(problem.value)


# --- big files: a second process validates, the letters table is loaded in bulk ------------

def write_letters(path: Path, n: int, *, first: int = 1, bad_every: int = 0) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["agency_code", "reg_no", "reg_date", "applicant_fin", "status", "unit_id", "executor_id"])
        for i in range(first, first + n):
            day = (date(2024, 1, 1) + timedelta(days=i % 500)).isoformat()
            status = "lost" if bad_every and i % bad_every == 0 else "in_execution"
            out.writerow(["BBGI", f"01-31/{i}", day, "5ZK9Q2M", status, 1, 1])


def test_a_big_file_goes_through_the_bulk_path_with_the_same_result(register, tmp_path, monkeypatch):
    source = tmp_path / "many.csv"
    write_letters(source, 300, bad_every=100)
    with open(source, "a", newline="", encoding="utf-8") as f:  # the same letter again, changed
        csv.writer(f).writerow(["BBGI", "01-31/5", "2024-01-06", "5ZK9Q2M", "extended", 1, 1])
    small = shutil.copy(register, tmp_path / "small.db")
    indexes = index_names(register)
    expected = import_file(small, source, "letters", today=TODAY)  # the ordinary path
    monkeypatch.setattr(importer.run, "BIG_FILE_ROWS", 10)
    monkeypatch.setattr(importer.batches, "BATCH_ROWS", 64)
    monkeypatch.setattr(importer.parallel, "_cores", lambda: 2)  # the second process, even on one CPU
    big = import_file(register, source, "letters", today=TODAY)
    assert refused_at(big) == refused_at(expected) == {(101, "status"), (201, "status"), (301, "status")}
    assert (big.read, big.added, big.updated, big.refused) == (301, 297, 1, 3)
    same = "SELECT agency_code, reg_no, reg_date, status FROM letters ORDER BY reg_no"
    assert rows(register, same) == rows(small, same)
    assert rows(register, "SELECT status FROM letters WHERE reg_no = '01-31/5'") == [("extended",)]
    assert check_register(register) == []  # indexes rebuilt, references sound
    # Every index dropped for the load is back: a keypad lookup (the compact key) still uses one.
    assert index_names(register) == indexes >= set(LETTER_INDEXES)


def index_names(path: Path) -> set[str]:
    return {r[0] for r in rows(path, "SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_the_second_reader_starts_outside_any_quoted_value(tmp_path):
    path = tmp_path / "quoted.csv"
    source = importer.Source(path, "csv")
    header = "agency_code,reg_no,reg_date,status,applicant_name\r\n"
    body = [f'BBGI,01-31/{i},2025-01-15,registered,"Ad\r\nSoyad ""{i}"""\r\n' for i in range(1, 200)]
    path.write_text(header + "".join(body), encoding="utf-8", newline="")
    for fraction in (0.1, 0.33, 0.5, 0.77):
        part = importer.split_point(source, fraction)
        assert part is not None
        data = path.read_bytes()
        assert data[:part.start].count(b'"') % 2 == 0 and data[part.start - 2:part.start] == b"\r\n"
        # Each letter takes two lines: the part starts on the first line of a letter.
        assert part.line % 2 == 0 and data[part.start:].startswith(f"BBGI,01-31/{part.line // 2},".encode())
    assert importer.split_point(source, 0.9999) is None  # nothing left after it


def test_line_numbers_stay_true_across_the_two_readers(register, tmp_path, monkeypatch):
    source = tmp_path / "many.csv"
    write_letters(source, 300)
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace("5ZK9Q2M", '"5ZK9\nQ2M"')  # line 4 spans two lines: bad FIN
    lines[250] = lines[250].replace("in_execution", "lost")  # on line 252 now
    source.write_text("".join(lines), encoding="utf-8")
    monkeypatch.setattr(importer.run, "BIG_FILE_ROWS", 10)
    monkeypatch.setattr(importer.parallel, "PARENT_SHARE", 0.3)  # the two-line value is in this share
    monkeypatch.setattr(importer.parallel, "_cores", lambda: 2)
    result = import_file(register, source, "letters", today=TODAY)
    assert refused_at(result) == {(4, "applicant_fin"), (252, "status")}
    assert warned_at(result) == {(4, "applicant_fin")}
    assert (result.read, result.added, result.refused) == (300, 298, 2)


# --- a killed import leaves the register as it was; readers never wait ---------------------

KILL_SCRIPT = """
import sys
from pathlib import Path
from izle.data.importer import import_file
def progress(rows, done, total):
    print(rows, flush=True)
import_file(Path(sys.argv[1]), Path(sys.argv[2]), "letters", progress=progress)
print("finished", flush=True)
"""


@pytest.mark.parametrize("with_letters", [True, False], ids=["upsert", "bulk load"])
def test_kill_9_in_the_middle_of_an_import_leaves_the_register_unchanged(register, tmp_path, with_letters):
    letters = register
    if with_letters:
        run(letters, "letters.csv", "letters")
    # else: an empty letters table, so the import drops its indexes to rebuild them
    source = tmp_path / "big.csv"
    write_letters(source, 200_000, first=100_000)
    before = dump(letters)
    indexes = rows(letters, "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name")
    child = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(letters), str(source)],
                             cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        first = child.stdout.readline()  # a batch is written: the transaction is open
        assert first.strip().isdigit(), first
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    assert dump(letters) == before
    assert rows(letters, "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name") == indexes
    assert check_register(letters, letters.with_name("terminal.db")) == []


def test_a_reader_sees_the_old_register_while_an_import_is_open(letters, tmp_path):
    source = tmp_path / "more.csv"
    write_letters(source, 30_000, first=100_000)
    opened, finish = threading.Event(), threading.Event()

    def hold_open(rows_read, done, total):  # called after a batch is written
        opened.set()
        finish.wait(timeout=30)

    def importing():
        import_file(letters, source, "letters", today=TODAY, progress=hold_open)

    worker = threading.Thread(target=importing)
    worker.start()
    try:
        assert opened.wait(timeout=30)
        reader = Register(letters)  # the TUI's read-only connection
        assert reader.find_letter("BBGI", "01-31/3073", date(2025, 3, 5)) is not None
        assert reader.find_letter("BBGI", "01-31/100000", date(2024, 1, 1)) is None
        conn = sqlite3.connect(f"{letters.resolve().as_uri()}?mode=ro", uri=True, timeout=0.1)
        assert conn.execute("SELECT count(*) FROM letters").fetchone() == (7,)
        conn.close()
    finally:
        finish.set()
        worker.join(timeout=60)
    assert reader.find_letter("BBGI", "01-31/100000", date(2024, 1, 1)) is not None
    assert rows(letters, "SELECT count(*) FROM letters") == [(30_007,)]


# --- the benchmark runs (tiny) ------------------------------------------------------------

def test_the_import_benchmark_runs_on_a_tiny_register(capsys):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import bench_import
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    bench_import.main(["--letters", "300", "--repeat", "1"])
    out = capsys.readouterr().out
    assert "ratio:" in out and "added 300" in out


# --- properties of the values the import normalizes --------------------------------------

dates = st.dates(min_value=date(MIN_YEAR, 1, 1), max_value=date(MAX_YEAR, 12, 31))


@given(dates)
def test_a_printed_date_parses_back(day):
    assert parse_date(format_date(day)) == day
    assert parse_date(day.isoformat()) == day
    assert importer._iso_date(format_date(day)) == day.isoformat()


@given(st.text(max_size=12))
def test_what_is_not_a_date_is_refused_not_crashed(text):
    iso = importer._iso_date(text)
    assert iso is None or date.fromisoformat(iso) == parse_date(text)


numbers = st.from_regex(r"[0-9]{1,3}(-[0-9]{1,3})?/[0-9]{1,5}[aəıiIİ]?", fullmatch=True)


@given(numbers)
def test_a_number_key_is_idempotent(number):
    assert normalize_reg_no(normalize_reg_no(number)) == normalize_reg_no(number)


@settings(max_examples=200)
@given(numbers, st.sampled_from(["", "№", "№ ", "N", "No."]), st.sampled_from(["-", "–", "—", "‑", "−"]),
       st.sampled_from(["", " ", "  "]), st.sampled_from(["/", "∕", "／"]))
def test_a_number_key_ignores_spaces_dashes_prefixes_and_azerbaijani_case(number, prefix, dash, space, slash):
    printed = prefix + number.replace("-", space + dash + space).replace("/", space + slash + space)
    key = normalize_reg_no(number)
    assert normalize_reg_no(printed) == key
    assert normalize_reg_no(az_lower(printed)) == normalize_reg_no(az_upper(printed)) == key
    assert "i" not in key and "ı" not in key  # Azerbaijani upper case: i → İ, ı → I


@given(st.from_regex(r"[0-9][0-9A-Z/-]{0,20}", fullmatch=True))
def test_the_importers_quick_path_for_numbers_agrees_with_normalize(number):
    assert importer._ASCII_KEY.match(number)
    assert normalize_reg_no(number) == number


def test_a_number_whose_mark_needs_a_second_pass_is_stored_and_typed_alike(register, tmp_path):
    """The importer's key and a person's typed key come from the one function: a spacing accent
    (´, which NFKC makes a space and a combining mark) or a mark cut off by a space is composed
    on import as when typed, in either spelling."""
    source = tmp_path / "marks.csv"
    source.write_text("agency_code,reg_no,reg_date,status\n"
                      "BBGI,01-31/C´3073,2025-03-05,registered\n"
                      "BBGI,01-31/S \u0327 12,2025-03-06,registered\n", encoding="utf-8")
    assert not refused_at(import_file(register, source, "letters", today=TODAY))
    keys = [k for (k,) in rows(register, "SELECT reg_no_key FROM letters ORDER BY reg_date")]
    assert keys == ["01-31/\u01063073", "01-31/\u015e12"]
    assert all(normalize_reg_no(k) == k for k in keys)
    found = Register(register)
    for typed, day in (("01-31/C´3073", date(2025, 3, 5)), ("01-31/\u01063073", date(2025, 3, 5)),
                       ("01-31/c\u0301 3073", date(2025, 3, 5)), ("01-31/ş12", date(2025, 3, 6)),
                       ("01-31/S \u0327 12", date(2025, 3, 6))):
        assert found.find_letter("BBGI", typed, day) is not None, typed
