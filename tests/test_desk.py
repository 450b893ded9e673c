"""The desk (data/desk.py): every rule of a session, tested without Textual.

Stories of one terminal: who may log in, what a lookup may show, how misses are counted
within a session and across restarts, and that each step leaves its audit row.
"""

from __future__ import annotations

import random
import threading
from dataclasses import replace
from datetime import date

import pytest

from izle.data.clock import FixedClock
from izle.data.db import connect_write
from izle.data.desk import (Consequence, Desk, FormProblem, Limits, LoginOutcome, LoginResult,
                       LookupRequest,
                       Mode, Outcome)
from izle.data.identities import unblock
from izle.data.letters import Register
from izle.data.mobile_id import EmulatedMobileId
from izle.data.terminal import TerminalStore
from tests.conftest import CITIZEN, OPERATOR, OTHER, TODAY, Person
from tests.pilot import audit_rows


def make_desk(register, mode: Mode = Mode.CITIZEN, clock: FixedClock | None = None,
              limits: Limits | None = None, register_class=Register) -> Desk:
    clock = clock or FixedClock(TODAY)
    store = TerminalStore(register.with_name("terminal.db"), clock, random.Random(3))
    provider = EmulatedMobileId(store, clock, random.Random(3))
    return Desk(register=register_class(register, clock=clock), store=store, provider=provider,
                clock=clock, mode=mode, terminal="T-1", limits=limits)


def log_in(desk: Desk, person: Person) -> LoginOutcome:
    """Through the seam as the login screen does: start, the phone answers, poll (or the
    refusal the desk gives before any code is sent)."""
    started = desk.start_login(person.phone, person.user_id)
    if isinstance(started, LoginResult):
        return started.outcome
    phone = desk.provider
    assert desk.poll_login(person.phone, person.user_id, started) is None  # still running
    assert phone.confirm(started.session_id)
    phone.enter_pin(started.session_id, person.pin1)
    return desk.poll_login(person.phone, person.user_id, started).outcome


def request(desk: Desk, number: str, day: str, caller: str = "") -> LookupRequest:
    checked = desk.check_lookup(desk.register.agency("BBGI"), number, day, caller)
    assert isinstance(checked, LookupRequest), checked
    return checked


def test_a_citizen_finds_their_own_letter_and_nothing_of_anyone_else(register):
    desk = make_desk(register)
    assert log_in(desk, CITIZEN) is LoginOutcome.OK
    own = desk.lookup(request(desk, "№ 01-31/3073", "05.03.2026"))
    assert own.outcome is Outcome.FOUND and own.letter.executor == "Məmmədov Elvin Rauf oğlu"
    others = desk.lookup(request(desk, "01-31/4000", "01.04.2026"))  # OTHER's letter, right date
    missing = desk.lookup(request(desk, "01-31/9999", "01.04.2026"))
    wrong_day = desk.lookup(request(desk, "01-31/3073", "06.03.2026"))
    assert [others.misses_left, missing.misses_left, wrong_day.misses_left] == [4, 3, 2]
    same = [replace(answer, misses_left=None) for answer in (others, missing, wrong_day)]
    assert same[0] == same[1] == same[2]  # one and the same answer, but for the count
    assert others.outcome is Outcome.MISS and others.letter is None
    lookups = audit_rows(register, "lookup")
    assert [r["outcome"] for r in lookups] == ["found", "miss", "miss", "miss"]
    assert all(r["actor"] == CITIZEN.user_id and r["terminal"] == "T-1" for r in lookups)


def test_the_fifth_miss_ends_a_citizens_session(register):
    desk = make_desk(register)
    log_in(desk, CITIZEN)
    answers = [desk.lookup(request(desk, f"00-00/{n}", "05.03.2026")) for n in range(5)]
    assert [a.consequence for a in answers] == [Consequence.NONE] * 4 + [Consequence.SESSION_ENDED]


