"""`izle demo`: a realistic synthetic register, deterministic for a seed, fast at any size.

The register is built in a temporary file beside the target and renamed onto it, so a kiosk
reading the old register never sees a half-built one (DESIGN §4). Letters are generated in
date order and streamed in chunks, so ten million letters never sit in memory at once.
The demo identities go into terminal.db by upsert: its audit log and other identities stay.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from izle.data.db import connect_write, fsync_path, remove_sqlite_files, transaction
from izle.data.demo_identities import CITIZENS, IDENTITIES, RESERVED_FINS, DemoIdentity  # noqa: F401
from izle.data.guard import RealRegister, RegisterKind, backup, register_kind
from izle.data.identities import get_identity, upsert_identity
from izle.data.schema import LETTER_INDEXES, REGISTER_MIGRATIONS, TERMINAL_MIGRATIONS, migrate
from izle.data.text import format_date, format_phone

FIRST_DAY = date(2025, 1, 1)
LAST_DAY = date(2026, 11, 20)  # the newest registration date
AS_OF = date(2026, 11, 24)  # the register's "today": no movement is later
MIN_LETTERS = 100  # room for the citizens' letters among the others
CHUNK = 50_000

# ---------------------------------------------------------------------------------------------
# Authorities, units and people: the fixed vocabulary the generator draws from.

# code, name_az, name_ru, name_en, parent_code, kind, sort, letter share (%)
AGENCIES = [
    ("DGK", "Dövlət Gömrük Komitəsi", "Государственный таможенный комитет",
     "State Customs Committee", None, "committee", 1, 30),
    ("BBGI", "Bakı Baş Gömrük İdarəsi", "Главное таможенное управление г. Баку",
     "Baku Main Customs Department", "DGK", "main_office", 10, 25),
    ("HNBGI", "Hava Nəqliyyatında Baş Gömrük İdarəsi",
     "Главное таможенное управление на воздушном транспорте",
     "Main Customs Department for Air Transport", "DGK", "main_office", 11, 15),
    ("QEBGI", "Qərb Ərazi Baş Gömrük İdarəsi", "Западное территориальное главное таможенное управление",
     "Western Territorial Main Customs Department", "DGK", "main_office", 12, 12),
    # Balakən lies in the west; no southern main office is among the confirmed authorities,
    # so Astara reports to Baku's.
    ("BGI", "Balakən Gömrük İdarəsi", "Балакенское таможенное управление",
     "Balakan Customs Department", "QEBGI", "office", 20, 9),
    ("AGI", "Astara Gömrük İdarəsi", "Астаринское таможенное управление",
     "Astara Customs Department", "BBGI", "office", 21, 9),
]

# Every authority has the citizens' reception unit first (index 01, case file 31: the public
# DGK number "01-31/3073" has that shape); the others are drawn from the rest in this order.
RECEPTION_UNIT = ("Vətəndaşların qəbulu və müraciətlərlə iş şöbəsi",
                  "Отдел приёма граждан и работы с обращениями",
                  "Citizens' Reception and Appeals Division")
OTHER_UNITS = [
    ("Gömrük nəzarəti idarəsi", "Управление таможенного контроля", "Customs Control Department"),
    ("Hüquq idarəsi", "Правовое управление", "Legal Department"),
    ("Gömrük ödənişləri şöbəsi", "Отдел таможенных платежей", "Customs Payments Division"),
    ("Kadrlar şöbəsi", "Отдел кадров", "Human Resources Division"),
    ("Aksiz mallarına nəzarət şöbəsi", "Отдел контроля подакцизных товаров",
     "Excise Goods Control Division"),
    ("Tarif tənzimlənməsi şöbəsi", "Отдел тарифного регулирования", "Tariff Regulation Division"),
    ("Gömrük dəyərinə nəzarət şöbəsi", "Отдел контроля таможенной стоимости",
     "Customs Value Control Division"),
    ("Qaçaqmalçılıqla mübarizə idarəsi", "Управление по борьбе с контрабандой",
     "Anti-Smuggling Department"),
    ("Gömrük rəsmiləşdirilməsi şöbəsi", "Отдел таможенного оформления", "Customs Clearance Division"),
    ("Post-gömrük auditi şöbəsi", "Отдел пост-таможенного аудита", "Post-Clearance Audit Division"),
    ("Gömrük statistikası şöbəsi", "Отдел таможенной статистики", "Customs Statistics Division"),
    ("Əqli mülkiyyət hüquqlarının müdafiəsi şöbəsi",
     "Отдел защиты прав интеллектуальной собственности",
     "Intellectual Property Rights Protection Division"),
    ("Ümumi şöbə", "Общий отдел", "General Division"),
    ("Maliyyə-təsərrüfat şöbəsi", "Финансово-хозяйственный отдел",
     "Finance and Administration Division"),
    ("İnformasiya texnologiyaları şöbəsi", "Отдел информационных технологий",
     "Information Technology Division"),
]

FORWARD_BODIES = [
    "Azərbaycan Respublikasının Vergilər Nazirliyi",
    "Azərbaycan Respublikasının İqtisadiyyat Nazirliyi",
    "Azərbaycan Respublikasının Daxili İşlər Nazirliyi",
    "Azərbaycan Respublikasının Dövlət Sərhəd Xidməti",
    "Azərbaycan Respublikasının Dövlət Miqrasiya Xidməti",
    "Azərbaycan Respublikasının Kənd Təsərrüfatı Nazirliyi",
    "Azərbaycan Respublikasının Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi",
    "Azərbaycan Respublikasının Mərkəzi Bankı",
    "Azərbaycan Qida Təhlükəsizliyi Agentliyi",
]

SURNAMES = (
    "Məmmədov Əliyev Həsənov Hüseynov Quliyev İsmayılov Abbasov Rzayev Kərimov Babayev Cəfərov "
    "Nəsirov Orucov Süleymanov Vəliyev Mustafayev Qasımov Rəhimov Bayramov Əhmədov İbrahimov "
    "Hacıyev Sadıqov Zeynalov Nağıyev Musayev Salmanov Allahverdiyev Novruzov Şükürov "
    "Məhərrəmov Paşayev Əsgərov Axundov Qurbanov Əzizov Tağıyev Hümbətov Yusifov Bağırov "
    "Əlizadə Rüstəmzadə Hüseynzadə"
).split()
MALE_NAMES = (
    "Elvin Rauf Tofiq Kamran Orxan Rəşad Elçin Vüqar Anar Fərid Tural Emin Nicat Ramil Səbuhi "
    "Elnur Mübariz Zaur Cavid İlqar Rövşən Namiq Fuad Ceyhun Samir Əli Hüseyn Murad Nail Vaqif "
    "Azər Rasim Elşən Yaşar İlham Şahin Tahir Natiq Kənan Ağasəlim"
).split()
FEMALE_NAMES = (
    "Günel Aysel Leyla Nigar Səbinə Aynur Könül Lalə Nərmin Sevinc Türkan Ülviyyə Fidan Gülnar "
    "Xədicə Zəhra Aytən Şəbnəm Rəna Vüsalə Elnarə Mehriban Səidə Nurlana Jalə Aygün Gülşən "
    "Nuranə İlahə Kəmalə"
).split()
# "-ov/-yev" take "-a" for women; "-zadə" does not change.
FEMALE_SURNAMES = [s + "a" if s.endswith("v") else s for s in SURNAMES]
FIN_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I and O, as on ID cards


# Statuses by age in days at AS_OF: recent letters wait, old ones are mostly answered.
# (max age, [(cumulative share, status), ...])
STATUS_BY_AGE = [
    (7, [(0.45, "registered"), (0.95, "in_execution"), (0.98, "forwarded"), (1.0, "attached")]),
    (25, [(0.05, "registered"), (0.65, "in_execution"), (0.73, "forwarded"), (0.78, "attached"),
          (1.0, "answered")]),
    (60, [(0.12, "in_execution"), (0.30, "extended"), (0.38, "forwarded"), (0.43, "attached"),
          (1.0, "answered")]),
    (10**6, [(0.01, "in_execution"), (0.02, "extended"), (0.08, "forwarded"), (0.12, "attached"),
             (1.0, "answered")]),
]
# Where in time a citizen's letter of a given status is placed (age range in days at AS_OF).
CITIZEN_AGE = {
    "registered": (4, 8), "in_execution": (8, 22), "extended": (26, 50),
    "forwarded": (15, 200), "attached": (15, 200), "answered": (60, 600),
}
CITIZEN_EXTRA = ["registered", "extended", "forwarded", "attached", "answered", "in_execution"]

LETTER_SQL = (
    "INSERT INTO letters (id, agency_code, reg_no, reg_no_key, reg_date, channel, applicant_fin,"
    " applicant_name, status, unit_id, executor_id, due_date, needs_study, extended_to,"
    " answered_on, forwarded_to, attached_to, updated_at)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
MOVEMENT_SQL = (
    "INSERT INTO movements (letter_id, seq, at, status, unit_id, executor_id, note)"
    " VALUES (?,?,?,?,?,?,?)"
)

Progress = Callable[[int], None]

# ---------------------------------------------------------------------------------------------
# Calendar: day numbers from FIRST_DAY, with working days for the due dates.


@dataclass
class _Calendar:
    iso: list[str]  # day number -> ISO date
    year: list[int]  # day number -> year
    reg_days: list[int]  # working days on which letters are registered
    due15: list[int]  # day number -> day number of the 15th working day after it
    due30: list[int]
    next_work: list[int]  # day number -> that day or the next working day
    as_of: int

    @classmethod
    def build(cls) -> _Calendar:
        import holidays  # only the demo builder needs it

        horizon = (AS_OF - FIRST_DAY).days + 150  # room for 30 working days + 30 days past AS_OF
        days = [FIRST_DAY + timedelta(d) for d in range(horizon)]
        off = holidays.country_holidays("AZ", years=range(FIRST_DAY.year, days[-1].year + 1))
        work = [d for d, day in enumerate(days) if day.weekday() < 5 and day not in off]
        as_of = (AS_OF - FIRST_DAY).days
        last = (LAST_DAY - FIRST_DAY).days

        def due(n: int) -> list[int]:
            return [work[bisect_right(work, d) + n - 1] for d in range(as_of + 1)]

        return cls(
            iso=[d.isoformat() for d in days], year=[d.year for d in days],
            reg_days=[d for d in work if d <= last], due15=due(15), due30=due(30),
            next_work=[work[bisect_left(work, d)] for d in range(horizon - 30)], as_of=as_of,
        )


# ---------------------------------------------------------------------------------------------
# The structure: units and executors of every authority.


@dataclass
class _Unit:
    id: int
    index: int  # within its authority: the "01" of "01-31/3073"
    file: int  # the case file for appeals: the "31"
    executors: list[tuple[int, str, str]]  # (id, full name, phone)


@dataclass
class _Agency:
    code: str
    units: list[_Unit]
    unit_pick: list[_Unit] = field(default_factory=list)  # weighted: reception most often
    recent: tuple | None = None  # the newest ordinary letter: what a later one is attached to


def _person(rng: random.Random) -> str:
    """A full name in official order: Surname Name Patronymic oğlu/qızı."""
    r = rng.random
    father = MALE_NAMES[int(r() * len(MALE_NAMES))]
    if r() < 0.5:
        return (f"{SURNAMES[int(r() * len(SURNAMES))]} {MALE_NAMES[int(r() * len(MALE_NAMES))]}"
                f" {father} oğlu")
    return (f"{FEMALE_SURNAMES[int(r() * len(FEMALE_SURNAMES))]}"
            f" {FEMALE_NAMES[int(r() * len(FEMALE_NAMES))]} {father} qızı")


def _structure(rng: random.Random) -> tuple[list[_Agency], list[tuple], list[tuple]]:
    """Units and executors of every authority, and their rows for the register."""
    agencies, unit_rows, executor_rows = [], [], []
    unit_id = executor_id = 0
    for code, *_ in AGENCIES:
        count = rng.randint(5, 12)
        picked = sorted(rng.sample(range(len(OTHER_UNITS)), count - 1))
        units = []
        for index, names in enumerate([RECEPTION_UNIT] + [OTHER_UNITS[i] for i in picked], 1):
            unit_id += 1
            unit = _Unit(unit_id, index, 31 if index == 1 else rng.randint(2, 48), [])
            for _ in range(rng.randint(2, 5)):
                executor_id += 1
                phone = (f"+994 12 4{rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"
                         f" {rng.randint(0, 99):02d}")
                name = _person(rng)
                unit.executors.append((executor_id, name, phone))
                executor_rows.append((executor_id, unit_id, name, phone, FIRST_DAY.isoformat()))
            unit_rows.append((unit_id, code, *names, FIRST_DAY.isoformat()))
            units.append(unit)
        # Most appeals go to the reception unit; the rest spread evenly.
        agency = _Agency(code, units, unit_pick=[units[0]] * (len(units) - 1) + units[1:])
        agencies.append(agency)
    return agencies, unit_rows, executor_rows


# ---------------------------------------------------------------------------------------------
# Letters and their movements.


@dataclass(frozen=True)
class _Planned:
    """A letter of a demo citizen, placed in advance among the generated ones."""

    agency: str
    status: str
    fin: str
    name: str


def _first_id(slot: int, letters: int, days: int) -> int:
    """The first letter id registered on the slot-th registration day (ids follow dates)."""
    return slot * letters // days + 1


def _id_range(cal: _Calendar, letters: int, young: int, old: int) -> tuple[int, int]:
    """The ids of the letters registered between `old` and `young` days before AS_OF."""
    first = bisect_right(cal.reg_days, cal.as_of - old - 1)
    last = bisect_right(cal.reg_days, cal.as_of - young) - 1
    days = len(cal.reg_days)
    return _first_id(first, letters, days), _first_id(last + 1, letters, days) - 1


def _free_id(rng: random.Random, taken: dict, lo: int, hi: int) -> int | None:
    if hi - lo >= 1000:  # plenty of room: a random pick is almost surely free
        while (lid := rng.randint(lo, hi)) in taken:
            pass
        return lid
    free = [i for i in range(lo, hi + 1) if i not in taken]
    return rng.choice(free) if free else None


def _plan_citizens(rng: random.Random, cal: _Calendar, letters: int) -> dict[int, _Planned]:
    """Pick the ids of the citizens' letters: spread over authorities, each status at its age."""
    taken: dict[int, _Planned] = {}
    for c, citizen in enumerate(CITIZENS):
        count = rng.randint(4, 8)
        statuses = ["in_execution", "answered"]
        statuses += [CITIZEN_EXTRA[(2 * c + k) % len(CITIZEN_EXTRA)] for k in range(count - 2)]
        for k, status in enumerate(statuses):
            young, old = CITIZEN_AGE[status]
            # A small register may have no free letter of that age: widen the range.
            while (lid := _free_id(rng, taken, *_id_range(cal, letters, young, old))) is None:
                young, old = young // 2, old * 2
            agency = AGENCIES[(c + k) % len(AGENCIES)][0]
            taken[lid] = _Planned(agency, status, citizen.fin, citizen.full_name)
    return taken


