"""Lists of letters: a citizen's own after login, an operator's search by applicant.

Stories through the app (Pilot), rules at the desk without Textual, and a property over random
registers: another person's letter never appears in a list.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.widgets import DataTable

from izle.data.db import connect_write
from izle.data.desk import Limits, Mode, Outcome
from izle.data.identities import upsert_identity
from izle.data.letters import Register
from izle.data.text import normalize_reg_no
from izle.screens.agency import AgencyScreen
from izle.screens.letters import ApplicantScreen, MyLettersScreen
from tests.conftest import (CITIZEN, LETTERS, CITIZEN_FIN, HOSTILE_UNIT, OPERATOR, OTHER_FIN, TODAY,
                            Person, izle_app)
from tests.pilot import audit_rows, log_in, screen_text, settle, text_of, type_into, showing_result
from tests.test_desk import log_in as desk_log_in
from tests.test_desk import make_desk

OWN = sum(1 for letter in LETTERS if letter[4] == CITIZEN.fin)  # the citizen's letters
SIZE = (100, 30)
NOBODY = Person("100009", "+994507770011", "050 777 00 11", "4321", "9QQ1AB2", "Nəbiyev Kamal", "citizen")


def keys(app) -> list[str]:
    table = app.screen.query_one("#my-letters", DataTable)
    return [str(row.value) for row in table.rows]


async def test_a_citizen_with_three_letters_opens_the_second_from_the_list_and_goes_back(register):
    with sqlite3.connect(register) as conn:  # the shared register gives this citizen a fourth
        conn.execute("DELETE FROM movements WHERE letter_id IN (SELECT id FROM letters WHERE reg_no = '05-22/2201')")
        conn.execute("DELETE FROM letters WHERE reg_no = '05-22/2201'")
    conn.close()
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, CITIZEN)
        await settle(pilot)
        for _ in range(300):  # the first page is painted a moment after the login (a bound)
            if isinstance(app.screen, MyLettersScreen) and len(keys(app)) == 3:
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, MyLettersScreen)
        assert keys(app) == ["BBGI|02-14/118|12.10.2026", "AGI|07-01/55|01.06.2026",
                             "BBGI|01-31/3073|05.03.2026"]  # newest first, only their own
        assert "Ast" in screen_text(app) and "Cavab" in screen_text(app)  # cut to 80 columns
        await pilot.press("down", "enter")
        await settle(pilot)
        assert showing_result(app)
        assert text_of(app, "#result-unit") == "[bold]x[/] [31mRED"  # data, not markup
        assert HOSTILE_UNIT.replace("\x1b", "") == text_of(app, "#result-unit")
        await pilot.press("f4")  # the list's own keys wait while a letter is open
        await pilot.pause()
        assert showing_result(app) and "f4" not in app.screen.active_bindings
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MyLettersScreen) and not showing_result(app)
        assert app.screen.query_one("#my-letters", DataTable).has_focus
        assert app.screen.query_one("#my-letters", DataTable).cursor_row == 1
        await pilot.press("f4")  # the seed's number-and-date path, one key away
        await pilot.pause()
        assert isinstance(app.screen, AgencyScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MyLettersScreen)
    listed = audit_rows(register, "list")
    assert [(r["actor"], r["outcome"], r["query"]["rows"]) for r in listed] == [(CITIZEN.user_id, "found", 3)]
    assert CITIZEN_FIN not in str(listed)
    opened = audit_rows(register, "lookup")[-1]
    assert (opened["outcome"], opened["query"]["via"], opened["query"]["reg_no"]) == ("found", "list", "07-01/55")


async def test_a_citizen_with_no_letters_reads_one_sentence_saying_how_to_search(register):
    state = connect_write(register.with_name("terminal.db"))
    upsert_identity(state, user_id=NOBODY.user_id, phone=NOBODY.phone, fin=NOBODY.fin,
                    full_name=NOBODY.name, role="citizen", pin1=NOBODY.pin1)
    state.close()
    app = izle_app(register, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, NOBODY)
        await settle(pilot)
        assert isinstance(app.screen, MyLettersScreen)
        assert text_of(app, "#my-letters-empty").startswith("There are no letters under your name")
        assert "“Another of my letters, by its receipt”" in text_of(app, "#my-letters-empty")
        assert "someone else" not in text_of(app, "#my-letters-empty")  # only their own FIN's
        assert keys(app) == []
        await pilot.click("#track-other")
        await pilot.pause()
        assert isinstance(app.screen, AgencyScreen)
    assert audit_rows(register, "list")[-1]["outcome"] == "empty"


async def operator_search(pilot, fin: str, surname: str) -> None:
    await pilot.press("f4")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ApplicantScreen)
    await type_into(pilot, "#applicant-fin", fin)
    await type_into(pilot, "#applicant-surname", surname)
    await pilot.click("#find-applicant")
    await settle(pilot)


async def test_an_operator_with_a_matching_fin_and_surname_sees_the_list_and_opens_one(register):
    app = izle_app(register, mode="operator", lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, OPERATOR)
        assert isinstance(app.screen, AgencyScreen)
        await operator_search(pilot, CITIZEN_FIN.lower(), "Гасанов")  # the Russian spelling
        assert len(keys(app)) == OWN and text_of(app, "#applicant-error") == ""
        await pilot.press("enter")
        await settle(pilot)
        assert showing_result(app)
        assert "02-14/118" in text_of(app, "#result-title")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ApplicantScreen) and len(keys(app)) == OWN
    search = audit_rows(register, "search")
    assert [r["outcome"] for r in search] == ["found"]
    assert CITIZEN_FIN not in str(search) and "Гасанов" not in str(search)


async def test_an_operator_with_a_mismatching_surname_sees_nothing(register):
    app = izle_app(register, mode="operator", lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, OPERATOR)
        await operator_search(pilot, CITIZEN_FIN, "Həsənov")
        assert len(keys(app)) == OWN
        await type_into(pilot, "#applicant-surname", "Quliyeva")  # another applicant's surname
        await pilot.click("#find-applicant")
        await settle(pilot)
        assert keys(app) == [] and not app.screen.query_one("#my-letters").display
        assert text_of(app, "#applicant-error").startswith("The applicant could not be verified")
        assert "02-14/118" not in screen_text(app)
    assert [r["outcome"] for r in audit_rows(register, "search")] == ["found", "unverified"]


def test_searches_that_verify_nothing_count_as_misses_and_flag_a_burst(register):
    desk = make_desk(register, Mode.OPERATOR, limits=Limits(burst_misses=3))
    desk_log_in(desk, OPERATOR)
    answers = [desk.find_applicant(CITIZEN_FIN, "Quliyeva") for _ in range(3)]
    assert [a.outcome for a in answers] == [Outcome.UNVERIFIED] * 3
    assert answers[-1].consequence.value == "flagged"
    assert desk.store.misses_since(OPERATOR.user_id, "2000-01-01") == 3
    assert desk.more_letters(None).outcome is Outcome.FAILED  # nothing verified: nothing to page


def test_a_list_of_thousands_comes_a_page_at_a_time(register):
    conn = connect_write(register)
    with conn:
        conn.executemany(
            "INSERT INTO letters (agency_code, reg_no, reg_no_key, reg_date, applicant_fin,"
            " applicant_name, status) VALUES ('BBGI', ?, ?, ?, ?, 'Həsənov Orxan', 'registered')",
            [(f"9-{i}", normalize_reg_no(f"9-{i}"), (TODAY - timedelta(days=i % 700)).isoformat(), CITIZEN_FIN)
             for i in range(2000)])
    conn.close()
    desk = make_desk(register)
    desk_log_in(desk, CITIZEN)
    first = desk.my_letters()
    assert len(first.rows) == 50 and first.more
    seen, answer = list(first.rows), first
    while answer.more:
        answer = desk.more_letters(answer.rows[-1])
        seen.extend(answer.rows)
    assert len(seen) == 2000 + OWN and len({r.key for r in seen}) == 2000 + OWN
    assert [r.reg_date for r in seen] == sorted((r.reg_date for r in seen), reverse=True)
    plan = sqlite3.connect(register).execute(
        "EXPLAIN QUERY PLAN " + __import__("izle.data.letters", fromlist=["x"])._LIST_SQL,
        (CITIZEN_FIN, "9999-12-31", "9999-12-31", 1, 51)).fetchall()
    assert "letters_fin_date" in str(plan) and "TEMP B-TREE" not in str(plan)


FINS = ("AAAAAA1", "BBBBBB2", "CCCCCC3")
LETTER = st.tuples(st.sampled_from(FINS + (None, "")), st.integers(0, 400), st.integers(0, 3))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(letters=st.lists(LETTER, max_size=40), page=st.integers(1, 7), whose=st.sampled_from(FINS))
def test_another_persons_letter_never_appears(register, letters, page, whose):
    conn = connect_write(register)
    with conn:
        conn.execute("DELETE FROM movements")
        conn.execute("DELETE FROM letters")
        conn.executemany(
            "INSERT INTO letters (agency_code, reg_no, reg_no_key, reg_date, applicant_fin,"
            " applicant_name, status) VALUES (?, ?, ?, ?, ?, 'X Y', 'registered')",
            [(("BBGI", "AGI", "DGK", "HNBGI")[agency], f"N-{i}", f"N-{i}",
              (date(2020, 1, 1) + timedelta(days=day)).isoformat(), fin)
             for i, (fin, day, agency) in enumerate(letters)])
    conn.close()
    register_ = Register(register)
    shown, after = [], None
    while True:
        rows = register_.letters_of(whose, page, after)
        shown.extend(rows)
        if len(rows) < page:
            break
        after = rows[-1].position
    register_.close()
    expected = {f"N-{i}" for i, (fin, _d, _a) in enumerate(letters) if fin == whose}
    assert [r.reg_no for r in shown if r.reg_no not in expected] == []
    assert {r.reg_no for r in shown} == expected and len(shown) == len(expected)