def test_misses_are_counted_per_person_across_sessions_and_restarts(register):
    limits = Limits(session_misses=5, person_misses=8, slow_from=100)
    clock = FixedClock(TODAY)
    for _restart in range(2):  # a new Desk is a restarted terminal: only terminal.db remembers
        desk = make_desk(register, clock=clock, limits=limits)
        log_in(desk, CITIZEN)
        for n in range(4):
            desk.lookup(request(desk, f"00-00/{n}", "05.03.2026"))
        desk.end_session("user")
    desk = make_desk(register, clock=clock, limits=limits)
    log_in(desk, CITIZEN)
    refused = desk.lookup(request(desk, "01-31/3073", "05.03.2026"))  # even the right letter
    assert refused.outcome is Outcome.REFUSED and refused.letter is None
    clock.advance(limits.person_window + 1)  # a day later the person may look again
    assert desk.lookup(request(desk, "01-31/3073", "05.03.2026")).outcome is Outcome.FOUND
    # Another citizen at the same terminal was never limited by the first one's guesses.
    other = make_desk(register, clock=FixedClock(TODAY), limits=limits)
    log_in(other, OTHER)
    assert other.lookup(request(other, "01-31/4000", "01.04.2026")).outcome is Outcome.FOUND


def test_repeated_misses_slow_every_answer_down(register):
    clock = FixedClock(TODAY)
    desk = make_desk(register, clock=clock, limits=Limits(slow_from=2, slow_max=4.0, miss_answer=0))
    log_in(desk, CITIZEN)
    waited = []
    for n in range(5):
        before = clock.monotonic()
        desk.lookup(request(desk, f"00-00/{n}", "05.03.2026"))
        waited.append(clock.monotonic() - before)
    assert waited == [0, 0, 0.5, 1.0, 2.0]
    before = clock.monotonic()
    assert desk.lookup(request(desk, "01-31/3073", "05.03.2026")).outcome is Outcome.FOUND
    assert clock.monotonic() - before == 4.0  # a found letter waits too: time tells nothing


class CountingRegister(Register):
    """A register that counts how often a whole letter is built."""

    built = 0

    def _view(self, row):
        CountingRegister.built += 1
        return super()._view(row)


@pytest.mark.parametrize("stated, verified", [
    ("Həsənov", True), ("HƏSƏNOV", True), ("hesenov", True), ("Hasanov", True),
    ("Гасанов", True), ("5ZK9Q2M", True), ("Quliyeva", False), ("7HT2LPA", False),
])
def test_an_operator_sees_details_only_after_the_caller_check(register, stated, verified):
    CountingRegister.built = 0
    desk = make_desk(register, Mode.OPERATOR, register_class=CountingRegister)
    assert log_in(desk, OPERATOR) is LoginOutcome.OK
    answer = desk.lookup(request(desk, "01-31/3073", "05.03.2026", stated))
    assert answer.outcome is (Outcome.FOUND if verified else Outcome.UNVERIFIED)
    assert CountingRegister.built == (1 if verified else 0)  # nothing built for a wrong caller
    row = audit_rows(register, "lookup")[-1]
    assert row["query"]["check"] == ("match" if verified else "mismatch")
    assert stated not in str(row)  # only a keyed hash of what the caller said


def test_an_operators_sustained_burst_locks_lookups_until_an_admin_unlocks(register):
    limits = Limits(burst_misses=3, lock_misses=6, slow_from=100)
    desk = make_desk(register, Mode.OPERATOR, limits=limits)
    log_in(desk, OPERATOR)
    answers = [desk.lookup(request(desk, f"00-00/{n}", "05.03.2026", "Həsənov")) for n in range(6)]
    assert [a.consequence for a in answers] == [Consequence.NONE, Consequence.NONE, Consequence.FLAGGED,
                                                Consequence.NONE, Consequence.NONE, Consequence.LOCKED]
    # Locked across a restart, even for a letter that exists and a caller who matches.
    desk = make_desk(register, Mode.OPERATOR, limits=limits)
    log_in(desk, OPERATOR)
    assert desk.lookup(request(desk, "01-31/3073", "05.03.2026", "Həsənov")).outcome is Outcome.REFUSED
    conn = connect_write(register.with_name("terminal.db"))
    assert unblock(conn, OPERATOR.user_id)  # `izle identity unblock`: the supervisor's key
    conn.close()
    assert desk.lookup(request(desk, "01-31/3073", "05.03.2026", "Həsənov")).outcome is Outcome.FOUND
    flags = [r["outcome"] for r in audit_rows(register, "flag")]
    assert flags == ["miss_burst", "lookups_locked"]


