"""Reading the register: authorities and letters, as plain dataclasses for the screens.

The TUI opens register.db read-only, one connection per thread (lookups run in workers).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from data import deadlines
from data.db import connect_read_only
from data.deadlines import Deadline, WorkCalendar
from data.text import normalize_reg_no


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


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _names(az: str | None, ru: str | None, en: str | None) -> Names | None:
    return Names(az, ru, en) if az else None


_LETTER_SQL = """
SELECT l.id, l.agency_code, l.reg_no, l.reg_date, l.channel, l.applicant_name, l.applicant_fin,
       l.status, l.due_date, l.needs_study, l.extended_to, l.answered_on, l.forwarded_to,
       l.attached_to, u.name_az, u.name_ru, u.name_en, e.full_name, e.phone
FROM letters l
LEFT JOIN units u ON u.id = l.unit_id
LEFT JOIN executors e ON e.id = l.executor_id
WHERE l.agency_code = ? AND l.reg_no_key = ? AND l.reg_date = ?
"""

_MOVEMENTS_SQL = """
SELECT m.at, m.status, u.name_az, u.name_ru, u.name_en, e.full_name, m.note
FROM movements m
LEFT JOIN units u ON u.id = m.unit_id
LEFT JOIN executors e ON e.id = m.executor_id
WHERE m.letter_id = ? ORDER BY m.seq DESC
"""


class Register:
    """Read-only access to register.db, safe to call from worker threads."""

    def __init__(self, path: Path, today: Callable[[], date] | None = None) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._agencies: dict[str, Agency] | None = None
        self._today = today or deadlines.today
        self._calendar: WorkCalendar | None = None

    def calendar(self) -> WorkCalendar:
        """Working days with the register's `calendar` overrides (loaded once)."""
        if self._calendar is None:
            rows = self._conn().execute("SELECT date, kind FROM calendar").fetchall()
            self._calendar = WorkCalendar({date.fromisoformat(d): kind for d, kind in rows})
        return self._calendar

    def _deadline(self, row: sqlite3.Row) -> Deadline:
        return deadlines.deadline_for(
            status=row["status"], reg_date=_date(row["reg_date"]),  # type: ignore[arg-type]
            source_due=_date(row["due_date"]), needs_study=bool(row["needs_study"]),
            extended_to=_date(row["extended_to"]), today=self._today(), calendar=self.calendar(),
        )

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = connect_read_only(self.path)
        return conn

    def meta(self, key: str) -> str | None:
        row = self._conn().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def demo_hint(self) -> dict | None:
        """The demo identity shown on the login screen, only in a register built by `izle demo`."""
        raw = self.meta("demo_hint")
        return json.loads(raw) if raw else None

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
        self.agencies()
        return self._agencies.get(code)  # type: ignore[union-attr]

    def find_letter(self, agency_code: str, reg_no: str, reg_date: date) -> LetterView | None:
        """The letter with this authority, number (any printed form) and registration date."""
        conn = self._conn()
        row = conn.execute(
            _LETTER_SQL, (agency_code, normalize_reg_no(reg_no), reg_date.isoformat())
        ).fetchone()
        if row is None:
            return None
        movements = [
            Movement(_date(m[0]), m[1], _names(m[2], m[3], m[4]), m[5], m[6])  # type: ignore[arg-type]
            for m in conn.execute(_MOVEMENTS_SQL, (row["id"],))
        ]
        return LetterView(
            agency=self.agency(agency_code),  # type: ignore[arg-type]
            reg_no=row["reg_no"], reg_date=_date(row["reg_date"]),  # type: ignore[arg-type]
            channel=row["channel"], applicant_name=row["applicant_name"],
            applicant_fin=row["applicant_fin"], status=row["status"],
            unit=_names(row["name_az"], row["name_ru"], row["name_en"]),
            executor=row["full_name"], executor_phone=row["phone"],
            due_date=_date(row["due_date"]), needs_study=bool(row["needs_study"]),
            extended_to=_date(row["extended_to"]), answered_on=_date(row["answered_on"]),
            forwarded_to=row["forwarded_to"], attached_to=row["attached_to"],
            movements=movements, deadline=self._deadline(row),
        )

    def find_citizen_letter(
        self, agency_code: str, reg_no: str, reg_date: date, fin: str
    ) -> LetterView | None:
        """The citizen rule: a letter is found only when its applicant is this citizen.

        "No such letter", "wrong date" and "someone else's" are deliberately indistinguishable.
        """
        letter = self.find_letter(agency_code, reg_no, reg_date)
        if letter is None or not fin or letter.applicant_fin != fin:
            return None
        return letter

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
