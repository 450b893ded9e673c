"""Validation: one method per kind turns a row of strings into the values to store, or None.

Empty values are returned as "" (stored as NULL by the writer's CASE).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from izle.data.importer.kinds import (AGENCY_KINDS, CALENDAR_KINDS, DEFAULT_MAX_LEN, KINDS, MAX_LEN,
                                 FREE_TEXT, MULTILINE, ROLES, Problem)
from izle.data.statuses import ANSWERED, ATTACHED, FORWARDED, STATUSES
from izle.data.i18n import N_
from izle.data.identities import valid_pin, valid_user_id
from izle.data.lost_letters import lost_letters
from izle.data.text import (FIN_SHAPE, MAX_YEAR, MIN_YEAR, az_lower, date_problem, has_controls, is_key,
                       normalize_desk_phone, normalize_fin, normalize_phone, normalize_reg_no,
                       parse_date, strip_controls)

_ASCII_KEY = re.compile(r"[0-9][0-9A-Z/-]{0,63}\Z")  # an already normalized number: no work
# yes/no as an office writes it in az, ru or en (compared after az_lower).
_BOOLS = {"": 0, "0": 0, "1": 1, "false": 0, "true": 1, "no": 0, "yes": 1, "xeyr": 0, "bəli": 1,
          "yox": 0, "hə": 1, "нет": 0, "да": 1}
_LOST_LETTERS = N_("“{value}” has “?” or “�” where letters stood: they were lost when the file"
                   " was saved. Save it again as “CSV UTF-8” (or give the --encoding it was"
                   " saved in) and import it again")
_STATUSES = frozenset(STATUSES)
_STATUS = {status: status for status in STATUSES}  # the one str object of each status
_SURROGATE = re.compile("[\ud800-\udfff]")
_BAD_KEY = N_("not an id: letters and digits with “-”, “/”, “.” between them, at most 32")
_BAD_DATE = N_("not a date (use YYYY-MM-DD or DD.MM.YYYY)")


@dataclass
class Refs:
    """What rows may refer to: the register's keys plus good rows earlier in the same file."""

    agencies: set[str] = field(default_factory=set)
    units: set[str] = field(default_factory=set)
    executors: dict[str, str] = field(default_factory=dict)  # executor id -> their unit's id


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
        # The one str object of each agency code: a letter's code and status are the same
        # objects row after row, so marshal sends them as references and the writing process
        # loads a million rows with millions fewer strings (0.3 s less, measured).
        self._agency = {code: code for code in refs.agencies}
        # A letters file refers to the register only, so (unit, executor) as the file gives
        # them map straight to (unit id, executor id): an executor in their unit, an executor
        # alone (their unit is the letter's), a unit alone, or neither. Else: self.staff.
        self._staff = {(u, e): (u, e) for e, u in refs.executors.items()}
        self._staff |= {("", e): (u, e) for e, u in refs.executors.items()}
        self._staff |= {(u, ""): (u, "") for u in refs.units} | {("", ""): ("", "")}
        self.check: Callable[[int, list[str]], tuple] = getattr(self, kind)

    def row(self, line: int, values: list[str]) -> tuple | None:
        """The values to store for a row, or None when it is refused."""
        if not values:  # its shape was already reported by the reader
            return None
        self._row_errors = self.errors
        joined = "".join(values)
        if not joined.isprintable():  # C speed; isprintable is False for controls
            values = self._cleaned(line, values)
            if not self.row_ok():
                return None
        if "?" in joined or "\ufffd" in joined:  # C speed: the rare row that may have lost letters
            self._lost_letters(line, values)
            if not self.row_ok():
                return None
        if self.kind != "letters":  # letters strip where needed, a million rows at a time
            values = list(map(str.strip, values))
        result = self.check(line, values)
        return result if self.errors == self._row_errors else None

    def row_ok(self) -> bool:
        """No error so far in the current row."""
        return self.errors == self._row_errors

    # -- helpers: each reports its own problem and returns the clean value ("" when none) ---

    def fail(self, line: int, column: str, reason: str, params: dict | None = None,
             **more: object) -> None:
        self.problems.append(Problem(line, column, reason, {**(params or {}), **more}))
        self.errors += 1

    def _cleaned(self, line: int, values: list[str]) -> list[str]:
        """Control characters dropped from free text (with a warning); anywhere else (a NUL in
        a number, an ESC in an id) and a lone surrogate anywhere refuse the row: what is left
        after dropping them would be a value nobody wrote."""
        cleaned = []
        for column, value in zip(self.columns, values):
            if _SURROGATE.search(value):
                self.fail(line, column, N_("not valid text (a lone surrogate)"))
                continue
            if column not in FREE_TEXT and has_controls(value):
                self.fail(line, column, N_("contains a control character"))
                continue
            clean = strip_controls(value)
            if column not in MULTILINE:
                clean = clean.replace("\n", " ").replace("\t", " ")
            if clean != value:
                self.problems.append(Problem(line, column, N_("control characters removed"),
                                             warning=True))
            cleaned.append(clean.strip())
        return cleaned

    def _lost_letters(self, line: int, values: list[str]) -> None:
        for column, value in zip(self.columns, values):
            if lost_letters(value, column):
                self.fail(line, column, _LOST_LETTERS, value=value.strip()[:60])

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
                self.fail(line, column, *date_problem(value) or (_BAD_DATE, {}))
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

    def key(self, line: int, column: str, value: str, required: bool = False) -> str:
        """An id as the agency writes it: kept exactly (`01` is not `1`)."""
        value = value.strip()
        if not value:
            if required:
                self.fail(line, column, N_("a value is required"))
        elif not is_key(value):
            self.fail(line, column, _BAD_KEY)
            return ""
        return value

    def unit(self, line: int, column: str, value: str, required: bool = False) -> str:
        unit = self.key(line, column, value, required)
        if unit != "" and unit not in self.refs.units:
            self.fail(line, column, N_("unknown unit {value}"), value=unit)
        return unit

    def staff(self, line: int, unit: str, value: str) -> tuple[str, str]:
        """(unit, executor): the executor must exist and work in the unit; no unit → theirs."""
        executor = self.key(line, "executor_id", value)
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
        if not value or FIN_SHAPE.match(value):
            return value
        fin = normalize_fin(value)
        if fin is None:
            self.fail(line, column, N_("not a FIN: 7 Latin letters and digits, without I and O"))
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
        phone = normalize_desk_phone(value)
        if phone is None:
            self.fail(line, "phone", N_("not a phone number"))
        return phone or ""

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
            self.fail(line, "at", *date_problem(stamp.date().isoformat()) or (_BAD_DATE, {}))
        elif stamp.date().isoformat() > self.today:
            self.fail(line, "at", N_("date is in the future"))
        return stamp.isoformat()

    # -- the kinds ----------------------------------------------------------------------------

    def agencies(self, line: int, v: list[str]) -> tuple:
        code, name_az, name_ru, name_en, parent, kind, sort = v
        if code and not is_key(code):
            self.fail(line, "code", _BAD_KEY)
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
        row = (self.key(line, "id", unit_id, required=True), self.agency(line, "agency_code", agency),
               self.text(line, "name_az", name_az, required=True),
               self.text(line, "name_ru", name_ru), self.text(line, "name_en", name_en))
        if self.row_ok():
            self.refs.units.add(row[0])  # type: ignore[arg-type]
        return row

    def executors(self, line: int, v: list[str]) -> tuple:
        executor_id, unit, full_name, phone = v
        row = (self.key(line, "id", executor_id, required=True),
               self.unit(line, "unit_id", unit, required=True),
               self.text(line, "full_name", full_name, required=True), self.phone(line, phone))
        if self.row_ok():
            self.refs.executors[row[0]] = row[1]  # type: ignore[index]
        return row

    def identities(self, line: int, v: list[str]) -> tuple:
        user_id, phone, fin, full_name, role, pin1 = v
        if not valid_user_id(user_id):
            self.fail(line, "user_id", N_("a user ID is 1 to 20 digits"))
        e164 = normalize_phone(phone)
        if e164 is None:
            self.fail(line, "phone", N_("not an Azerbaijani mobile number"))
        role = self.choice(line, "role", role, ROLES)
        if role == "citizen":
            self.required(line, "fin", fin)
        if not valid_pin(pin1):  # never echo the PIN itself
            self.fail(line, "pin1", N_("PIN1 must be 4 to 8 digits"))
        return (user_id, e164, self.fin(line, "fin", fin),
                self.text(line, "full_name", full_name, required=True), role, pin1)

    def letters(self, line: int, v: list[str]) -> tuple:
        """A letter. A million of these come in one import, so each field first tries a quick
        check of the common case and calls the reporting helper only when that fails."""
        (agency, reg_no, reg_date, channel, fin, name, status, unit, executor, due, study,
         extended, answered, forwarded, attached) = v
        agency = self._agency.get(agency) or self.agency(line, "agency_code", agency)
        if _ASCII_KEY.match(reg_no):
            key = reg_no
        else:
            reg_no, key = self.reg_no(line, reg_no)
        past, valid = self._past_dates, self._valid_dates
        day = past.get(reg_date) or self.date(line, "reg_date", reg_date, True, True)
        status = _STATUS.get(status) or self.status(line, status)
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
            needs_study = _BOOLS.get(az_lower(study.strip()))
            if needs_study is None:
                self.fail(line, "needs_study",
                          N_("not yes or no: bəli/xeyr, да/нет, yes/no or 1/0"))
        if fin and not FIN_SHAPE.match(fin):
            fin = self.fin(line, "applicant_fin", fin)
        if len(channel) > 32 or len(name) > 300 or len(forwarded) > 300 or len(attached) > 64:
            for column, value in (("channel", channel), ("applicant_name", name),
                                  ("forwarded_to", forwarded), ("attached_to", attached)):
                self.text(line, column, value)
        if (status == ANSWERED and not answered_on or status == FORWARDED and not forwarded
                or status == ATTACHED and not attached):
            column, given = {ANSWERED: ("answered_on", answered), FORWARDED: ("forwarded_to", forwarded),
                             ATTACHED: ("attached_to", attached)}[status]
            if not given.strip():  # a given but bad date has its own problem already
                self.fail(line, column, N_("a value is required because the status is {status}"),
                          status=status)
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