class _Letters:
    """Generates letters in date order, with running numbers per authority and year."""

    def __init__(self, rng: random.Random, cal: _Calendar, agencies: list[_Agency],
                 planned: dict[int, _Planned]) -> None:
        self.rng, self.r, self.cal, self.planned = rng, rng.random, cal, planned
        self.by_code = {a.code: a for a in agencies}
        self.agency_pick = [a for a, row in zip(agencies, AGENCIES) for _ in range(row[-1])]
        self.counters: dict[tuple[str, int], int] = {}
        self.triples = [a + b + c for a in FIN_ALPHABET for b in FIN_ALPHABET for c in FIN_ALPHABET]

    def chunks(self, letters: int, size: int = CHUNK) -> Iterator[tuple[list[tuple], list[tuple]]]:
        """(letter rows, movement rows), `size` letters at a time."""
        reg_days = self.cal.reg_days
        rows: list[tuple] = []
        moves: list[tuple] = []
        lid = 0
        for slot, day in enumerate(reg_days):
            for _ in range(_first_id(slot + 1, letters, len(reg_days)) - 1 - lid):
                lid += 1
                self._letter(lid, day, rows, moves)
                if len(rows) == size:
                    yield rows, moves
                    rows, moves = [], []
        if rows:
            yield rows, moves

    def _fin(self) -> str:
        r, t = self.r, self.triples
        while True:
            fin = t[int(r() * len(t))] + t[int(r() * len(t))] + FIN_ALPHABET[int(r() * 34)]
            if fin not in RESERVED_FINS:
                return fin

    def _status(self, age: int) -> str:
        x = self.r()
        for max_age, shares in STATUS_BY_AGE:
            if age <= max_age:
                for share, status in shares:
                    if x < share:
                        return status
        return "answered"

    def _letter(self, lid: int, day: int, rows: list[tuple], moves: list[tuple]) -> None:
        r, cal = self.r, self.cal
        plan = self.planned.get(lid)
        if plan:
            agency, status, fin, name = self.by_code[plan.agency], plan.status, plan.fin, plan.name
        else:
            agency = self.agency_pick[int(r() * len(self.agency_pick))]
            status, fin, name = self._status(cal.as_of - day), self._fin(), _person(self.rng)
        unit = agency.unit_pick[int(r() * len(agency.unit_pick))]
        executor = unit.executors[int(r() * len(unit.executors))]
        key = (agency.code, cal.year[day])
        number = self.counters[key] = self.counters.get(key, 0) + 1
        reg_no = f"{unit.index:02d}-{unit.file}/{number}"  # already in normalized form
        needs_study = 1 if r() < 0.2 else 0
        due = (cal.due30 if needs_study else cal.due15)[day]

        attached_to = None
        if status == "attached":
            if agency.recent is None:
                status = "in_execution"  # nothing earlier to attach to
            else:
                attached_to, earlier_fin, earlier_name, unit, executor = agency.recent
                if not plan:  # a repeated appeal: same person, same unit as the first one
                    fin, name = earlier_fin, earlier_name
        if not plan:  # citizens' letters stay theirs alone: nothing is attached to them
            agency.recent = (reg_no, fin, name, unit, executor)

        history, extended_to, answered_on, forwarded_to = self._history(
            status, day, due, agency, unit, executor, attached_to)
        rows.append((
            lid, agency.code, reg_no, reg_no, cal.iso[day], "electronic" if r() < 0.6 else "written",
            fin, name, status, unit.id, executor[0], None, needs_study,
            extended_to, answered_on, forwarded_to, attached_to, cal.iso[history[-1][0]],
        ))
        iso = cal.iso
        for seq, (at, st, unit_id, executor_id, note) in enumerate(history, 1):
            moves.append((lid, seq, iso[at], st, unit_id, executor_id, note))

    def _history(
        self, status: str, day: int, due: int, agency: _Agency, unit: _Unit, executor: tuple,
        attached_to: str | None,
    ) -> tuple[list[tuple], str | None, str | None, str | None]:
        """The movements ending in `status`; the letter's extended_to, answered_on, forwarded_to."""
        r, cal = self.r, self.cal
        history: list[tuple] = [(day, "registered", None, None, None)]

        def step(at: int, st: str, u: _Unit, e: tuple, note: str | None = None) -> int:
            # On a working day, never back in time, never past AS_OF (itself a working day).
            at = cal.next_work[min(max(at, history[-1][0]), cal.as_of)]
            history.append((at, st, u.id, e[0], note))
            return at

        extended_to = answered_on = forwarded_to = None
        if status == "registered":
            return history, None, None, None
        if status in ("forwarded", "attached"):
            at = day
            if r() < 0.5:
                at = step(day + int(r() * 3), "in_execution", unit, executor)
            if status == "forwarded":
                forwarded_to = FORWARD_BODIES[int(r() * len(FORWARD_BODIES))]
                step(at + 1 + int(r() * 10), "forwarded", unit, executor, forwarded_to)
            else:
                step(at + 1 + int(r() * 5), "attached", unit, executor, attached_to)
            return history, None, None, forwarded_to

        at = day + int(r() * 3)
        if r() < 0.12 and len(agency.units) > 1:  # sent first to the wrong unit, then moved
            other = agency.units[int(r() * len(agency.units))]
            if other is not unit:
                at = step(at, "in_execution", other, other.executors[0]) + 1 + int(r() * 5)
        at = step(at, "in_execution", unit, executor)
        if status == "extended" or (status == "answered" and r() < 0.1):
            step(due - int(r() * 4), "extended", unit, executor)
            new_due = cal.next_work[due + 10 + int(r() * 21)]
            extended_to = cal.iso[new_due]
            due = new_due
        if status == "answered":
            answered = step(at + 1 + int(r() * (due - at) * 1.1), "answered", unit, executor)
            answered_on = cal.iso[answered]
        return history, extended_to, answered_on, forwarded_to


