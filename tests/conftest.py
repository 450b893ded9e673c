"""A small hand-made register for tests: two citizens' letters, one hostile unit and executor."""

from __future__ import annotations

import random
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings

from izle.data.clock import FixedClock
from izle.data.db import connect_write
from izle.data.i18n import set_language
from izle.data.identities import upsert_identity
from izle.data.schema import ensure_register, ensure_terminal

TODAY = date(2026, 11, 25)  # the test register's "today"; no test reads the real date

# Hypothesis's per-example deadline (200 ms) is a timed test: on a loaded machine a correct example
# fails it. The properties assert what the code does, never how fast; speed is benchmarks' work.
settings.register_profile("izle", deadline=None)
settings.load_profile("izle")


@pytest.fixture(autouse=True)
def default_language():
    """The catalog's language is process-wide (data.i18n): whatever a test switched it to, the
    next test starts in Azerbaijani, the default."""
    yield
    set_language("az")


def izle_app(register, **options):
    """İzlə as the tests run it: its own clock fixed at TODAY, its randomness seeded."""
    from izle.tui.app import IzleApp

    options.setdefault("clock", FixedClock(TODAY))
    options.setdefault("rng", random.Random(7))
    return IzleApp(register, **options)


HOSTILE_UNIT = "[bold]x[/] \x1b[31mRED"
HOSTILE_EXECUTOR = "[/] \x1b[2J Hacker [link=x]y"

AGENCIES = [
    ("DGK", "Dövlət Gömrük Komitəsi", "Государственный таможенный комитет", "State Customs Committee", None, "committee", 1),
    ("BBGI", "Bakı Baş Gömrük İdarəsi", "Главное таможенное управление Баку", "Baku Main Customs Department", "DGK", "main_office", 2),
    ("HNBGI", "Hava Nəqliyyatında Baş Gömrük İdarəsi", "Главное таможенное управление на воздушном транспорте", "Main Customs Department for Air Transport", "DGK", "main_office", 3),
    ("AGI", "Astara Gömrük İdarəsi", "Астаринское таможенное управление", "Astara Customs Department", "BBGI", "office", 4),
]
UNITS = [
    (1, "BBGI", "Gömrük nəzarəti idarəsi", "Управление таможенного контроля", "Customs Control Department"),
    (2, "BBGI", "Hüquq idarəsi", "Правовое управление", "Legal Department"),
    (3, "AGI", HOSTILE_UNIT, None, None),
    (4, "BBGI", "Gömrük ödənişlərinin inzibatçılığı və gömrük dəyərinin müəyyən edilməsi üzrə baş idarə",
     "Главное управление по администрированию таможенных платежей и определению таможенной стоимости",
     "Main Department for the Administration of Customs Payments and the Determination of Customs Value"),
]
EXECUTORS = [
    (1, 1, "Məmmədov Elvin Rauf oğlu", "+994 12 404 11 22"),
    (2, 2, "Əliyeva Günel Tofiq qızı", "+994 12 404 33 44"),
    (3, 3, HOSTILE_EXECUTOR, "+994 12 555 00 00"),
    (4, 4, "Əbdürrəhmanzadə-Qasımbəyli Səadət Nəsrəddin Məmmədhüseyn qızı", "+994 12 404 99 88 (daxili 1234)"),
]
CITIZEN_FIN, OTHER_FIN = "5ZK9Q2M", "7HT2LPA"
# id, agency, reg_no, reg_date, fin, name, status, unit, executor, answered_on
LETTERS = [
    (1, "BBGI", "01-31/3073", "2026-03-05", CITIZEN_FIN, "Həsənov Orxan Vaqif oğlu", "in_execution", 1, 1, None),
    (2, "BBGI", "02-14/118", "2026-10-12", CITIZEN_FIN, "Həsənov Orxan Vaqif oğlu", "answered", 2, 2, "2026-10-30"),
    (3, "BBGI", "01-31/4000", "2026-04-01", OTHER_FIN, "Quliyeva Səbinə Elşən qızı", "in_execution", 1, 1, None),
    (4, "AGI", "07-01/55", "2026-06-01", CITIZEN_FIN, "Həsənov Orxan Vaqif oğlu", "in_execution", 3, 3, None),
    (5, "BBGI", "05-22/2201", "2026-09-01", CITIZEN_FIN, "Həsənov Orxan Vaqif oğlu", "in_execution", 4, 4, None),
]
MOVEMENTS = [
    (1, 1, "2026-03-05", "registered", None, None, None),
    (1, 2, "2026-03-06", "in_execution", 1, 1, None),
    (2, 1, "2026-10-12", "registered", None, None, None),
    (2, 2, "2026-10-13", "in_execution", 2, 2, None),
    (2, 3, "2026-10-30", "answered", 2, 2, None),
    (4, 1, "2026-06-01", "in_execution", 3, 3, HOSTILE_UNIT),
    (5, 1, "2026-09-01", "registered", None, None, None),
    (5, 2, "2026-09-02", "in_execution", 1, 1, None),
    (5, 3, "2026-09-10", "in_execution", 2, 2, None),
    (5, 4, "2026-09-15", "in_execution", 4, 4, None),
]