def test_an_unlocked_operator_starts_afresh_and_locks_again_after_as_many_misses(register):
    """`izle identity unblock` forgives the misses that locked: the next miss does not lock
    again (they are all still within the hour), twelve more do."""
    clock = FixedClock(TODAY)
    limits = Limits(slow_from=100, miss_answer=0)  # the real lock: 12 misses within an hour
    desk = make_desk(register, Mode.OPERATOR, clock=clock, limits=limits)
    log_in(desk, OPERATOR)

    def miss(n: int) -> Consequence:
        clock.advance(10)  # all of it well within one hour
        return desk.lookup(request(desk, f"00-00/{n}", "05.03.2026", "Həsənov")).consequence

    assert [miss(n) for n in range(12)][-1] is Consequence.LOCKED
    assert desk.store.lookups_locked(OPERATOR.user_id)
    clock.advance(60)
    conn = connect_write(register.with_name("terminal.db"))
    assert unblock(conn, OPERATOR.user_id, now=clock.now())
    conn.close()
    assert not desk.store.lookups_locked(OPERATOR.user_id)
    assert miss(100) is not Consequence.LOCKED
    assert not desk.store.lookups_locked(OPERATOR.user_id)
    assert [miss(n) is Consequence.LOCKED for n in range(101, 112)] == [False] * 10 + [True]
    assert desk.store.lookups_locked(OPERATOR.user_id)
    assert desk.lookup(request(desk, "01-31/3073", "05.03.2026", "Həsənov")).outcome is Outcome.REFUSED
    assert [r["outcome"] for r in audit_rows(register, "flag")].count("lookups_locked") == 2


def test_a_pin_unblock_without_a_lock_forgives_no_misses(register):
    """Only lifting a lookup lock resets the count: unblocking PIN1 alone leaves it running."""
    clock = FixedClock(TODAY)
    desk = make_desk(register, Mode.OPERATOR, clock=clock, limits=Limits(slow_from=100, miss_answer=0))
    log_in(desk, OPERATOR)
    for n in range(11):
        desk.lookup(request(desk, f"00-00/{n}", "05.03.2026", "Həsənov"))
    conn = connect_write(register.with_name("terminal.db"))
    assert unblock(conn, OPERATOR.user_id, now=clock.now())
    conn.close()
    last = desk.lookup(request(desk, "00-00/11", "05.03.2026", "Həsənov"))
    assert last.consequence is Consequence.LOCKED


def test_an_unblock_leaves_a_citizens_misses_counted(register):
    """A citizen's misses per person run across sessions and an administrator's unblock alike."""
    clock = FixedClock(TODAY)
    limits = Limits(person_misses=7, session_misses=5, slow_from=100, miss_answer=0)
    desk = make_desk(register, clock=clock, limits=limits)
    log_in(desk, CITIZEN)
    for n in range(5):
        desk.lookup(request(desk, f"00-00/{n}", "05.03.2026"))
    conn = connect_write(register.with_name("terminal.db"))
    assert unblock(conn, CITIZEN.user_id, now=clock.now())
    conn.close()
    desk = make_desk(register, clock=clock, limits=limits)
    log_in(desk, CITIZEN)
    answers = [desk.lookup(request(desk, f"00-00/{n}", "05.03.2026")) for n in range(5, 8)]
    assert [a.consequence for a in answers] == [Consequence.NONE, Consequence.LOCKED, Consequence.LOCKED]
    assert answers[-1].outcome is Outcome.REFUSED


