"""`izle import`: load the agency's records (CSV or JSON Lines) into the register.

One file is one transaction (`BEGIN IMMEDIATE ... COMMIT`): a killed import, even `kill -9`,
leaves the register as it was (SQLite's WAL ignores uncommitted frames), and readers such as a
running TUI keep reading the last committed register meanwhile, never blocked.

Every row is validated; a good row is upserted (the same file twice changes nothing, a changed
row updates its record), a bad one is refused and reported with its line in the file (the CSV
header is line 1) and column. A row is the full record: an optional column the file leaves out
or empty is stored empty. Control characters are stripped and reported as a warning.

Messages are English msgids with `{placeholders}`; the CLI translates them. A PIN is never
part of a message.

Speed (DESIGN §6: 1M letters within 3x the sqlite3 shell's `.import`) comes from facts
measured here (benchmarks/bench_import.py):
- binding `None` costs Python's sqlite3 an adapter lookup: empty values are bound as '' and
  turned into NULL by `nullif`, and columns that are never empty are bound bare;
- many rows go into one INSERT statement (numbered parameters, the time stamp bound once);
- a bulk load into an empty letters table drops its indexes and rebuilds them once (a sort
  beats a million random B-tree inserts, whose statement journal is costly too);
- letters take a quick path (cached dates, one dict look-up for unit and executor, C-speed
  `isprintable` for controls); the cyclic GC is off while millions of tuples come and go;
- on two CPUs, a second process validates most of a big file while this one validates the
  first eighth and then writes every row (Part, split_point, ValidatingChild).
"""

from __future__ import annotations

import csv
import gc
import io
import json
import marshal
import os
import re
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import astuple, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from data.db import connect_write
from data.schema import LETTER_INDEXES, ensure_register, ensure_terminal
from data.statuses import ANSWERED, ATTACHED, FORWARDED, N_, STATUSES
from data.text import normalize_fin, normalize_phone, normalize_reg_no, parse_date, strip_controls