# ---------------------------------------------------------------------------------------------
# Building the files.


def _load(conn: sqlite3.Connection, seed: int, letters: int, progress: Progress | None) -> None:
    rng = random.Random(seed)
    cal = _Calendar.build()
    agencies, unit_rows, executor_rows = _structure(rng)
    planned = _plan_citizens(rng, cal, letters)
    stamp = FIRST_DAY.isoformat()
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO agencies (code, name_az, name_ru, name_en, parent_code, kind, sort, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?)", [(*row[:7], stamp) for row in AGENCIES],
    )
    conn.executemany("INSERT INTO units (id, agency_code, name_az, name_ru, name_en, updated_at)"
                     " VALUES (?,?,?,?,?,?)", unit_rows)
    conn.executemany("INSERT INTO executors (id, unit_id, full_name, phone, updated_at)"
                     " VALUES (?,?,?,?,?)", executor_rows)
    done = 0
    for rows, moves in _Letters(rng, cal, agencies, planned).chunks(letters):
        conn.executemany(LETTER_SQL, rows)
        conn.executemany(MOVEMENT_SQL, moves)
        done += len(rows)
        if progress:
            progress(done)
    def hint(person) -> str:
        return json.dumps({"phone": format_phone(person.phone), "user_id": person.user_id,
                           "pin1": person.pin1}, ensure_ascii=False)

    operator = next(p for p in IDENTITIES if p.role == "operator")
    conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [
        ("kind", "demo"), ("seed", str(seed)), ("letters", str(letters)),
        ("as_of", AS_OF.isoformat()), ("demo_hint", hint(CITIZENS[0])),
        ("demo_hint_operator", hint(operator)),
    ])
    conn.execute("COMMIT")


