"""`izle lookup --json` (DESIGN §5): round trips on the demo's samples, `--stdin` for an IVR,
and every call in the audit log (mode `api`, the calling system as actor)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def izle(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "izle", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("api")
    register = folder / "register.db"
    done = izle("demo", "--db", str(register), "--letters", "500", "--json")
    assert done.returncode == 0, done.stderr
    return register, json.loads(done.stdout)


def iso(day: str) -> str:
    return datetime.strptime(day, "%d.%m.%Y").date().isoformat()


def audit(register: Path) -> list[tuple]:
    conn = sqlite3.connect(register.with_name("terminal.db"))
    try:
        return conn.execute("SELECT mode, actor, action, outcome, query FROM audit"
                            " WHERE mode = 'api' ORDER BY seq").fetchall()
    finally:
        conn.close()


def lookup(register: Path, sample: dict, *caller: str, date: str | None = None,
           lang: str = "en") -> tuple[int, dict]:
    done = izle("lookup", "--db", str(register), "--agency", sample["agency"], "--number",
                sample["reg_no"], "--date", date or sample["reg_date"], *caller, "--lang", lang,
                "--terminal", "ivr-test", "--json")
    assert done.stderr == "" and len(done.stdout.splitlines()) == 1
    return done.returncode, json.loads(done.stdout)


def test_found_by_fin_and_by_surname_round_trips_a_sample(demo):
    register, info = demo
    sample = info["samples"][0]
    status, answer = lookup(register, sample, "--fin", sample["applicant_fin"])
    assert status == 0 and answer["found"] is True
    assert (answer["agency"], answer["reg_no"], answer["reg_date"]) == (
        sample["agency"], sample["reg_no"], iso(sample["reg_date"]))
    assert (answer["executor"], answer["executor_phone"], answer["status"]) == (
        sample["executor"], sample["executor_phone"], sample["status"])
    assert set(answer) >= {"unit", "status_title", "status_sentence", "due_date", "days_left", "movements"}
    assert all(set(m) >= {"at", "status", "unit", "note"} for m in answer["movements"])
    assert answer["movements"] and all(len(m["at"]) == 10 for m in answer["movements"])
    status, by_surname = lookup(register, sample, "--surname", sample["applicant_surname"], lang="az")
    assert status == 0 and by_surname["reg_no"] == sample["reg_no"]
    assert by_surname["unit"] == sample["unit"]  # the Azerbaijani name, as in the sample


def test_not_found_not_verified_and_wrong_date_are_the_same_answer(demo):
    register, info = demo
    sample = info["samples"][0]
    other = next(s for s in info["samples"] if s["applicant_surname"] != sample["applicant_surname"]
                 and s["applicant_fin"] != sample["applicant_fin"])
    before = len(audit(register))
    answers = [
        lookup(register, sample, "--surname", other["applicant_surname"]),  # not verified
        lookup(register, sample, "--fin", other["applicant_fin"]),          # not verified
        lookup(register, sample, "--fin", sample["applicant_fin"], date="01.01.2001"),  # wrong date
        lookup(register, {**sample, "reg_no": "99-99/99999"}, "--fin", sample["applicant_fin"]),
    ]
    assert answers == [(1, {"found": False})] * 4
    rows = audit(register)[before:]
    assert [r[3] for r in rows] == ["unverified", "unverified", "miss", "miss"]
    assert all(r[0] == "api" and r[1] == "ivr-test" for r in rows)
    assert sample["applicant_fin"] not in str(rows) and other["applicant_surname"] not in str(rows)


@pytest.mark.parametrize("args", [
    ("--agency", "DGK", "--number", "1", "--date", "31.02.2026", "--fin", "5ZK9Q2M"),
    ("--agency", "NOPE", "--number", "1", "--date", "01.02.2026", "--fin", "5ZK9Q2M"),
    ("--agency", "DGK", "--number", "1", "--date", "01.02.2026"),
    ("--agency", "DGK", "--number", "1", "--date", "01.02.2026", "--fin", "5ZK9Q2M", "--surname", "X"),
    ("--no-such-option",),
])
def test_bad_input_answers_an_error_and_exit_status_2(demo, args):
    register, _info = demo
    done = izle("lookup", "--db", str(register), "--json", *args)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert set(json.loads(done.stdout)) == {"error", "code"}


def test_stdin_answers_a_thousand_requests_in_one_process_and_audits_each(demo):
    register, info = demo
    samples = info["samples"]
    requests, expected = [], []
    for i in range(1000):
        sample = samples[i % len(samples)]
        request = {"agency": sample["agency"], "number": sample["reg_no"], "date": sample["reg_date"]}
        kind = i % 4 if i % 20 < 4 else i % 2  # 50 misses: each is answered at the fixed moment
        if kind == 0:
            request["fin"] = sample["applicant_fin"]
        elif kind == 1:
            request["surname"] = sample["applicant_surname"]
        elif kind == 2:
            request["fin"] = "0000000"
        else:
            request["date"] = "not a date"
        requests.append(json.dumps(request, ensure_ascii=False))
        expected.append(kind)
    requests.insert(500, "{broken")
    before = len(audit(register))
    done = izle("lookup", "--db", str(register), "--json", "--stdin", "--terminal", "ivr-1",
                stdin="\n".join(requests) + "\n")
    assert done.returncode == 0, done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(answers) == 1001 and answers[500]["code"] == "bad_json"
    del answers[500]
    for kind, answer in zip(expected, answers):
        assert answer.get("found") is (True if kind < 2 else False if kind == 2 else None), (kind, answer)
        assert kind != 3 or answer["code"] == "bad_date"
    rows = audit(register)[before:]
    assert len(rows) == 1001 and {r[1] for r in rows} == {"ivr-1"}
    assert sorted({r[3] for r in rows}) == ["found", "invalid", "unverified"]


def test_digits_two_letters_of_the_applicant_share_ask_for_the_number_as_printed(register):
    """A number typed without its separators that is the digits of two letters of the verified
    applicant: an error line with the code `ambiguous` in the request's language, audited as
    such and not a miss; one-shot, exit status 2 (the request must be given otherwise)."""
    from izle.data.desk.sentences import SENTENCES, Asked, Reply
    from izle.data.i18n import translate
    from tests.conftest import CITIZEN_FIN
    from tests.test_keypad import _add_twin

    _add_twin(register, "013-13/073")
    asked = {"agency": "BBGI", "number": "01313073", "date": "05032026", "caller_id": "+994501112233"}
    lines = [json.dumps({**asked, "fin": CITIZEN_FIN, "lang": lang}) for lang in ("az", "ru", "en")]
    lines += [json.dumps({**asked, "surname": "Quliyeva"}),                 # not the applicant
              json.dumps({**asked, "number": "013-13/073", "fin": CITIZEN_FIN})]  # as printed
    before = len(audit(register))
    done = izle("lookup", "--json", "--stdin", "--db", str(register), "--terminal", "ivr-1",
                stdin="\n".join(lines) + "\n")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    *ambiguous, unverified, found = [json.loads(line) for line in done.stdout.splitlines()]
    msgid = SENTENCES[(Asked.LOOKUP, Reply.AMBIGUOUS, None)]
    assert ambiguous == [{"error": translate(msgid, lang), "code": "ambiguous"}
                         for lang in ("az", "ru", "en")]
    assert len({a["error"] for a in ambiguous}) == 3
    assert unverified == {"found": False}  # an unverified caller hears nothing of two letters
    assert found["found"] is True and found["reg_no"] == "013-13/073"
    rows = audit(register)[before:]
    assert [r[3] for r in rows] == ["ambiguous"] * 3 + ["unverified", "found"]

    one = izle("lookup", "--json", "--db", str(register), "--agency", "BBGI", "--number",
               "01313073", "--date", "05.03.2026", "--fin", CITIZEN_FIN, "--lang", "en")
    assert one.returncode == 2 and json.loads(one.stdout)["code"] == "ambiguous"
    conn = sqlite3.connect(register.with_name("terminal.db"))
    try:  # of the caller's lookups only the unverified one is a miss their limits count
        assert conn.execute("SELECT count(*) FROM audit WHERE outcome IN ('miss', 'unverified')"
                            " AND actor LIKE 'caller:%'").fetchone()[0] == 1
    finally:
        conn.close()