def test_operator_mode_refuses_a_citizen_and_says_so_in_the_audit(register):
    desk = make_desk(register, Mode.OPERATOR)
    assert isinstance(desk.start_login(CITIZEN.phone, CITIZEN.user_id), LoginResult)  # no code sent
    assert log_in(desk, CITIZEN) is LoginOutcome.ROLE_REFUSED
    assert desk.session is None
    assert audit_rows(register, "login")[-1]["outcome"] == "ROLE_REFUSED"


def test_no_session_without_its_audit_row(register):
    desk = make_desk(register)
    conn = connect_write(register.with_name("terminal.db"))
    conn.execute("CREATE TRIGGER full BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    conn.close()
    assert log_in(desk, CITIZEN) is LoginOutcome.NOT_RECORDED
    assert desk.session is None


@pytest.mark.parametrize("text, code", [
    ("", "empty"), ("31.02.2026", "no_such_date"), ("2026-13-01", "no_such_date"),
    ("26.11.2026", "future"), ("01.01.1990", "too_early"),
])
def test_a_date_is_checked_against_the_desks_clock(register, text, code):
    desk = make_desk(register, clock=FixedClock(date(2026, 11, 25)))
    problem = desk.check_date(text)
    assert isinstance(problem, FormProblem) and problem.problem.code == code
    assert desk.check_date("25.11.2026") == date(2026, 11, 25)  # today is not the future


@pytest.mark.parametrize("stated, applicant, same", [
    ("Aliyeva", "Əliyeva Günel Tofiq qızı", True), ("Алиева", "Əliyeva Günel Tofiq qızı", True),
    ("ALİYEVA", "Əliyeva Günel", True), ("Мамедов", "Məmmədov Elvin", True),
    ("Mammadov", "Məmmədov Elvin", True), ("Джафаров", "Cəfərov Anar", True),
    ("Jafarov", "Cəfərov Anar", True), ("Гусейнов", "Hüseynov Tural", True),
    ("Məmmədov", "Əliyeva Günel", False), ("Aliyev", "Əliyeva Günel", False),
    ("Həsənov", "Hüseynov Tural", False), ("", "Əliyeva Günel", False),
])
def test_surnames_match_in_the_spellings_callers_and_passports_use(stated, applicant, same):
    from izle.data.caller import caller_matches

    assert caller_matches("5ZK9Q2M", applicant, stated) is same


def test_every_miss_is_answered_at_the_same_moment(register):
    """Not yours, no such number, wrong date: one answer, at one fixed time after the question
    (benchmarks/bench_timing.py measures the real clock; here the desk's own clock)."""
    clock = FixedClock(TODAY)
    desk = make_desk(register, clock=clock, limits=Limits(miss_answer=0.05, slow_from=100))
    log_in(desk, CITIZEN)
    for number, day in (("01-31/4000", "01.04.2026"), ("01-31/9999", "01.04.2026"),
                        ("01-31/3073", "06.03.2026")):
        before = clock.monotonic()
        assert desk.lookup(request(desk, number, day)).outcome is Outcome.MISS
        assert clock.monotonic() - before == pytest.approx(0.05)
    before = clock.monotonic()
    assert desk.lookup(request(desk, "01-31/3073", "05.03.2026")).outcome is Outcome.FOUND
    assert clock.monotonic() == before  # a found letter is not held back


def test_a_login_abandoned_while_its_status_is_held_completes_nothing(register):
    """Logout or idle while the provider holds a status request: the answer that comes back
    opens no session and writes no login row."""
    desk = make_desk(register)
    started = desk.start_login(CITIZEN.phone, CITIZEN.user_id)
    answers: list = []
    held = threading.Thread(target=lambda: answers.append(
        desk.poll_login(CITIZEN.phone, CITIZEN.user_id, started, wait=30)))
    held.start()
    desk.abandon_login(started)
    held.join(10)
    assert not held.is_alive() and answers == [None]
    assert desk.login_abandoned(started) and desk.session is None
    assert audit_rows(register, "login") == []