def _build_register(path: Path, seed: int, letters: int, progress: Progress | None) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        migrate(conn, REGISTER_MIGRATIONS)
        # A throw-away file: no journal, no fsync, no foreign key checks while loading, and
        # the letter indexes built once at the end instead of maintained row by row.
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA cache_size = -131072")  # 128 MB for the index sorts
        conn.execute("PRAGMA threads = 2")
        for name in LETTER_INDEXES:
            conn.execute(f"DROP INDEX IF EXISTS {name}")
        _load(conn, seed, letters, progress)
        for sql in LETTER_INDEXES.values():
            conn.execute(sql)
        conn.execute("PRAGMA journal_mode = WAL")  # what readers of the register expect
    finally:
        conn.close()
    fsync_path(path)  # the data is on disk before the rename makes it the register


def _store_identities(state: Path) -> None:
    """Add the demo identities that are missing; one an administrator changed (a new PIN1, a
    block) stays as it is."""
    conn = connect_write(state)
    try:
        migrate(conn, TERMINAL_MIGRATIONS)
        with transaction(conn):
            for who in IDENTITIES:
                if get_identity(conn, who.user_id) is None:
                    upsert_identity(conn, user_id=who.user_id, phone=who.phone, fin=who.fin,
                                    full_name=who.full_name, role=who.role, pin1=who.pin1)
    finally:
        conn.close()


