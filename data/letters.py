"""Reading the register: authorities and letters, as plain dataclasses for the screens.

The TUI opens register.db read-only, one connection per thread (lookups run in workers).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from izle.data import deadlines
from izle.data.clock import Clock, SystemClock
from izle.data.db import connect_read_only
from izle.data.demo_hint import demo_hint_key, parse_demo_hint
from izle.data.deadlines import Deadline, WorkCalendar
from izle.data.schema import COMPACT_KEY_SQL
from izle.data.text import has_separators, normalize_reg_no


@dataclass(frozen=True)
class Names:
    """A name in the three languages; missing translations fall back to Azerbaijani."""

    az: str
    ru: str | None = None
    en: str | None = None

    def get(self, lang: str) -> str:
        return getattr(self, lang, None) or self.az


@dataclass(frozen=True)
class Agency:
    code: str
    name: Names
    parent_code: str | None
    kind: str
    sort: int


@dataclass(frozen=True)
class Movement:
    at: date
    status: str
    unit: Names | None
    executor: str | None
    note: str | None


@dataclass(frozen=True)
class LetterView:
    agency: Agency
    reg_no: str
    reg_date: date
    channel: str | None
    applicant_name: str | None
    applicant_fin: str | None
    status: str
    unit: Names | None
    executor: str | None
    executor_phone: str | None
    due_date: date | None
    needs_study: bool
    extended_to: date | None
    answered_on: date | None
    forwarded_to: str | None
    attached_to: str | None
    movements: list[Movement] = field(default_factory=list)
    deadline: Deadline | None = None  # the legal deadline as of today (data.deadlines)


@dataclass(frozen=True)
class LetterRow:
    """One line of a list of letters ("my letters", an applicant's letters): enough to choose
    one, nothing more. `id` stays in data/ and the desk; the screens key rows by `key`."""

    id: int
    agency: Agency
    reg_no: str
    reg_date: date
    status: str
    deadline: Deadline | None

    @property
    def key(self) -> str:
        """`AGENCY|REG_NO|DD.MM.YYYY`, the row key of `#my-letters` (DESIGN §5)."""
        return f"{self.agency.code}|{self.reg_no}|{self.reg_date:%d.%m.%Y}"

    @property
    def position(self) -> tuple[str, int]:
        """Where the next page starts after this row (keyset pagination)."""
        return (self.reg_date.isoformat(), self.id)


# Both are called for every letter and movement shown, with few distinct values (days, units):
# cached, they cost a dictionary look-up. The cached objects are immutable, so sharing is safe.
@lru_cache(maxsize=8192)
def _date(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


@lru_cache(maxsize=4096)
def _names(az: str | None, ru: str | None, en: str | None) -> Names | None:
    return Names(az, ru, en) if az else None


DEADLINE_CACHE = 4096  # remembered deadlines per Register (a few hundred bytes each)

_LETTER_SQL = """
SELECT l.id, l.agency_code, l.reg_no, l.reg_date, l.channel, l.applicant_name, l.applicant_fin,
       l.status, l.due_date, l.needs_study, l.extended_to, l.answered_on, l.forwarded_to,
       l.attached_to, u.name_az, u.name_ru, u.name_en, e.full_name, e.phone
FROM letters l
LEFT JOIN units u ON u.id = l.unit_id
LEFT JOIN executors e ON e.id = l.executor_id
WHERE l.agency_code = ? AND l.reg_no_key = ? AND l.reg_date = ?
"""

_LETTER_BY_ID_SQL = _LETTER_SQL.split("WHERE")[0] + "WHERE l.id = ?"
# The same, for a number typed without separators: by the index on the compact key.
_LETTER_COMPACT_SQL = _LETTER_SQL.replace(
    "l.reg_no_key = ?", COMPACT_KEY_SQL.replace("reg_no_key", "l.reg_no_key") + " = ?")
_APPLICANT_SQL = ("SELECT id, applicant_fin, applicant_name FROM letters"
                  " WHERE agency_code = ? AND reg_no_key = ? AND reg_date = ?")
_APPLICANT_COMPACT_SQL = _APPLICANT_SQL.replace("reg_no_key = ?", COMPACT_KEY_SQL + " = ?")


@dataclass(frozen=True)
class Ambiguous:
    """The answer when a number typed without separators (a keypad's `01313073`) is the digits
    of more than one letter of one authority and day (01-31/3073 and 013-13/073): none is
    guessed; the person is asked for the number as printed, dashes and slashes included."""


AMBIGUOUS = Ambiguous()
CANDIDATES = 16  # same-digit letters of one authority and day read for the caller check, at most

_LIST_SQL = """
SELECT id, agency_code, reg_no, reg_date, status, due_date, needs_study, extended_to
FROM letters
WHERE applicant_fin = ? AND reg_date <= ? AND (reg_date < ? OR id < ?)
ORDER BY reg_date DESC, id DESC LIMIT ?
"""
_LIST_END = ("9999-12-31", 2 ** 63 - 1)  # a position after every letter: the first page

_MOVEMENTS_SQL = """
SELECT m.at, m.status, u.name_az, u.name_ru, u.name_en, e.full_name, m.note
FROM movements m
LEFT JOIN units u ON u.id = m.unit_id
LEFT JOIN executors e ON e.id = m.executor_id
WHERE m.letter_id = ? ORDER BY m.seq DESC
"""


class Register:
    """Read-only access to register.db, safe to call from worker threads."""

    def __init__(self, path: Path, clock: Clock | None = None) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._seen: tuple[int, int] | None = None  # the file last read (see _file)
        self._agencies: dict[str, Agency] | None = None
        self._today = (clock or SystemClock()).today
        self._calendar: WorkCalendar | None = None
        self._deadlines: dict[tuple, Deadline] = {}  # see _deadline

    def calendar(self) -> WorkCalendar:
        """Working days with the register's `calendar` overrides (loaded once)."""
        if self._calendar is None:
            rows = self._conn().execute("SELECT date, kind FROM calendar").fetchall()
            # The public holidays are rows of the table too (data/deadlines.py): no `holidays`.
            self._calendar = WorkCalendar({date.fromisoformat(d): kind for d, kind in rows},
                                          public=None)
        return self._calendar

    def warm_up(self) -> None:
        """Load now what the first lookup would otherwise wait for: the authorities and the
        working days of last, this and next year (from the register's calendar table).

        For a worker thread once the first screen is painted, never on the path to it.
        """
        self.agencies()
        calendar, year = self.calendar(), self._today().year
        for near in (year - 1, year, year + 1):
            calendar.workdays_of(near)

    def damage(self) -> str | None:
        """What `PRAGMA quick_check` finds wrong with the register's pages, or None when sound.

        It reads every page: for a worker after the first paint, never on the path to it."""
        try:
            rows = self._conn().execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError as error:
            return str(error)
        result = "; ".join(str(r[0]) for r in rows[:3])
        return None if result == "ok" else result

    def _deadline(self, status: str, reg_date: str, due_date: str | None, needs_study: bool,
                  extended_to: str | None) -> Deadline:
        """The letter's Deadline as of today, remembered: it depends only on these values.

        Counting working days is the costliest step of a lookup, and
        letters share a few thousand combinations of these values at most.
        """
        key = (status, reg_date, due_date, needs_study, extended_to, self._today())
        found = self._deadlines.get(key)
        if found is None:
            if len(self._deadlines) >= DEADLINE_CACHE:
                self._deadlines.clear()
            found = self._deadlines[key] = deadlines.deadline_for(
                status=status, reg_date=_date(reg_date),  # type: ignore[arg-type]
                source_due=_date(due_date), needs_study=needs_study,
                extended_to=_date(extended_to), today=key[-1], calendar=self.calendar(),
            )
        return found

    def _file(self) -> tuple[int, int] | None:
        """Which file the path names now. An administrator ships a new register by renaming
        it over the old one: an open connection would go on reading the old file for ever."""
        try:
            found = os.stat(self.path)
        except OSError:
            return None
        return found.st_dev, found.st_ino

    def _conn(self) -> sqlite3.Connection:
        current = self._file()
        if current != self._seen:  # replaced: what was cached belongs to the old register
            self._seen, self._agencies, self._calendar = current, None, None
            self._deadlines.clear()
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.file != current:
            if conn is not None:
                conn.close()
            conn = self._local.conn = connect_read_only(self.path)
            self._local.file, self._local.cursor = current, None
        return conn

    def _cursor(self) -> sqlite3.Cursor:
        """This thread's cursor for the lookups, giving plain tuples (faster than Row)."""
        conn = self._conn()
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._local.cursor = conn.cursor()
            cursor.row_factory = None
        return cursor

    def meta(self, key: str) -> str | None:
        row = self._conn().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def demo_hint(self, mode: str = "citizen") -> dict | None:
        """The demo identity shown on the login screen, only in a register built by `izle demo`:
        a citizen's, or in operator mode an operator's (the mode would refuse a citizen)."""
        if self.meta("kind") != "demo":
            return None
        return parse_demo_hint(self.meta(demo_hint_key(mode)))

    def agencies(self) -> list[Agency]:
        if self._agencies is None:
            rows = self._conn().execute(
                "SELECT code, name_az, name_ru, name_en, parent_code, kind, sort FROM agencies"
                " ORDER BY sort, name_az"
            ).fetchall()
            self._agencies = {
                r["code"]: Agency(r["code"], Names(r["name_az"], r["name_ru"], r["name_en"]),
                                  r["parent_code"], r["kind"], r["sort"] or 0)
                for r in rows
            }
        return list(self._agencies.values())

    def agency(self, code: str) -> Agency | None:
        if self._agencies is None:
            self.agencies()
        return self._agencies.get(code)  # type: ignore[union-attr]

    def find_letter(self, agency_code: str, reg_no: str,
                    reg_date: date) -> LetterView | Ambiguous | None:
        """The letter with this authority, number (any printed form) and registration date;
        AMBIGUOUS when the number, typed without separators, is the digits of several."""
        row = self._letter_row(agency_code, reg_no, reg_date)
        return row if row is None or row is AMBIGUOUS else self._view(row)  # type: ignore[arg-type]

    def find_citizen_letter(
        self, agency_code: str, reg_no: str, reg_date: date, fin: str
    ) -> LetterView | Ambiguous | None:
        """The citizen rule: a letter is found only when its applicant is this citizen.

        "No such letter", "wrong date" and "someone else's" are indistinguishable in content
        and in time: the FIN is part of the query, so all three are one index probe that finds
        nothing, and no row of another person is ever read. For the same reason AMBIGUOUS (the
        typed digits are those of several letters) speaks only of this citizen's own letters.
        """
        if not fin:
            return None
        rows = self._numbered(reg_no, agency_code, reg_date, _LETTER_SQL, _LETTER_COMPACT_SQL,
                              " AND l.applicant_fin = ?", (fin,), 2)
        if not rows:
            return None
        return self._view(rows[0]) if len(rows) == 1 else AMBIGUOUS

    def find_applicants(self, agency_code: str, reg_no: str,
                        reg_date: date) -> list[tuple[int, str | None, str | None]]:
        """(letter id, applicant FIN, applicant name) of each letter the number names: all the
        operator's caller check needs, so no detail of a letter is built before the caller is
        verified. One at most for a number with its separators; typed as digits only, every
        letter of that authority and day with those digits (up to CANDIDATES): which of them
        the caller may hear of is the caller check's to say (data/desk)."""
        return self._numbered(reg_no, agency_code, reg_date, _APPLICANT_SQL,
                              _APPLICANT_COMPACT_SQL, "", (), CANDIDATES)

    def _numbered(self, reg_no: str, agency_code: str, reg_date: date, exact: str, compact: str,
                  where: str, values: tuple, limit: int) -> list[tuple]:
        """The rows of `exact`/`compact` (plus `where` with `values`) that a typed number names.
        With its separators: the one letter printed so. Typed without: every letter with its
        digits — unless one of them is printed exactly as typed (a number with no separator on
        its receipt, `3073` beside `30-73`): nothing else could ever name that one."""
        day, cursor, key = reg_date.isoformat(), self._cursor(), normalize_reg_no(reg_no)
        if has_separators(key):
            return cursor.execute(exact + where + " LIMIT ?", (agency_code, key, day, *values, limit)).fetchall()
        # Without separators the key is its own compact key.
        rows = cursor.execute(compact + where + " LIMIT ?", (agency_code, key, day, *values, limit)).fetchall()
        if len(rows) < 2:
            return rows
        printed = cursor.execute(exact + where + " LIMIT 1", (agency_code, key, day, *values)).fetchall()
        return printed or rows

    def letters_of(self, fin: str, limit: int,
                   after: tuple[str, int] | None = None) -> list[LetterRow]:
        """The letters whose applicant has this FIN, newest first, `limit` of them from
        `after` (a LetterRow.position) on: keyset pagination over the index letters_fin_date,
        so the 1,000th page costs what the first does. Only this applicant's rows are read."""
        if not fin:
            return []
        reg_date, letter_id = after or _LIST_END
        rows = self._cursor().execute(_LIST_SQL, (fin, reg_date, reg_date, letter_id, limit)).fetchall()
        return [
            LetterRow(letter_id, self.agency(agency_code), number,  # type: ignore[arg-type]
                      _date(registered), status,  # type: ignore[arg-type]
                      self._deadline(status, registered, due, bool(needs_study), extended_to))
            for letter_id, agency_code, number, registered, status, due, needs_study, extended_to in rows
        ]

    def applicant_names(self, fin: str, limit: int = 20) -> list[str]:
        """The names the register holds for the applicant with this FIN (usually one)."""
        if not fin:
            return []
        return [name for (name,) in self._cursor().execute(
            "SELECT DISTINCT applicant_name FROM (SELECT applicant_name FROM letters"
            " WHERE applicant_fin = ? LIMIT 1000) WHERE applicant_name IS NOT NULL LIMIT ?",
            (fin, limit)).fetchall()]

    def letter(self, letter_id: int) -> LetterView | None:
        """The whole letter by its id, movements and deadline included."""
        row = self._cursor().execute(_LETTER_BY_ID_SQL, (letter_id,)).fetchone()
        return None if row is None else self._view(row)

    def _letter_row(self, agency_code: str, reg_no: str, reg_date: date) -> tuple | Ambiguous | None:
        rows = self._numbered(reg_no, agency_code, reg_date, _LETTER_SQL, _LETTER_COMPACT_SQL, "", (), 2)
        return (rows[0] if len(rows) == 1 else AMBIGUOUS) if rows else None

    def _view(self, row: tuple) -> LetterView:
        """The letter of a _LETTER_SQL row, with its movements and deadline."""
        (letter_id, agency_code, number, registered, channel, applicant_name, applicant_fin,
         status, due, needs_study, extended_to, answered_on, forwarded_to, attached_to,
         unit_az, unit_ru, unit_en, executor, executor_phone) = row
        movements = [
            Movement(_date(at), moved_to, _names(az, ru, en), who, note)  # type: ignore[arg-type]
            for at, moved_to, az, ru, en, who, note
            in self._cursor().execute(_MOVEMENTS_SQL, (letter_id,)).fetchall()
        ]
        return LetterView(
            agency=self.agency(agency_code),  # type: ignore[arg-type]
            reg_no=number, reg_date=_date(registered),  # type: ignore[arg-type]
            channel=channel, applicant_name=applicant_name, applicant_fin=applicant_fin,
            status=status, unit=_names(unit_az, unit_ru, unit_en), executor=executor,
            executor_phone=executor_phone, due_date=_date(due), needs_study=bool(needs_study),
            extended_to=_date(extended_to), answered_on=_date(answered_on),
            forwarded_to=forwarded_to, attached_to=attached_to, movements=movements,
            deadline=self._deadline(status, registered, due, bool(needs_study), extended_to),
        )

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
            self._local.cursor = None