@dataclass(frozen=True)
class Person:
    user_id: str
    phone: str
    phone_typed: str
    pin1: str
    fin: str
    name: str
    role: str


CITIZEN = Person("100001", "+994501234567", "050 123 45 67", "1234", CITIZEN_FIN, "Həsənov Orxan Vaqif oğlu", "citizen")
OTHER = Person("100002", "+994552223344", "055 222 33 44", "5678", OTHER_FIN, "Quliyeva Səbinə Elşən qızı", "citizen")
OPERATOR = Person("200001", "+994703334455", "070 333 44 55", "2468", "", "Operator Aysel", "operator")
ADMIN = Person("300001", "+994997776655", "099 777 66 55", "9999", "", "Admin Rauf", "admin")
PEOPLE = (CITIZEN, OTHER, OPERATOR, ADMIN)


def build_register(folder: Path) -> Path:
    from izle.data.deadlines import store_public_holidays

    register = folder / "register.db"
    ensure_register(register)
    conn = connect_write(register)
    with conn:
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO agencies (code, name_az, name_ru, name_en, parent_code, kind, sort) VALUES (?,?,?,?,?,?,?)", AGENCIES)
        conn.executemany("INSERT INTO units (id, agency_code, name_az, name_ru, name_en) VALUES (?,?,?,?,?)", UNITS)
        conn.executemany("INSERT INTO executors (id, unit_id, full_name, phone) VALUES (?,?,?,?)", EXECUTORS)
        for lid, agency, no, day, fin, name, status, unit, executor, answered in LETTERS:
            from izle.data.text import normalize_reg_no

            conn.execute(
                "INSERT INTO letters (id, agency_code, reg_no, reg_no_key, reg_date, channel, applicant_fin,"
                " applicant_name, status, unit_id, executor_id, answered_on) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (lid, agency, no, normalize_reg_no(no), day, "written", fin, name, status, unit, executor, answered),
            )
        conn.executemany("INSERT INTO movements VALUES (?,?,?,?,?,?,?)", MOVEMENTS)
        store_public_holidays(conn)  # as `izle demo`/`izle import` do: the TUI reads them there
    conn.close()
    ensure_terminal(folder / "terminal.db")
    state = connect_write(folder / "terminal.db")
    for p in PEOPLE:
        upsert_identity(state, user_id=p.user_id, phone=p.phone, fin=p.fin, full_name=p.name,
                        role=p.role, pin1=p.pin1)
    state.close()
    return register


def rows(database: Path, sql: str, *params) -> list[tuple]:
    """The rows a query gives, from a connection of its own."""
    conn = sqlite3.connect(database)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def dump(register: Path) -> list[list[tuple]]:
    """Every row of the register's data tables, in a fixed order (to compare two registers)."""
    return [rows(register, f"SELECT * FROM {table} ORDER BY 1, 2")
            for table in ("agencies", "units", "executors", "letters", "movements", "calendar")]


@pytest.fixture(scope="session")
def _template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("template")
    build_register(folder)
    return folder


@pytest.fixture
def register(_template, tmp_path) -> Path:
    """A fresh copy of the small register (and its terminal.db) for one test."""
    for name in ("register.db", "terminal.db"):
        shutil.copy(_template / name, tmp_path / name)
    return tmp_path / "register.db"


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory) -> tuple[bytes, bytes]:
    """A small demo register and its terminal.db, built once per worker."""
    from izle.data.demo import build_demo

    folder = tmp_path_factory.mktemp("small-demo")
    build_demo(folder / "register.db", folder / "terminal.db", letters=150)
    return (folder / "register.db").read_bytes(), (folder / "terminal.db").read_bytes()


@pytest.fixture
def small_demo(demo_files, tmp_path) -> Path:
    """A fresh copy of the small demo for one test: its register's path."""
    (tmp_path / "register.db").write_bytes(demo_files[0])
    (tmp_path / "terminal.db").write_bytes(demo_files[1])
    return tmp_path / "register.db"