def _audit_replacement(state: Path, register: Path, kept: Path, actor: str) -> None:
    """The audit row of a real register replaced by a demo (written before it is replaced)."""
    import socket

    from izle.data.audit import append

    conn = connect_write(state)
    try:
        migrate(conn, TERMINAL_MIGRATIONS)
        append(conn, terminal=socket.gethostname(), mode="admin", actor=actor,
               action="demo_replaced_register", outcome="ok",
               query={"register": str(register), "backup": str(kept)})
    finally:
        conn.close()


def guard_register(register: Path, state: Path, *, force: bool, actor: str) -> Path | None:
    """Refuse (RealRegister) to replace an administrator's register unless `force`; with it,
    keep a backup and audit the replacement. Returns the backup's path, if one was made."""
    if register_kind(register) != RegisterKind.REAL:
        return None
    if not force:
        raise RealRegister(register)
    kept = backup(register)
    _audit_replacement(state, register, kept, actor)
    return kept


_SAMPLE_SQL = """
SELECT a.code, a.name_az, l.reg_no, l.reg_date, l.applicant_fin, l.applicant_name,
       u.name_az, e.full_name, e.phone, l.status
FROM letters l
JOIN agencies a ON a.code = l.agency_code
LEFT JOIN units u ON u.id = l.unit_id
LEFT JOIN executors e ON e.id = l.executor_id
WHERE l.applicant_fin = ?
ORDER BY l.reg_date, l.id
"""


