"""One person in several concurrent sessions gets exactly their limit of misses: counting a
miss and recording it are one transaction in terminal.db, so no session passes the count while
another's miss is still unrecorded (threads and processes, each its own desk and connection)."""

from __future__ import annotations

import multiprocessing
import random
import threading
from pathlib import Path

import pytest

from izle.data.clock import FixedClock
from izle.data.desk import Desk, Limits, Mode, Outcome
from izle.data.letters import Register
from izle.data.mobile_id import EmulatedMobileId
from izle.data.terminal import TerminalStore
from tests.conftest import CITIZEN, TODAY
from tests.pilot import audit_rows

LIMIT = 20
# Nothing but the person's limit may stop them: no session end, no slow-down, no pad.
LIMITS = Limits(person_misses=LIMIT, session_misses=10**6, slow_from=10**6, miss_answer=0)
TRIES = 40  # per session: well beyond the limit, so every session runs into it


def make_desk(register: Path, mode: Mode) -> Desk:
    clock = FixedClock(TODAY)
    store = TerminalStore(register.with_name("terminal.db"), clock, random.Random(3))
    return Desk(register=Register(register, clock=clock), store=store, clock=clock, mode=mode,
                provider=EmulatedMobileId(store, clock, random.Random(3)), terminal="T-race",
                limits=LIMITS)


def citizen_session(register: Path) -> Desk:
    from izle.data.desk import Session

    desk = make_desk(register, Mode.CITIZEN)
    desk.session = Session(desk.store.find_identity(CITIZEN.phone, CITIZEN.user_id))
    desk.session.applicant = CITIZEN.fin
    return desk


def citizen_misses(register: Path, start: threading.Barrier | None = None) -> int:
    """One session's lookups of letters that do not exist, until refused; its answered misses."""
    desk = citizen_session(register)
    agency = desk.register.agency("BBGI")
    requests = [desk.check_lookup(agency, f"00-00/{n}", "05.03.2026") for n in range(TRIES)]
    if start is not None:
        start.wait(timeout=30)
    outcomes = [desk.lookup(r).outcome for r in requests]
    assert Outcome.FAILED not in outcomes
    return outcomes.count(Outcome.MISS)


def caller_misses(register: Path, start: threading.Barrier) -> int:
    """One IVR process's lookups for the same phone caller, until refused."""
    desk = make_desk(register, Mode.API)
    checked = [desk.check_api("BBGI", f"00-00/{n}", "05.03.2026", "5ZK9Q2M", None) for n in range(TRIES)]
    start.wait(timeout=30)
    outcomes = [desk.api_lookup(r, by_fin=True, caller_id="+994501112233").outcome for r in checked]
    assert Outcome.FAILED not in outcomes
    return outcomes.count(Outcome.MISS)


def in_threads(work, register: Path, sessions: int) -> list[int]:
    start = threading.Barrier(sessions)
    counts: list[int] = []
    threads = [threading.Thread(target=lambda: counts.append(work(register, start)))
               for _ in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(counts) == sessions  # every session finished without an exception
    return counts


def _counted(register: Path, start, results) -> None:
    results.put(citizen_misses(register, start))


def in_processes(register: Path, sessions: int) -> list[int]:
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(sessions), context.Queue()
    processes = [context.Process(target=_counted, args=(register, start, results))
                 for _ in range(sessions)]
    for process in processes:
        process.start()
    try:
        return [results.get(timeout=120) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=30)
            process.kill()


@pytest.mark.parametrize("sessions", [4, 8])
def test_concurrent_citizen_sessions_get_exactly_the_limit(register, sessions):
    counts = in_threads(citizen_misses, register, sessions)
    assert sum(counts) == LIMIT
    lookups = audit_rows(register, "lookup")
    assert [r["outcome"] for r in lookups].count("miss") == LIMIT
    assert len(lookups) == sessions * TRIES  # every refusal is in the audit log too


def test_concurrent_citizen_processes_get_exactly_the_limit(register):
    counts = in_processes(register, 4)
    assert sum(counts) == LIMIT and len(counts) == 4


def test_concurrent_calls_of_one_phone_caller_get_exactly_the_limit(register):
    counts = in_threads(caller_misses, register, 8)
    assert sum(counts) == LIMIT
    outcomes = [r["outcome"] for r in audit_rows(register, "lookup")]
    assert outcomes.count("miss") == LIMIT and outcomes.count("refused") == 8 * TRIES - LIMIT
