"""Legal deadlines (Law No. 1308-IVQ Art. 10) in Azerbaijani working days, and the status sentences."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from izle.data.clock import FixedClock
from izle.data.deadlines import (
    Deadline, WorkCalendar, deadline_for, due_date, public_holidays, working_days_between,
)
from izle.data.importer import import_file
from izle.data.letters import Agency, LetterView, Names, Register
from izle.data.statuses import (
    CLOSED_STATUSES, DEADLINE_MARKERS, OVERDUE_SENTENCES, STATUS_SENTENCES, STATUS_TITLES, STATUSES, describe_deadline,
    explain,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "import"


# --- working days -------------------------------------------------------------------------

def test_registration_on_a_friday_counts_from_monday_and_skips_weekends():
    # 2026-10-02 is a Friday; October 2026 has no public holiday before the 18th (a Sunday).
    assert due_date(date(2026, 10, 2)) == date(2026, 10, 23)
    # Registered on a Saturday: Monday is still day 1.
    assert due_date(date(2026, 10, 3)) == date(2026, 10, 23)


def test_novruz_and_the_days_it_pushes_are_not_working_days():
    days_off = public_holidays(2026)
    novruz = {date(2026, 3, d) for d in (20, 23, 24, 25, 26, 27, 30)}  # weekdays off around Novruz
    assert novruz <= days_off
    # Registered 05.03.2026: day 1 is 6 March; 9 March (Women's Day, moved) and 20–30 March
    # are off, so the 15th working day is 7 April.
    assert due_date(date(2026, 3, 5)) == date(2026, 4, 7)
    calendar = WorkCalendar()
    assert calendar.count(date(2026, 3, 19), date(2026, 3, 31)) == 1


def test_a_cabinet_day_swap_from_the_calendar_table_moves_the_due_date():
    plain = due_date(date(2026, 10, 2))
    saturday_works = {date(2026, 10, 10): "workday"}
    monday_off = {date(2026, 10, 12): "holiday"}
    assert due_date(date(2026, 10, 2), calendar_overrides=saturday_works) == plain - timedelta(days=1)
    assert due_date(date(2026, 10, 2), calendar_overrides=monday_off) == date(2026, 10, 26)
    # The two halves of a swap cancel out when both lie inside the term.
    assert due_date(date(2026, 10, 2), calendar_overrides={**saturday_works, **monday_off}) == plain


def test_needs_study_gives_thirty_working_days():
    # Monday 9 and Tuesday 10 November are days off (Flag Day; Victory Day moved from Sunday);
    # 12 and 17 November are commemorated but worked.
    assert due_date(date(2026, 10, 2), needs_study=True) == date(2026, 11, 17)
    assert WorkCalendar().count(date(2026, 10, 2), date(2026, 11, 17)) == 30


def test_an_extension_is_honoured_but_capped_at_thirty_more_working_days():
    term = due_date(date(2026, 10, 2))
    assert due_date(date(2026, 10, 2), extended_to=date(2026, 11, 2)) == date(2026, 11, 2)
    cap = WorkCalendar().add(term, 30)
    assert due_date(date(2026, 10, 2), extended_to=date(2027, 6, 1)) == cap
    assert due_date(date(2026, 10, 2), extended_to=date(2026, 10, 20)) == term  # earlier: ignored
    # A due date given by the source replaces the computed term; the cap counts from it.
    assert due_date(date(2026, 10, 2), source_due=date(2026, 10, 30)) == date(2026, 10, 30)


def test_days_left_due_today_and_overdue():
    due = date(2026, 10, 23)  # a Friday
    assert working_days_between(date(2026, 10, 19), due) == 4
    assert working_days_between(due, due) == 0
    assert working_days_between(date(2026, 10, 26), due) == -1
    # The day after a Friday due date is overdue though no working day has passed: never 0.
    assert working_days_between(date(2026, 10, 24), due) == -1
    assert working_days_between(date(2026, 10, 30), due) == -5


def deadline(status: str, today: date, **values) -> Deadline:
    return deadline_for(status=status, reg_date=date(2026, 10, 2), source_due=None,
                        needs_study=False, extended_to=None, today=today, calendar=WorkCalendar(),
                        **values)


def test_deadline_states():
    assert deadline("in_execution", date(2026, 10, 19)) == Deadline(date(2026, 10, 23), 4, "open")
    assert deadline("registered", date(2026, 10, 23)).state == "due_today"
    late = deadline("extended", date(2026, 10, 27))
    assert (late.state, late.days_left, late.overdue_days) == ("overdue", -2, 2)
    for status in CLOSED_STATUSES:
        assert deadline(status, date(2027, 1, 1)) == Deadline(date(2026, 10, 23), None, "closed")


@given(st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)),
       st.integers(min_value=1, max_value=60))
def test_adding_n_working_days_then_counting_them_gives_n(start, n):
    calendar = WorkCalendar()
    end = calendar.add(start, n)
    assert calendar.is_workday(end)
    assert calendar.count(start, end) == n
    assert working_days_between(start, end, calendar) == n


def test_holidays_is_not_imported_until_a_deadline_is_computed():
    code = "import izle.data.deadlines, izle.data.letters, izle.data.statuses, sys; print('holidays' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_tuis_path_and_a_lookup_never_import_holidays(register):
    """The public holidays come from the register's calendar table, not from the package."""
    code = (
        "import sys, datetime\n"
        "import izle.tui.app, izle.screens.login, izle.screens.agency, izle.screens.lookup, izle.screens.result\n"
        "from izle.data.clock import FixedClock\n"
        "from izle.data.letters import Register\n"
        "r = Register(sys.argv[1], clock=FixedClock(datetime.date(2026, 9, 8)))\n"
        "r.warm_up()\n"
        "found = r.find_letter('BBGI', '01-31/3073', datetime.date(2026, 3, 5))\n"
        "assert found is not None and found.deadline is not None\n"
        "print('holidays' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code, str(register)], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_registers_public_holidays_count_like_the_package(register):
    """Novruz (20–24 March 2026 and the days moved after it) comes from the table alone."""
    calendar = Register(register).calendar()
    assert calendar.public is None
    assert calendar.count(date(2026, 3, 1), date(2026, 4, 30)) == WorkCalendar().count(
        date(2026, 3, 1), date(2026, 4, 30))
    assert not calendar.is_workday(date(2026, 3, 20))


def test_calendar_refresh_keeps_the_administrators_days(register):
    from click.testing import CliRunner

    from tests.conftest import rows
    from izle.tui.cli.run import run

    swap = ("2026-03-20", "workday", "Cabinet decision No. 1")  # a made-up swap onto Novruz
    conn = sqlite3.connect(register)
    with conn:
        conn.execute("DELETE FROM calendar WHERE date = ?", (swap[0],))
        conn.execute("INSERT INTO calendar VALUES (?, ?, ?)", swap)
    conn.close()
    result = CliRunner().invoke(run, ["calendar", "refresh", "--years", "2026", "--db", str(register)])
    assert result.exit_code == 0, result.output
    assert rows(register, "SELECT * FROM calendar WHERE date = ?", swap[0]) == [swap]
    generated = rows(register, "SELECT date FROM calendar WHERE note LIKE 'holidays:%'"
                               " AND date LIKE '2026-%'")
    assert ("2026-01-01",) in generated and len(generated) >= 10
    again = CliRunner().invoke(run, ["--lang", "en", "calendar", "refresh", "--years", "2026",
                                     "--db", str(register)])
    assert again.exit_code == 0
    assert f"2026–2026: 0 added, 0 removed, {len(generated)} unchanged." in again.output
    assert rows(register, "SELECT date FROM calendar WHERE note LIKE 'holidays:%'"
                          " AND date LIKE '2026-%'") == generated
    bad = CliRunner().invoke(run, ["calendar", "refresh", "--years", "soon", "--db", str(register)])
    assert bad.exit_code == 2


# --- the register's own calendar reaches the lookup ---------------------------------------

def test_a_lookup_shows_the_deadline_with_the_registers_day_swaps(tmp_path):
    register = tmp_path / "register.db"
    for kind, name in (("agencies", "agencies.csv"), ("units", "units.csv"),
                       ("executors", "executors.csv"), ("calendar", "calendar.csv")):
        import_file(register, FIXTURES / name, kind, today=date(2025, 12, 1))
    letters = tmp_path / "letters.csv"
    letters.write_text("agency_code,reg_no,reg_date,status,unit_id,executor_id\n"
                       "BBGI,01-31/1,2025-09-15,in_execution,1,1\n", encoding="utf-8")
    import_file(register, letters, "letters", today=date(2025, 12, 1))
    # Registered Monday 15.09.2025: the 15th working day is Monday 06.10.2025, but the
    # register's calendar makes Saturday 04.10 a working day (and 06.10 a day off).
    assert due_date(date(2025, 9, 15)) == date(2025, 10, 6)
    today = date(2025, 10, 1)
    found = Register(register, clock=FixedClock(today)).find_letter("BBGI", "01-31/1", date(2025, 9, 15))
    assert found is not None and found.deadline == Deadline(date(2025, 10, 4), 3, "open")
    late = Register(register, clock=FixedClock(date(2025, 10, 7))).find_letter(
        "BBGI", "01-31/1", date(2025, 9, 15))
    assert late is not None and late.deadline == Deadline(date(2025, 10, 4), -1, "overdue")


# --- statuses explain themselves ---------------------------------------------------------

AGENCY = Agency("BBGI", Names("Bakı Baş Gömrük İdarəsi", None, "Baku Main Customs Department"),
                "DGK", "main_office", 2)
LETTER = LetterView(
    agency=AGENCY, reg_no="01-31/3073", reg_date=date(2026, 10, 2), channel="written",
    applicant_name="Həsənov Orxan", applicant_fin="5ZK9Q2M", status="in_execution",
    unit=Names("Gömrük nəzarəti idarəsi", None, "Customs Control Department"), executor="Məmmədov Elvin",
    executor_phone="+994 12 404 11 22", due_date=None, needs_study=False, extended_to=None,
    answered_on=None, forwarded_to=None, attached_to=None,
)
OPEN = Deadline(date(2026, 10, 23), 4, "open")


def test_every_status_has_a_title_and_a_sentence():
    assert set(STATUS_TITLES) == set(STATUS_SENTENCES) == set(STATUSES)
    for status in STATUSES:
        title, sentence, values = explain(replace(LETTER, status=status, forwarded_to="X",
                                                  attached_to="Y", answered_on=date(2026, 10, 20)), OPEN)
        assert title == STATUS_TITLES[status] and sentence.format(**values)


def test_in_execution_names_the_unit_and_the_legal_date():
    title, sentence, values = explain(LETTER, OPEN, "en")
    assert title == "In execution"
    assert sentence.format(**values) == (
        "In execution at Customs Control Department; by law an answer is due by 23.10.2026.")
    late = Deadline(date(2026, 10, 23), -2, "overdue")
    assert explain(LETTER, late)[1] == OVERDUE_SENTENCES["in_execution"]


def test_without_a_unit_the_authority_is_named():
    _, sentence, values = explain(replace(LETTER, status="registered", unit=None), OPEN, "az")
    assert sentence.format(**values) == (
        "Registered on 02.10.2026 at Bakı Baş Gömrük İdarəsi; by law an answer is due by 23.10.2026.")


@pytest.mark.parametrize("changes, expected", [
    ({"status": "forwarded", "forwarded_to": "Dövlət Vergi Xidməti"},
     "Forwarded to Dövlət Vergi Xidməti, which will consider it and answer you."),
    ({"status": "attached", "attached_to": "01-31/2999"},
     "Attached to the earlier letter 01-31/2999; you will get one answer to both."),
    ({"status": "answered", "answered_on": date(2026, 10, 20)},
     "Answered on 20.10.2026; the answer has been sent to you."),
])
def test_closed_letters_name_the_body_the_earlier_letter_or_the_answers_date(changes, expected):
    closed = Deadline(date(2026, 10, 23), None, "closed")
    _, sentence, values = explain(replace(LETTER, **changes), closed)
    assert sentence.format(**values) == expected


def test_an_unknown_status_is_shown_as_recorded():
    title, sentence, values = explain(replace(LETTER, status="archived"), OPEN)
    assert title == "archived" and "“archived”" in sentence.format(**values)


@pytest.mark.parametrize("deadline, text", [
    (Deadline(date(2026, 10, 23), 4, "open"), "Due by 23.10.2026: 4 working days left"),
    (Deadline(date(2026, 10, 23), 1, "open"), "Due by 23.10.2026: 1 working day left"),
    (Deadline(date(2026, 10, 23), 0, "due_today"), "Due today, 23.10.2026"),
    (Deadline(date(2026, 10, 23), -3, "overdue"), "Due by 23.10.2026: overdue by 3 working days"),
    (Deadline(date(2026, 10, 23), None, "closed"), "Was due by 23.10.2026; handling here is complete"),
])
def test_the_deadline_line_has_a_marker_and_words_never_colour_alone(deadline, text):
    marker, singular, plural, n, values = describe_deadline(deadline)
    assert marker == DEADLINE_MARKERS[deadline.state]
    assert (singular if n == 1 else plural).format(**values) == text


def test_each_deadline_state_has_its_own_marker():
    assert len(set(DEADLINE_MARKERS.values())) == len(DEADLINE_MARKERS) == 4
    assert all(m.strip() for m in DEADLINE_MARKERS.values())