def _samples(register: Path) -> list[dict]:
    """Every letter of the demo citizens, read back from the built register."""
    conn = sqlite3.connect(register)  # read-write: closing it leaves no -wal/-shm behind
    try:
        samples = []
        for citizen in CITIZENS:
            for row in conn.execute(_SAMPLE_SQL, (citizen.fin,)):
                code, agency_name, reg_no, reg_date, fin, name, unit, executor, phone, status = row
                samples.append({
                    "agency": code, "agency_name": agency_name, "reg_no": reg_no,
                    "reg_date": format_date(reg_date), "owner_user_id": citizen.user_id,
                    "applicant_fin": fin, "applicant_surname": name.split()[0], "unit": unit,
                    "executor": executor, "executor_phone": phone, "status": status,
                })
        return samples
    finally:
        conn.close()


def _store_public_holidays(register: Path) -> None:
    """Azerbaijan's public holidays as rows of the calendar table (the TUI reads them there)."""
    from izle.data.deadlines import store_public_holidays

    conn = connect_write(register)
    try:
        with transaction(conn):
            store_public_holidays(conn)
    finally:
        conn.close()


def build_demo(register: Path, state: Path, *, letters: int = 3000, seed: int = 1,
               progress: Progress | None = None, force: bool = False,
               actor: str = "system") -> dict:
    """Build a demo register at `register` (replacing a demo one) and the demo identities in
    `state`. Over a register an administrator made it raises RealRegister unless `force`.

    Returns the DESIGN §5 contract: {"identities": [...], "samples": [...]}. `progress` is
    called with the number of letters written so far, after every chunk.
    """
    if letters < MIN_LETTERS:
        raise ValueError(f"a demo register needs at least {MIN_LETTERS} letters")
    register, state = Path(register), Path(state)
    guard_register(register, state, force=force, actor=actor)
    register.parent.mkdir(parents=True, exist_ok=True)
    tmp = register.with_name(register.name + ".tmp")
    remove_sqlite_files(tmp)
    try:
        _build_register(tmp, seed, letters, progress)
        _store_public_holidays(tmp)
    except BaseException:
        remove_sqlite_files(tmp)
        raise
    remove_sqlite_files(register, main=False)  # a stale -wal must never be replayed onto the new file
    os.replace(tmp, register)
    _store_identities(state)
    return listing(register)


def listing(register: Path) -> dict:
    """The DESIGN §5 contract for an existing register, built by nothing: the demo identities
    and the demo citizens' letters found in it."""
    return {
        "identities": [
            {"user_id": i.user_id, "phone": i.phone, "pin1": i.pin1, "fin": i.fin,
             "full_name": i.full_name, "role": i.role}
            for i in IDENTITIES
        ],
        "samples": _samples(register),
    }