# kind -> its columns in the order of DESIGN §4 (plus an agency's `sort` and a movement's
# `seq`, which the agency's records may carry), and the columns a file must have.
KINDS: dict[str, tuple[str, ...]] = {
    "agencies": ("code", "name_az", "name_ru", "name_en", "parent_code", "kind", "sort"),
    "units": ("id", "agency_code", "name_az", "name_ru", "name_en"),
    "executors": ("id", "unit_id", "full_name", "phone"),
    "identities": ("user_id", "phone", "fin", "full_name", "role", "pin1"),
    "letters": ("agency_code", "reg_no", "reg_date", "channel", "applicant_fin", "applicant_name",
                "status", "unit_id", "executor_id", "due_date", "needs_study", "extended_to",
                "answered_on", "forwarded_to", "attached_to"),
    "movements": ("agency_code", "reg_no", "reg_date", "at", "status", "unit_id", "executor_id",
                  "note", "seq"),
    "calendar": ("date", "kind", "note"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "agencies": ("code", "name_az"),
    "units": ("id", "agency_code", "name_az"),
    "executors": KINDS["executors"],
    "identities": KINDS["identities"],
    "letters": ("agency_code", "reg_no", "reg_date", "status"),
    "movements": ("agency_code", "reg_no", "reg_date", "at", "status"),
    "calendar": ("date", "kind"),
}
EXTENSIONS = (".csv", ".jsonl")
AGENCY_KINDS = ("committee", "main_office", "office")
CALENDAR_KINDS = ("workday", "holiday")
ROLES = ("citizen", "operator", "admin")
MULTILINE = {"note"}  # the only column where a newline or tab is kept
MAX_LEN = {"reg_no": 64, "attached_to": 64, "channel": 32, "code": 32, "note": 2000}
DEFAULT_MAX_LEN = 300
MIN_YEAR, MAX_YEAR = 1990, 2100
BATCH_ROWS = 10_000  # rows per write batch: memory stays flat, progress moves
BIG_FILE_ROWS = 100_000  # from here on: bulk load into an empty table, validation in parallel

Progress = Callable[[int, int, int], None]  # (rows read, bytes read, bytes in the file)


@dataclass(frozen=True)
class Problem:
    """One finding on one line; `reason` is an English msgid, `params` fill its placeholders."""

    line: int
    column: str
    reason: str
    params: dict = field(default_factory=dict)
    warning: bool = False


class FileProblem(Exception):
    """The file as a whole cannot be imported (the CLI exits with status 2)."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(reason.format(**params))
        self.reason, self.params = reason, params


@dataclass
class ImportResult:
    kind: str
    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    problems: list[Problem] = field(default_factory=list)
    committed: bool = False
    dry_run: bool = False
    strict: bool = False


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------------
# Reading: rows as lists of strings in the kind's column order, with their line numbers.

def check_file(path: Path, kind: str) -> None:
    if kind not in KINDS:
        raise FileProblem(N_("unknown kind {kind}; use one of: {kinds}"), kind=kind,
                          kinds=", ".join(KINDS))
    if path.suffix.lower() not in EXTENSIONS:
        raise FileProblem(N_("unsupported file type “{suffix}”: use .csv or .jsonl"),
                          suffix=path.suffix)
    if not path.is_file():
        raise FileProblem(N_("file not found: {path}"), path=str(path))


@dataclass(frozen=True)
class Part:
    """The rows of a file from byte `start` (where line `line` begins) up to line `stop`."""

    start: int = 0
    line: int = 1
    stop: int | None = None


WHOLE = Part()


def read_rows(path: Path, kind: str, problems: list[Problem],
              on_bytes: Callable[[int], None] | None = None,
              part: Part = WHOLE) -> Iterator[tuple[int, list[str]]]:
    """(line, values) for every data row; a row of the wrong shape comes with no values and
    its problem in `problems`."""
    csv_file = path.suffix.lower() == ".csv"
    try:
        header = _csv_header(path) if csv_file and part.start else None
        with open(path, "rb") as raw:
            raw.seek(part.start)
            f = io.TextIOWrapper(raw, encoding="utf-8-sig" if not part.start else "utf-8",
                                 newline="")
            if csv_file:
                yield from _csv_rows(f, kind, problems, on_bytes, part, header)
            else:
                yield from _jsonl_rows(f, kind, problems, on_bytes, part)
    except UnicodeDecodeError as e:
        raise FileProblem(N_("the file is not UTF-8 text ({error})"), error=str(e)) from None


def _csv_header(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return next(csv.reader(f), [])


def split_point(path: Path, fraction: float) -> Part | None:
    """Where a second reader may start, about `fraction` into the file: a line start outside
    any quoted value (an even number of quotes before it, as RFC 4180 doubles inner quotes)."""
    with open(path, "rb") as f:
        head = f.read(int(path.stat().st_size * fraction))
        head += f.readline()
        while head.count(b'"') % 2:
            more = f.readline()
            if not more:
                return None
            head += more
        if not f.read(1):
            return None  # nothing after it
    lines = head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n")
    return Part(start=len(head), line=lines + 1)


def _header(names: list[str], kind: str) -> list[int | None]:
    """Where each of the kind's columns is in the file's header (None: not there)."""
    columns = KINDS[kind]
    names = [n.strip().lower() for n in names]
    if dupes := sorted({n for n in names if names.count(n) > 1}):
        raise FileProblem(N_("duplicate columns: {columns}"), columns=", ".join(dupes))
    if unknown := [n for n in names if n not in columns]:
        raise FileProblem(N_("unknown columns: {columns}"), columns=", ".join(unknown))
    if missing := [c for c in REQUIRED[kind] if c not in names]:
        raise FileProblem(N_("missing columns: {columns}"), columns=", ".join(missing))
    return [names.index(c) if c in names else None for c in columns]


def _csv_rows(f, kind, problems, on_bytes, part: Part, header: list[str] | None
              ) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(f, strict=True)
    base = part.line - 1  # lines before the part
    try:
        if header is None:
            header = next(reader, None)
        if not header:
            raise FileProblem(N_("the file is empty: a header row naming the columns comes first"))
        index = _header(header, kind)
        in_order = index == list(range(len(index)))
        width, end, stop = len(header), base + reader.line_num, part.stop or sys.maxsize
        for row in reader:
            line, end = end + 1, base + reader.line_num  # a quoted value may span lines
            if line >= stop:
                return
            if not row:
                continue  # a blank line
            if len(row) != width:
                problems.append(Problem(line, "", N_("expected {expected} values, found {found}"),
                                        {"expected": width, "found": len(row)}))
                yield line, []
            else:
                yield line, row if in_order else [row[i] if i is not None else "" for i in index]
            if on_bytes is not None and not line & 0xFFF:
                on_bytes(f.buffer.tell())
    except csv.Error as e:
        raise FileProblem(N_("malformed CSV on line {line}: {error}"), line=base + reader.line_num,
                          error=str(e)) from None


def _jsonl_rows(f, kind, problems, on_bytes, part: Part) -> Iterator[tuple[int, list[str]]]:
    columns = KINDS[kind]
    stop = part.stop or sys.maxsize
    for line, text in enumerate(f, start=part.line):
        if line >= stop:
            return
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as e:
            raise FileProblem(N_("malformed JSON on line {line}: {error}"), line=line,
                              error=e.msg) from None
        if not isinstance(record, dict):
            raise FileProblem(N_("line {line} is not a JSON object"), line=line)
        bad = False
        for key in sorted(record.keys() - set(columns)):
            problems.append(Problem(line, str(key)[:40], N_("unknown column")))
            bad = True
        for column in columns:
            if isinstance(record.get(column), (dict, list)):
                problems.append(Problem(line, column, N_("not a plain value")))
                bad = True
        yield line, [] if bad else [_json_text(record.get(c)) for c in columns]
        if on_bytes is not None and not line & 0xFFF:
            on_bytes(f.buffer.tell())


def _json_text(value: object) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "1" if value else "0"
    return str(value)


# ---------------------------------------------------------------------------------------------
# Validation: one method per kind turns a row of strings into the values to store, or None.
# Empty values are returned as "" (stored as NULL by the writer's nullif).

_ASCII_KEY = re.compile(r"[0-9][0-9A-Z/-]{0,63}\Z")  # an already normalized number: no work
_FIN_SHAPE = re.compile(r"[0-9A-HJ-NP-Z]{7}\Z")
_CODE = re.compile(r"[A-Za-z0-9_-]+\Z")
_PHONE_JUNK = re.compile(r"[\s\-().]")
_ANY_PHONE = re.compile(r"(?:\+?994|0)?([1-9]\d{8})\Z")
_USER_ID = re.compile(r"\d{1,20}\Z")
_PIN = re.compile(r"\d{4,8}\Z")
_BOOLS = {"": 0, "0": 0, "1": 1, "false": 0, "true": 1, "no": 0, "yes": 1, "xeyr": 0, "bəli": 1}
_STATUSES = frozenset(STATUSES)
_BAD_DATE = N_("not a date (use YYYY-MM-DD or DD.MM.YYYY)")


@dataclass
class Refs:
    """What rows may refer to: the register's keys plus good rows earlier in the same file."""

    agencies: set[str] = field(default_factory=set)
    units: set[int] = field(default_factory=set)
    executors: dict[int, int] = field(default_factory=dict)  # executor id -> their unit's id


def load_refs(conn: sqlite3.Connection) -> Refs:
    return Refs(
        agencies={r[0] for r in conn.execute("SELECT code FROM agencies")},
        units={r[0] for r in conn.execute("SELECT id FROM units")},
        executors=dict(conn.execute("SELECT id, unit_id FROM executors").fetchall()),
    )


class Validator:
    """Checks rows of one kind; findings go to `problems`, `errors` counts the refusing ones."""

    def __init__(self, kind: str, refs: Refs, today: date, problems: list[Problem],
                 letter_id: Callable[[tuple], int | None] | None = None) -> None:
        self.kind, self.refs, self.problems = kind, refs, problems
        self.columns = KINDS[kind]
        self.today = today.isoformat()
        self.letter_id = letter_id  # movements: (agency, number key, date) -> the letter's id
        self.errors = 0
        self._row_errors = 0  # errors before the current row
        self._valid_dates: dict[str, str] = {}  # text -> ISO, for dates seen valid
        self._past_dates: dict[str, str] = {}  # the same, only those not after today
        self._agencies = refs.agencies
        # A letters file refers to the register only, so (unit, executor) as the file gives
        # them map straight to (unit id, executor id): an executor in their unit, an executor
        # alone (their unit is the letter's), a unit alone, or neither. Else: self.staff.
        self._staff = {(str(u), str(e)): (u, e) for e, u in refs.executors.items()}
        self._staff |= {("", str(e)): (u, e) for e, u in refs.executors.items()}
        self._staff |= {(str(u), ""): (u, "") for u in refs.units} | {("", ""): ("", "")}
        self.check: Callable[[int, list[str]], tuple] = getattr(self, kind)

    def row(self, line: int, values: list[str]) -> tuple | None:
        """The values to store for a row, or None when it is refused."""
        if not values:  # its shape was already reported by the reader
            return None
        if not "".join(values).isprintable():  # C speed; isprintable is False for controls
            values = self._cleaned(line, values)
        if self.kind != "letters":  # letters strip where needed, a million rows at a time
            values = list(map(str.strip, values))
        self._row_errors = self.errors
        result = self.check(line, values)
        return result if self.errors == self._row_errors else None

    def row_ok(self) -> bool:
        """No error so far in the current row."""
        return self.errors == self._row_errors

    # -- helpers: each reports its own problem and returns the clean value ("" when none) ---

    def fail(self, line: int, column: str, reason: str, **params: object) -> None:
        self.problems.append(Problem(line, column, reason, params))
        self.errors += 1

    def _cleaned(self, line: int, values: list[str]) -> list[str]:
        cleaned = []
        for column, value in zip(self.columns, values):
            clean = strip_controls(value)
            if column not in MULTILINE:
                clean = clean.replace("\n", " ").replace("\t", " ")
            if clean != value:
                self.problems.append(Problem(line, column, N_("control characters removed"),
                                             warning=True))
            cleaned.append(clean.strip())
        return cleaned

    # The helpers below strip their value: a letters row reaches them only when its quick
    # check failed, perhaps for a stray space.

    def required(self, line: int, column: str, value: str) -> bool:
        if not value.strip():
            self.fail(line, column, N_("a value is required"))
        return bool(value)

    def text(self, line: int, column: str, value: str, required: bool = False) -> str:
        value = value.strip()
        if not value:
            if required:
                self.fail(line, column, N_("a value is required"))
            return ""
        limit = MAX_LEN.get(column, DEFAULT_MAX_LEN)
        if len(value) > limit:
            self.fail(line, column, N_("longer than {max} characters"), max=limit)
        return value

    def date(self, line: int, column: str, value: str, required: bool = False,
             past: bool = False) -> str:
        """The ISO date; `past`: not after today."""
        value = value.strip()
        if not value:
            if required:
                self.fail(line, column, N_("a value is required"))
            return ""
        iso = self._valid_dates.get(value)
        if iso is None:
            iso = _iso_date(value)
            if iso is None:
                self.fail(line, column, _BAD_DATE)
                return ""
            self._valid_dates[value] = iso
            if iso <= self.today:
                self._past_dates[value] = iso
        if past and iso > self.today:
            self.fail(line, column, N_("date is in the future"))
        return iso

    def number(self, line: int, column: str, value: str, required: bool = False) -> int | str:
        value = value.strip()
        if not value:
            if required:
                self.fail(line, column, N_("a value is required"))
            return ""
        if value.isascii() and value.isdigit() and len(value) <= 18:
            return int(value)
        self.fail(line, column, N_("not a whole number"))
        return ""

    def agency(self, line: int, column: str, value: str, required: bool = True) -> str:
        value = value.strip()
        if not value:
            if required:
                self.fail(line, column, N_("a value is required"))
        elif value not in self.refs.agencies:
            self.fail(line, column, N_("unknown agency {value}"), value=value[:40])
        return value

    def unit(self, line: int, column: str, value: str, required: bool = False) -> int | str:
        unit = self.number(line, column, value, required)
        if unit != "" and unit not in self.refs.units:
            self.fail(line, column, N_("unknown unit {value}"), value=unit)
        return unit

    def staff(self, line: int, unit: int | str, value: str) -> tuple[int | str, int | str]:
        """(unit, executor): the executor must exist and work in the unit; no unit → theirs."""
        executor = self.number(line, "executor_id", value)
        if executor == "":
            return unit, ""
        home = self.refs.executors.get(executor)  # type: ignore[call-overload]
        if home is None:
            self.fail(line, "executor_id", N_("unknown executor {value}"), value=executor)
        elif unit != "" and home != unit:
            self.fail(line, "executor_id", N_("executor {executor} does not work in unit {unit}"),
                      executor=executor, unit=unit)
        return (home if unit == "" and home is not None else unit), executor

    def status(self, line: int, value: str) -> str:
        value = value.strip()
        if not value:
            self.fail(line, "status", N_("a value is required"))
        elif value not in _STATUSES:
            self.fail(line, "status", N_("unknown status {value}; use one of: {choices}"),
                      value=value[:40], choices=", ".join(STATUSES))
        return value

    def choice(self, line: int, column: str, value: str, choices: tuple[str, ...]) -> str:
        if value not in choices:
            self.fail(line, column, N_("must be one of: {choices}"), choices=", ".join(choices))
        return value

    def fin(self, line: int, column: str, value: str) -> str:
        value = value.strip()
        if not value or _FIN_SHAPE.match(value):
            return value
        fin = normalize_fin(value)
        if fin is None:
            self.fail(line, column, N_("not a FIN (7 letters and digits)"))
        return fin or ""

    def reg_no(self, line: int, value: str) -> tuple[str, str]:
        """(the number as printed, its register key)."""
        number = self.text(line, "reg_no", value, required=True)
        key = normalize_reg_no(number) if number else ""
        if number and not key:
            self.fail(line, "reg_no", N_("a value is required"))
        return number, key

    def not_before(self, line: int, column: str, value: str, reg_date: str) -> None:
        if value and reg_date and value < reg_date:
            self.fail(line, column, N_("earlier than the registration date"))

    def phone(self, line: int, value: str) -> str:
        """A mobile or a landline (an executor's desk phone: +994 12 404 11 22), for display."""
        if not self.required(line, "phone", value):
            return ""
        m = _ANY_PHONE.match(_PHONE_JUNK.sub("", value))
        if m is None:
            self.fail(line, "phone", N_("not a phone number"))
            return ""
        n = m.group(1)
        return f"+994 {n[:2]} {n[2:5]} {n[5:7]} {n[7:]}"

    def moment(self, line: int, value: str) -> str:
        """A movement's time: a date, or an ISO date and time."""
        if len(value) <= 10:
            return self.date(line, "at", value, required=True, past=True)
        try:
            stamp = datetime.fromisoformat(value)
        except ValueError:
            self.fail(line, "at", _BAD_DATE)
            return ""
        if not MIN_YEAR <= stamp.year <= MAX_YEAR:
            self.fail(line, "at", _BAD_DATE)
        elif stamp.date().isoformat() > self.today:
            self.fail(line, "at", N_("date is in the future"))
        return stamp.isoformat()

    # -- the kinds ----------------------------------------------------------------------------

    def agencies(self, line: int, v: list[str]) -> tuple:
        code, name_az, name_ru, name_en, parent, kind, sort = v
        if code and not _CODE.match(code):
            self.fail(line, "code", N_("not a code (letters, digits, - and _)"))
        code = self.text(line, "code", code, required=True)
        parent = self.agency(line, "parent_code", parent, required=False)
        kind = self.choice(line, "kind", kind or ("office" if parent else "committee"), AGENCY_KINDS)
        row = (code, self.text(line, "name_az", name_az, required=True),
               self.text(line, "name_ru", name_ru), self.text(line, "name_en", name_en),
               parent, kind, self.number(line, "sort", sort) if sort else line)
        if self.row_ok():
            self.refs.agencies.add(code)  # later rows may name it as their parent
        return row

    def units(self, line: int, v: list[str]) -> tuple:
        unit_id, agency, name_az, name_ru, name_en = v
        row = (self.number(line, "id", unit_id, required=True), self.agency(line, "agency_code", agency),
               self.text(line, "name_az", name_az, required=True),
               self.text(line, "name_ru", name_ru), self.text(line, "name_en", name_en))
        if self.row_ok():
            self.refs.units.add(row[0])  # type: ignore[arg-type]
        return row

    def executors(self, line: int, v: list[str]) -> tuple:
        executor_id, unit, full_name, phone = v
        row = (self.number(line, "id", executor_id, required=True),
               self.unit(line, "unit_id", unit, required=True),
               self.text(line, "full_name", full_name, required=True), self.phone(line, phone))
        if self.row_ok():
            self.refs.executors[row[0]] = row[1]  # type: ignore[index]
        return row

    def identities(self, line: int, v: list[str]) -> tuple:
        user_id, phone, fin, full_name, role, pin1 = v
        if not _USER_ID.match(user_id):
            self.fail(line, "user_id", N_("a user ID is 1 to 20 digits"))
        e164 = normalize_phone(phone)
        if e164 is None:
            self.fail(line, "phone", N_("not an Azerbaijani mobile number"))
        role = self.choice(line, "role", role, ROLES)
        if role == "citizen":
            self.required(line, "fin", fin)
        if not _PIN.match(pin1):  # never echo the PIN itself
            self.fail(line, "pin1", N_("PIN1 must be 4 to 8 digits"))
        return (user_id, e164, self.fin(line, "fin", fin),
                self.text(line, "full_name", full_name, required=True), role, pin1)

    def letters(self, line: int, v: list[str]) -> tuple:
        """A letter. A million of these come in one import, so each field first tries a quick
        check of the common case and calls the reporting helper only when that fails."""
        (agency, reg_no, reg_date, channel, fin, name, status, unit, executor, due, study,
         extended, answered, forwarded, attached) = v
        if agency not in self._agencies:
            agency = self.agency(line, "agency_code", agency)
        if _ASCII_KEY.match(reg_no):
            key = reg_no
        else:
            reg_no, key = self.reg_no(line, reg_no)
        past, valid = self._past_dates, self._valid_dates
        day = past.get(reg_date) or self.date(line, "reg_date", reg_date, True, True)
        if status not in _STATUSES:
            status = self.status(line, status)
        channel, name, forwarded, attached = (channel.strip(), name.strip(), forwarded.strip(),
                                              attached.strip())
        staff = self._staff.get((unit, executor))
        if staff is None:
            staff = self.staff(line, self.unit(line, "unit_id", unit), executor)
        due_date = due and (valid.get(due) or self.date(line, "due_date", due))
        extended_to = extended and (valid.get(extended) or self.date(line, "extended_to", extended))
        answered_on = answered and (past.get(answered)
                                    or self.date(line, "answered_on", answered, past=True))
        if (due_date and due_date < day or extended_to and extended_to < day
                or answered_on and answered_on < day):
            for column, value in (("due_date", due_date), ("extended_to", extended_to),
                                  ("answered_on", answered_on)):
                self.not_before(line, column, value, day)
        needs_study = _BOOLS.get(study)
        if needs_study is None:
            needs_study = _BOOLS.get(study.strip().lower())
            if needs_study is None:
                self.fail(line, "needs_study", N_("not yes or no (1/0)"))
        if fin and not _FIN_SHAPE.match(fin):
            fin = self.fin(line, "applicant_fin", fin)
        if len(channel) > 32 or len(name) > 300 or len(forwarded) > 300 or len(attached) > 64:
            for column, value in (("channel", channel), ("applicant_name", name),
                                  ("forwarded_to", forwarded), ("attached_to", attached)):
                self.text(line, column, value)
        if (status == ANSWERED and not answered_on or status == FORWARDED and not forwarded
                or status == ATTACHED and not attached):
            self.required(line, *{ANSWERED: ("answered_on", answered_on),
                                  FORWARDED: ("forwarded_to", forwarded),
                                  ATTACHED: ("attached_to", attached)}[status])
        unit_id, executor_id = staff
        return (agency, reg_no, key, day, channel, fin, name, status, unit_id, executor_id,
                due_date, needs_study, extended_to, answered_on, forwarded, attached)

    def movements(self, line: int, v: list[str]) -> tuple:
        agency, reg_no, reg_date, at, status, unit, executor, note, seq = v
        agency = self.agency(line, "agency_code", agency)
        _, key = self.reg_no(line, reg_no)
        day = self.date(line, "reg_date", reg_date, required=True, past=True)
        when = self.moment(line, at)
        self.not_before(line, "at", when, day)
        unit_id, executor_id = self.staff(line, self.unit(line, "unit_id", unit), executor)
        row = (self.number(line, "seq", seq), when, self.status(line, status), unit_id,
               executor_id, self.text(line, "note", note))
        letter = None
        if self.row_ok() and self.letter_id is not None:
            letter = self.letter_id((agency, key, day))
            if letter is None:
                self.fail(line, "reg_no", N_("no such letter in the register"))
        return (letter, *row)

    def calendar(self, line: int, v: list[str]) -> tuple:
        day, kind, note = v
        return (self.date(line, "date", day, required=True),
                self.choice(line, "kind", kind.lower(), CALENDAR_KINDS), self.text(line, "note", note))


def _iso_date(text: str) -> str | None:
    try:
        day = date.fromisoformat(text) if len(text) == 10 and text[4] == "-" else parse_date(text)
    except ValueError:
        return None
    return day.isoformat() if MIN_YEAR <= day.year <= MAX_YEAR else None


# ---------------------------------------------------------------------------------------------
# Validated rows in batches: here, or (big letter files) in a second process.

@dataclass
class Batch:
    values: list  # the good rows' values, one row after another: cheap to send and to bind
    read: int  # rows read in this batch
    refused: int  # of which refused
    position: int  # bytes of the file read so far


def validated_batches(path: Path, kind: str, refs: Refs, today: date, problems: list[Problem],
                      letter_id: Callable[[tuple], int | None] | None = None,
                      part: Part = WHOLE) -> Iterator[Batch]:
    validator = Validator(kind, refs, today, problems, letter_id)
    position = part.start
    read = refused = 0

    def at_byte(n: int) -> None:
        nonlocal position
        position = n

    values: list = []
    pending = 0
    check = validator.row
    for line, raw in read_rows(path, kind, problems, at_byte, part):
        read += 1
        row = check(line, raw)
        if row is None:
            refused += 1
            continue
        values += row
        pending += 1
        if pending >= BATCH_ROWS:
            yield Batch(values, read, refused, position)
            values, pending, read, refused = [], 0, 0, 0
    yield Batch(values, read, refused, path.stat().st_size if part.stop is None else position)


def _child_main() -> None:
    """The second process: validate a part of a file and append its batches to a file, one
    framed marshal message each (marshal is the fastest codec here), with a tick on stdout
    after each, so that it never waits for the writer."""
    import pickle

    gc.disable()  # a short life of millions of acyclic values: the cyclic GC would only cost
    path, kind, refs, today, part, out_fd = pickle.load(sys.stdin.buffer)
    problems: list[Problem] = []
    with os.fdopen(out_fd, "wb") as out:
        try:
            for batch in validated_batches(Path(path), kind, refs, today, problems, part=part):
                found = [astuple(p) for p in problems]
                problems.clear()
                _send(out, ("batch", batch.values, batch.read, batch.refused, batch.position, found))
        except FileProblem as e:
            _send(out, ("file", e.reason, e.params))
        except BrokenPipeError:  # the importing process is gone (killed): stop, quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)


def _send(out, message: tuple) -> None:
    payload = marshal.dumps(message)
    out.write(len(payload).to_bytes(8, "little") + payload)
    out.flush()
    sys.stdout.buffer.write(b".")  # one frame more is ready
    sys.stdout.buffer.flush()


class ValidatingChild:
    """validated_batches of a part of a file, computed by a second process (a plain
    `python -c`, no multiprocessing: nothing depends on how the caller's main module is
    written) while this one is busy; started at once, read with `batches()`.

    The batches go through a temporary file unlinked at once (POSIX): nothing is left
    behind, even after a `kill -9`."""

    def __init__(self, path: Path, kind: str, refs: Refs, today: date, part: Part) -> None:
        import pickle
        import subprocess
        import tempfile

        root = str(Path(__file__).resolve().parent.parent)  # where `data` is, installed or not
        path_list = [root, os.environ.get("PYTHONPATH", "")]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, path_list))}
        out_fd, name = tempfile.mkstemp(prefix="izle-import-")
        try:
            self.frames = open(name, "rb")  # a second opening: its own read position
        finally:
            os.unlink(name)
        self.process = subprocess.Popen(
            [sys.executable, "-c", "import data.importer as m; m._child_main()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, pass_fds=(out_fd,))
        os.close(out_fd)
        self.process.stdin.write(pickle.dumps((str(path), kind, refs, today, part, out_fd)))  # type: ignore[union-attr]
        self.process.stdin.close()  # type: ignore[union-attr]

    def batches(self, problems: list[Problem]) -> Iterator[Batch]:
        try:
            while self.process.stdout.read(1):  # type: ignore[union-attr]
                size = int.from_bytes(self.frames.read(8), "little")
                message = marshal.loads(self.frames.read(size))
                if message[0] == "file":
                    raise FileProblem(message[1], **message[2])
                _, values, read, refused, position, found = message
                problems.extend(Problem(*p) for p in found)
                yield Batch(values, read, refused, position)
            if self.process.wait():
                raise RuntimeError(f"the validating process failed (exit status {self.process.returncode})")
        finally:
            self.close()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.process.stdout.close()  # type: ignore[union-attr]
        self.frames.close()


# ---------------------------------------------------------------------------------------------
# Writing: upserts that touch a row only when a value really changed.

TABLES = {
    "agencies": ("agencies", ("code", "name_az", "name_ru", "name_en", "parent_code", "kind", "sort"),
                 ("code",)),
    "units": ("units", ("id", "agency_code", "name_az", "name_ru", "name_en"), ("id",)),
    "executors": ("executors", ("id", "unit_id", "full_name", "phone"), ("id",)),
    "letters": ("letters", ("agency_code", "reg_no", "reg_no_key", "reg_date", "channel",
                            "applicant_fin", "applicant_name", "status", "unit_id", "executor_id",
                            "due_date", "needs_study", "extended_to", "answered_on",
                            "forwarded_to", "attached_to"),
                ("agency_code", "reg_no_key", "reg_date")),
    "calendar": ("calendar", ("date", "kind", "note"), ("date",)),
}
STAMPED = {"agencies", "units", "executors", "letters"}  # tables with updated_at
# Columns a valid row always fills: bound bare, without the nullif that turns '' into NULL
# (a function call per value: a sixth of a million-letter load, measured).
ALWAYS_SET = {
    "agencies": {"code", "name_az", "kind", "sort"},
    "units": {"id", "agency_code", "name_az"},
    "executors": {"id", "unit_id", "full_name", "phone"},
    "letters": {"agency_code", "reg_no", "reg_no_key", "reg_date", "status", "needs_study"},
    "calendar": {"date", "kind"},
}


def insert_sql(kind: str, rows: int = 1, upsert: bool = True) -> str:
    """INSERT of `rows` rows ('' stored as NULL); an upsert updates a conflicting row only
    when one of its values really changed, so re-importing a file changes nothing.

    Parameters are numbered: ?1 is the time stamp, bound once for all the rows; then the
    rows' values in order."""
    table, columns, key = TABLES[kind]
    stamp = kind in STAMPED
    names = columns + (("updated_at",) if stamp else ())
    width = len(columns)
    bare = [c in ALWAYS_SET[kind] for c in columns]
    values = ", ".join(
        "(" + ", ".join([f"?{2 + r * width + c}" if bare[c] else f"nullif(?{2 + r * width + c}, '')"
                         for c in range(width)] + (["?1"] if stamp else [])) + ")"
        for r in range(rows))
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES {values}"
    if not upsert:
        return sql
    data = [c for c in columns if c not in key]
    sets = ", ".join(f"{c} = excluded.{c}" for c in data + (["updated_at"] if stamp else []))
    changed = " OR ".join(f"{c} IS NOT excluded.{c}" for c in data)
    return f"{sql} ON CONFLICT ({', '.join(key)}) DO UPDATE SET {sets} WHERE {changed}"


class TableWriter:
    """Writes validated rows of one table in multi-row statements (far fewer round trips).

    `bulk`: the table was empty, so its indexes are dropped, rows are plainly inserted and
    the indexes rebuilt once at the end (a later duplicate of a letter replaces the earlier).
    """

    def __init__(self, conn: sqlite3.Connection, kind: str, bulk: bool = False) -> None:
        self.conn, self.kind, self.bulk = conn, kind, bulk
        self.stamp = now_iso()  # ?1 (unused by the tables without updated_at)
        self.width = len(TABLES[kind][1])
        self.per_statement = max(1, 998 // self.width)  # SQLite's oldest limit: 999 variables
        self.many = insert_sql(kind, self.per_statement, upsert=not bulk)
        self.one = insert_sql(kind, upsert=not bulk)
        self.duplicates = 0
        if bulk:
            for name in LETTER_INDEXES:
                conn.execute(f"DROP INDEX IF EXISTS {name}")

    def write(self, values: list) -> None:
        """Write rows given as their values one after another."""
        stamp, step = [self.stamp], self.per_statement * self.width
        full = len(values) - len(values) % step
        for i in range(0, full, step):
            self.conn.execute(self.many, stamp + values[i:i + step])
        for i in range(full, len(values), self.width):
            self.conn.execute(self.one, stamp + values[i:i + self.width])

    def finish(self) -> None:
        if not self.bulk:
            return
        try:
            self.conn.execute(LETTER_INDEXES["letters_key"])
        except sqlite3.IntegrityError:  # the same letter twice in the file: the last one wins
            self.duplicates = self.conn.execute(
                "DELETE FROM letters WHERE rowid NOT IN (SELECT max(rowid) FROM letters"
                " GROUP BY agency_code, reg_no_key, reg_date)").rowcount
            self.conn.execute(LETTER_INDEXES["letters_key"])
        self.conn.execute(LETTER_INDEXES["letters_fin"])
        self.conn.execute(LETTER_INDEXES["letters_fin_date"])


class MovementWriter:
    """Movements are keyed by (letter, seq) when the file gives seq, else by (letter, at, status)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.added = self.updated = self.unchanged = 0

    def letter_id(self, key: tuple) -> int | None:
        row = self.conn.execute(
            "SELECT id FROM letters WHERE agency_code = ? AND reg_no_key = ? AND reg_date = ?", key
        ).fetchone()
        return row[0] if row else None

    def write(self, values: list) -> None:
        for letter_id, seq, *row in zip(*[iter(values)] * 7):
            self.write_one(letter_id, seq, tuple(v if v != "" else None for v in row))

    def write_one(self, letter_id: int, seq: int | str, new: tuple) -> None:
        conn, (at, status) = self.conn, new[:2]
        if seq == "":
            found = conn.execute("SELECT seq FROM movements WHERE letter_id = ? AND at = ?"
                                 " AND status = ? ORDER BY seq LIMIT 1",
                                 (letter_id, at, status)).fetchone()
            seq = found[0] if found else conn.execute(
                "SELECT ifnull(max(seq), 0) + 1 FROM movements WHERE letter_id = ?", (letter_id,)
            ).fetchone()[0]
        old = conn.execute("SELECT at, status, unit_id, executor_id, note FROM movements"
                           " WHERE letter_id = ? AND seq = ?", (letter_id, seq)).fetchone()
        if old is None:
            conn.execute("INSERT INTO movements (letter_id, seq, at, status, unit_id, executor_id,"
                         " note) VALUES (?, ?, ?, ?, ?, ?, ?)", (letter_id, seq, *new))
            self.added += 1
        elif tuple(old) != new:
            conn.execute("UPDATE movements SET at = ?, status = ?, unit_id = ?, executor_id = ?,"
                         " note = ? WHERE letter_id = ? AND seq = ?", (*new, letter_id, seq))
            self.updated += 1
        else:
            self.unchanged += 1


# ---------------------------------------------------------------------------------------------
# The whole file.

def import_file(
    register: Path, path: Path, kind: str, *, state: Path | None = None, strict: bool = False,
    dry_run: bool = False, progress: Progress | None = None, today: date | None = None,
) -> ImportResult:
    """Import one file of one kind; raises FileProblem when the file cannot be read at all."""
    path, register = Path(path), Path(register)
    check_file(path, kind)
    today = today or date.today()
    if kind == "identities":
        return _import_identities(Path(state or register.with_name("terminal.db")), path,
                                  strict=strict, dry_run=dry_run, today=today)
    ensure_register(register)
    conn = connect_write(register)
    big = kind == "letters" and _estimate_rows(path) >= BIG_FILE_ROWS
    try:
        _tune_for_bulk(conn)
        if big:
            # Every reference is checked against the register in this very transaction;
            # SQLite checking them again costs three index lookups a row.
            conn.execute("PRAGMA foreign_keys = OFF")
        result = _all_or_nothing(
            conn, lambda: _import_into(conn, path, kind, strict, dry_run, progress, today, big))
    finally:
        conn.close()
    return result


def _all_or_nothing(conn: sqlite3.Connection,
                    work: Callable[[], ImportResult]) -> ImportResult:
    """One transaction for the whole file: kept only when the result says so (not on --dry-run,
    nor when --strict met a bad row), rolled back on any error, so the register is never half-done."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work()
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT" if result.committed else "ROLLBACK")
    return result


def _tune_for_bulk(conn: sqlite3.Connection) -> None:
    # A large cache keeps a big transaction in memory instead of spilling it early; NORMAL is
    # WAL's durable-enough setting (a power cut may lose the last commit, never consistency).
    conn.execute("PRAGMA cache_size = -262144")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA temp_store = MEMORY")


def _import_into(conn: sqlite3.Connection, path: Path, kind: str, strict: bool, dry_run: bool,
                 progress: Progress | None, today: date, big: bool) -> ImportResult:
    """The whole file inside the open transaction; `big`: a big letters file (bulk paths)."""
    result = ImportResult(kind, dry_run=dry_run, strict=strict)
    problems = result.problems
    total = path.stat().st_size
    table = TABLES.get(kind)
    before = _count(conn, table[0]) if table else 0
    changes = conn.total_changes
    writer = TableWriter(conn, kind, bulk=big and before == 0) if table else MovementWriter(conn)
    with _without_gc():
        for batch in _batches(path, kind, load_refs(conn), today, problems, writer, big):
            result.read += batch.read
            result.refused += batch.refused
            if not (strict and result.refused):  # a refused file: keep checking, stop writing
                writer.write(batch.values)
            if progress:
                progress(result.read, batch.position, total)
    if isinstance(writer, TableWriter):
        writer.finish()
        accepted = result.read - result.refused
        result.added = _count(conn, table[0]) - before  # type: ignore[index]
        result.updated = conn.total_changes - changes - result.added - writer.duplicates
        result.unchanged = accepted - result.added - result.updated
    else:
        result.added, result.updated, result.unchanged = writer.added, writer.updated, writer.unchanged
    _finish(result)
    return result


PARENT_SHARE = 0.12  # of a big file, validated here while the second process does the rest:
# this process also writes every row, so the two finish together (measured on 1M letters)


def _batches(path: Path, kind: str, refs: Refs, today: date, problems: list[Problem],
             writer: TableWriter | MovementWriter, big: bool) -> Iterator[Batch]:
    """The file's validated batches, in file order; for a big letters file, the second process
    validates the bulk of it meanwhile."""
    if not big or _cores() < 2 or (split := split_point(path, PARENT_SHARE)) is None:
        letter_id = writer.letter_id if isinstance(writer, MovementWriter) else None
        yield from validated_batches(path, kind, refs, today, problems, letter_id)
        return
    child = ValidatingChild(path, kind, refs, today, split)
    try:
        yield from validated_batches(path, kind, refs, today, problems,
                                     part=Part(stop=split.line))
    except BaseException:
        child.close()
        raise
    yield from child.batches(problems)


def _cores() -> int:
    """CPUs this process may run on (POSIX only: the second process needs pass_fds). On one
    CPU a second process would only add the cost of sending the rows across."""
    if os.name != "posix":
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@contextmanager
def _without_gc() -> Iterator[None]:
    """Millions of short-lived, acyclic tuples would run the cyclic GC thousands of times for
    nothing (13 % of the import's time, measured)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _finish(result: ImportResult) -> None:
    """Commit unless a dry run; under --strict one refused row refuses the whole file."""
    if result.strict and result.refused:
        result.added = result.updated = result.unchanged = 0
        result.refused = result.read
    result.committed = not result.dry_run and not (result.strict and result.refused)


def _count(conn: sqlite3.Connection, table: str) -> int:
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _estimate_rows(path: Path) -> int:
    """Rows in the file, estimated from its first 64 KiB."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        sample = f.read(1 << 16)
    return size * sample.count(b"\n") // max(1, len(sample))


def _import_identities(state: Path, path: Path, *, strict: bool, dry_run: bool,
                       today: date) -> ImportResult:
    """Identities go to terminal.db; PIN1 is hashed, compared by hash, and never reported."""
    from data.identities import get_identity, pin_matches, upsert_identity

    result = ImportResult("identities", dry_run=dry_run, strict=strict)
    rows: list[tuple] = []
    for batch in validated_batches(path, "identities", Refs(), today, result.problems):
        rows += zip(*[iter(batch.values)] * len(KINDS["identities"]))
        result.read += batch.read
        result.refused += batch.refused
    _finish(result)
    ensure_terminal(state)
    conn = connect_write(state)
    try:
        # Compare outside the transaction: scrypt is slow, and the TUI writes this file too.
        plan = []
        for user_id, phone, fin, full_name, role, pin1 in rows:
            old = get_identity(conn, user_id)
            stored = conn.execute("SELECT pin1_hash FROM identities WHERE user_id = ?",
                                  (user_id,)).fetchone()
            same = (old is not None and (old.phone, old.fin, old.full_name, old.role)
                    == (phone, fin, full_name, role) and pin_matches(pin1, stored[0]))
            plan.append((old is None, same, dict(user_id=user_id, phone=phone, fin=fin,
                                                 full_name=full_name, role=role, pin1=pin1)))

        def apply() -> ImportResult:
            for new, same, values in plan if not (strict and result.refused) else []:
                if same:
                    result.unchanged += 1
                    continue
                upsert_identity(conn, **values)
                result.added += new
                result.updated += not new
            return result

        _all_or_nothing(conn, apply)
    finally:
        conn.close()
    return result
