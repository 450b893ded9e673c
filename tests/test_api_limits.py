"""The JSON interface's misses follow the desk's one rule: every miss (another applicant's FIN
or surname, no such number, a wrong date) is answered at the same fixed moment; misses are
counted per phone caller (slowed down, then refused), for requests without a caller together,
and for the calling system overall — all kept in terminal.db, so a restart forgets none."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from izle.data.clock import FixedClock
from izle.data.desk import Desk, Limits, LookupRequest, Mode, Outcome
from izle.data.letters import Register
from izle.data.terminal import TerminalStore
from tests.conftest import CITIZEN_FIN, OTHER_FIN, TODAY
from tests.pilot import audit_rows

ROOT = Path(__file__).resolve().parent.parent
CALLER, OTHER_CALLER = "+994501112233", "+994557778899"


def api_desk(register: Path, clock: FixedClock, limits: Limits, terminal: str = "ivr-1") -> Desk:
    """A desk as `izle lookup --json` builds one; a new one is a restarted process."""
    store = TerminalStore(register.with_name("terminal.db"), clock, random.Random(3))
    return Desk(register=Register(register, clock=clock), store=store, provider=None,  # type: ignore[arg-type]
                clock=clock, mode=Mode.API, terminal=terminal, limits=limits)


def ask(desk: Desk, number: str = "01-31/3073", day: str = "05.03.2026", fin: str | None = CITIZEN_FIN,
        surname: str | None = None, caller_id: str | None = None) -> Outcome:
    checked = desk.check_api("BBGI", number, day, fin, surname)
    assert isinstance(checked, LookupRequest), checked
    return desk.api_lookup(checked, by_fin=bool(fin), caller_id=caller_id).outcome


def miss(desk: Desk, n: int, caller_id: str | None = None) -> Outcome:
    return ask(desk, number=f"00-00/{n}", caller_id=caller_id)


def test_every_api_miss_is_answered_at_the_desks_fixed_moment(register):
    clock = FixedClock(TODAY)
    desk = api_desk(register, clock, Limits(miss_answer=0.05))
    kinds = [dict(fin=OTHER_FIN), dict(fin=None, surname="Quliyeva"),  # another applicant's
             dict(number="01-31/9999"), dict(day="06.03.2026")]          # no such number, wrong date
    for kind in kinds:
        before = clock.monotonic()
        assert ask(desk, **kind) in (Outcome.MISS, Outcome.UNVERIFIED)
        assert clock.monotonic() - before == pytest.approx(0.05), kind
    before = clock.monotonic()
    assert ask(desk) is Outcome.FOUND
    assert clock.monotonic() == before  # a found letter is not held back


def test_an_operators_applicant_search_misses_at_the_same_moment(register):
    from tests.test_desk import log_in, make_desk
    from tests.conftest import OPERATOR

    clock = FixedClock(TODAY)
    desk = make_desk(register, Mode.OPERATOR, clock=clock, limits=Limits(miss_answer=0.05, slow_from=100))
    log_in(desk, OPERATOR)
    for fin in (CITIZEN_FIN, "1AAAAAA"):  # a FIN with letters (its names compared), one without
        before = clock.monotonic()
        assert desk.find_applicant(fin, "Quliyeva").outcome is Outcome.UNVERIFIED
        assert clock.monotonic() - before == pytest.approx(0.05), fin
    before = clock.monotonic()
    assert desk.find_applicant(CITIZEN_FIN, "Həsənov").outcome is Outcome.FOUND
    assert clock.monotonic() == before


def test_a_phone_callers_misses_slow_them_down_and_then_refuse_them_across_restarts(register):
    clock = FixedClock(TODAY)
    limits = Limits(person_misses=6, slow_from=3, slow_max=4.0, miss_answer=0)
    desk = api_desk(register, clock, limits)
    waited = []
    for n in range(4):
        before = clock.monotonic()
        assert miss(desk, n, CALLER) is Outcome.MISS
        waited.append(clock.monotonic() - before)
    assert waited == [0, 0, 0, 0.5]  # slowed from the third recent miss on, as a citizen is
    desk = api_desk(register, clock, limits)  # a restart forgets nothing
    assert [miss(desk, n, CALLER) for n in (4, 5)] == [Outcome.MISS, Outcome.MISS]
    desk = api_desk(register, clock, limits)
    assert ask(desk, caller_id=CALLER) is Outcome.REFUSED  # even their own letter now
    assert ask(desk, caller_id=OTHER_CALLER) is Outcome.FOUND  # another caller is not limited
    assert ask(desk) is Outcome.FOUND  # nor the anonymous budget
    clock.advance(limits.person_window + 1)
    assert ask(api_desk(register, clock, limits), caller_id=CALLER) is Outcome.FOUND
    rows = audit_rows(register, "lookup")
    assert CALLER not in json.dumps(rows)  # the caller's number only as a keyed hash
    assert {r["actor"] for r in rows if r["mode"] == "api"} >= {"ivr-1"}


def test_requests_without_a_caller_share_one_budget_across_restarts(register):
    clock = FixedClock(TODAY)
    limits = Limits(anonymous_misses=3, miss_answer=0)
    desk = api_desk(register, clock, limits)
    assert [miss(desk, n) for n in range(2)] == [Outcome.MISS] * 2
    desk = api_desk(register, clock, limits)
    assert miss(desk, 2) is Outcome.MISS
    assert ask(desk) is Outcome.REFUSED
    assert ask(desk, caller_id=CALLER) is Outcome.FOUND  # a caller with a number has their own
    clock.advance(limits.api_window + 1)
    assert ask(api_desk(register, clock, limits)) is Outcome.FOUND


def test_a_calling_system_has_one_hourly_budget_for_all_its_callers_across_restarts(register):
    clock = FixedClock(TODAY)
    limits = Limits(api_misses=4, miss_answer=0)
    desk = api_desk(register, clock, limits)
    callers = [f"+99450000000{n}" for n in range(6)]  # each caller well under their own limit
    assert [miss(desk, n, callers[n]) for n in range(3)] == [Outcome.MISS] * 3
    desk = api_desk(register, clock, limits)
    assert miss(desk, 3, callers[3]) is Outcome.MISS
    assert ask(desk, caller_id=callers[4]) is Outcome.REFUSED
    assert ask(desk) is Outcome.REFUSED
    other_system = api_desk(register, clock, limits, terminal="ivr-2")
    assert ask(other_system, caller_id=callers[5]) is Outcome.FOUND
    clock.advance(limits.api_window + 1)
    assert ask(api_desk(register, clock, limits), caller_id=callers[4]) is Outcome.FOUND


# --- through the command line ---------------------------------------------------------------


def stdin_answers(register: Path, lines: list[str], *options: str) -> list[dict]:
    done = subprocess.run(
        [sys.executable, "-m", "izle", "lookup", "--json", "--stdin", "--db", str(register),
         "--terminal", "ivr-cli", *options],
        cwd=ROOT, input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


GOOD = {"agency": "BBGI", "number": "01-31/3073", "date": "05.03.2026", "fin": CITIZEN_FIN}


BAD_REQUESTS = [
    ({"date": "31.02.2026"}, "bad_date"),
    ({"date": "01.01.2999"}, "bad_date"),
    ({"date": None}, "no_date"),
    ({"number": None}, "no_number"),
    ({"number": None, "date": None, "fin": None}, "no_number"),  # not "give the FIN or surname"
    ({"number": "\x01\x02"}, "bad_number"),
    ({"agency": "NOPE"}, "unknown_agency"),
    ({"fin": None}, "no_caller"),
    ({"surname": "Həsənov"}, "two_callers"),
    ({"fin": "12"}, "bad_fin"),
    ({"caller_id": "call me"}, "bad_caller_id"),
    ({"lang": "fr"}, "bad_lang"),
    ({"colour": "red"}, "unknown_field"),
    ({"fin": 5}, "bad_field"),
]


def test_every_error_line_has_its_sentence_and_a_stable_code(register):
    requests = [{k: v for k, v in {**GOOD, **change}.items() if v is not None}
                for change, _code in BAD_REQUESTS]
    answers = stdin_answers(register, [json.dumps(r) for r in requests])
    assert all(set(a) == {"error", "code"} and a["error"] for a in answers), answers
    assert [a["code"] for a in answers] == [code for _change, code in BAD_REQUESTS]


def test_a_request_chooses_its_language(register):
    lines = [json.dumps({**GOOD, "lang": lang}) for lang in ("az", "ru", "en")]
    lines += [json.dumps({**GOOD, "date": "31.02.2026", "lang": lang}) for lang in ("az", "ru", "en")]
    found_az, found_ru, found_en, *errors = stdin_answers(register, lines, "--lang", "en")
    assert (found_az["unit"], found_ru["unit"], found_en["unit"]) == (
        "Gömrük nəzarəti idarəsi", "Управление таможенного контроля", "Customs Control Department")
    assert found_ru["status_title"] != found_en["status_title"] != found_az["status_title"]
    assert errors[2]["error"].startswith("There is no such date")
    assert len({e["error"] for e in errors}) == 3 and {e["code"] for e in errors} == {"bad_date"}


def test_the_calling_systems_budget_holds_across_restarts_of_the_process(register):
    budget = ("--misses-per-hour", "3")
    misses = [json.dumps({**GOOD, "number": f"00-00/{n}", "caller_id": f"+99450111000{n}"})
              for n in range(4)]
    assert stdin_answers(register, misses[:2], *budget) == [{"found": False}] * 2
    first, refused = stdin_answers(register, misses[2:], *budget)
    assert first == {"found": False} and refused["code"] == "too_many_misses"
    done = subprocess.run([sys.executable, "-m", "izle", "lookup", "--json", "--db", str(register),
                           "--terminal", "ivr-cli", *budget, "--agency", "BBGI", "--number",
                           "01-31/3073", "--date", "05.03.2026", "--fin", CITIZEN_FIN,
                           "--caller-id", "+994 50 999 88 77"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 4 and json.loads(done.stdout)["code"] == "too_many_misses"
