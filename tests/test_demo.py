"""`izle demo`: a small demo register is deterministic, consistent, and its samples really exist."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from izle.data.audit import append, verify
from izle.data.db import connect_write
from tests.conftest import dump, rows
from izle.data.demo import AS_OF, build_demo
from izle.data.identities import PinCheck, check_pin
from izle.data.letters import Register
from izle.data.schema import REGISTER_MIGRATIONS
from izle.data.text import format_phone, normalize_fin, normalize_phone, normalize_reg_no, parse_date

LETTERS = 400
IDENTITY_KEYS = {"user_id", "phone", "pin1", "fin", "full_name", "role"}
SAMPLE_KEYS = {"agency", "agency_name", "reg_no", "reg_date", "owner_user_id", "applicant_fin",
               "applicant_surname", "unit", "executor", "executor_phone", "status"}


def build(folder: Path, *, seed: int = 1, letters: int = LETTERS) -> tuple[Path, dict]:
    register = folder / "register.db"
    return register, build_demo(register, folder / "terminal.db", letters=letters, seed=seed)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict]:
    return build(tmp_path_factory.mktemp("demo"))


def citizens(result: dict) -> list[dict]:
    return [i for i in result["identities"] if i["role"] == "citizen"]


def test_same_seed_builds_the_same_register_and_another_seed_does_not(tmp_path, demo):
    register, result = demo
    again, result_again = build(tmp_path / "again")
    other, result_other = build(tmp_path / "other", seed=2)
    assert result_again == result
    assert dump(again) == dump(register)
    assert result_other["samples"] != result["samples"]
    assert dump(other)[3] != dump(register)[3]


def test_the_result_has_exactly_the_contract_keys(demo):
    _, result = demo
    assert set(result) == {"identities", "samples"}
    assert all(set(i) == IDENTITY_KEYS for i in result["identities"])
    assert all(set(s) == SAMPLE_KEYS for s in result["samples"])
    assert {i["role"] for i in result["identities"]} == {"citizen", "operator", "admin"}
    assert len(citizens(result)) == 4
    for who in result["identities"]:
        assert normalize_phone(who["phone"]) == who["phone"]  # stored E.164
        assert len(who["user_id"]) == 6 and who["user_id"].isdigit()
        assert 4 <= len(who["pin1"]) <= 6 and who["pin1"].isdigit()
        assert normalize_fin(who["fin"]) == who["fin"]


def test_every_sample_is_a_real_letter_of_its_citizen(demo):
    register, result = demo
    fins = {i["user_id"]: i["fin"] for i in result["identities"]}
    reader = Register(register)
    try:
        for s in result["samples"]:
            fin = fins[s["owner_user_id"]]
            day = parse_date(s["reg_date"])
            letter = reader.find_citizen_letter(s["agency"], s["reg_no"], day, fin)
            assert letter is not None, s
            assert letter.applicant_fin == s["applicant_fin"] == fin
            assert letter.agency.name.az == s["agency_name"]
            assert letter.unit.az == s["unit"]
            assert letter.executor == s["executor"]
            assert letter.executor_phone == s["executor_phone"]
            assert letter.status == s["status"]
            assert letter.applicant_name.split()[0] == s["applicant_surname"]
            assert letter.movements  # a history to show
    finally:
        reader.close()


def test_each_citizen_owns_varied_letters_at_several_authorities(demo):
    register, result = demo
    by_owner = defaultdict(list)
    for s in result["samples"]:
        by_owner[s["owner_user_id"]].append(s)
    for citizen in citizens(result):
        mine = by_owner[citizen["user_id"]]
        assert 4 <= len(mine) <= 8
        assert len({s["agency"] for s in mine}) >= 3
        assert {"in_execution", "answered"} <= {s["status"] for s in mine}
        (owned,), = rows(register, "SELECT count(*) FROM letters WHERE applicant_fin = ?",
                         citizen["fin"])
        assert owned == len(mine)  # the samples are all of their letters
    statuses = {s["status"] for s in result["samples"]}
    assert statuses == {"registered", "in_execution", "extended", "forwarded", "attached", "answered"}


def test_letters_are_consistent(demo):
    register, _ = demo
    assert rows(register, "SELECT count(*) FROM letters") == [(LETTERS,)]
    assert rows(register, "PRAGMA foreign_key_check") == []
    assert rows(register, """SELECT count(*) FROM letters l JOIN executors e ON e.id = l.executor_id
                             WHERE e.unit_id != l.unit_id""") == [(0,)]
    assert rows(register, """SELECT count(*) FROM letters l JOIN units u ON u.id = l.unit_id
                             WHERE u.agency_code != l.agency_code""") == [(0,)]
    for reg_no, key, fin, status, extended, answered, forwarded, attached, due in rows(
        register, "SELECT reg_no, reg_no_key, applicant_fin, status, extended_to, answered_on,"
                  " forwarded_to, attached_to, due_date FROM letters"):
        assert normalize_reg_no(reg_no) == key
        assert normalize_fin(fin) == fin
        assert due is None  # computed at read time from working days
        assert (extended is not None) >= (status == "extended")
        assert (answered is not None) == (status == "answered")
        assert (forwarded is not None) == (status == "forwarded")
        assert (attached is not None) == (status == "attached")


def test_movements_tell_a_plausible_story(demo):
    register, _ = demo
    history = defaultdict(list)
    movements = rows(register, "SELECT letter_id, seq, at, status FROM movements ORDER BY 1, 2")
    for letter_id, seq, at, status in movements:
        history[letter_id].append((seq, at, status))
    letters = rows(register, "SELECT id, reg_date, status, updated_at, answered_on FROM letters")
    assert len(history) == len(letters)
    for letter_id, reg_date, status, updated_at, answered_on in letters:
        moves = history[letter_id]
        assert 1 <= len(moves) <= 5
        assert [m[0] for m in moves] == list(range(1, len(moves) + 1))
        assert moves[0][1:] == (reg_date, "registered")
        dates = [m[1] for m in moves]
        assert dates == sorted(dates) and dates[-1] <= AS_OF.isoformat()
        assert moves[-1][2] == status
        assert updated_at == dates[-1]
        if answered_on:
            assert answered_on == dates[-1]


def test_demo_identities_can_log_in_and_their_pins_are_hashed(demo):
    register, result = demo
    conn = connect_write(register.with_name("terminal.db"))
    try:
        for who in result["identities"]:
            assert check_pin(conn, who["user_id"], who["pin1"])[0] is PinCheck.OK
            (stored,), = conn.execute("SELECT pin1_hash FROM identities WHERE user_id = ?",
                                      (who["user_id"],)).fetchall()
            # Salted scrypt: the PIN is none of the hash's fields (a 4-digit run may occur by
            # chance inside the random hex, so "not in stored" would fail now and then).
            scheme, *params, salt, digest = stored.split("$")
            assert scheme == "scrypt" and len(salt) == 32 and len(digest) == 64
            assert who["pin1"] not in (salt, digest, *params)
    finally:
        conn.close()


def test_the_register_is_a_current_wal_database_that_knows_it_is_a_demo(demo):
    register, result = demo
    assert rows(register, "PRAGMA journal_mode") == [("wal",)]
    assert rows(register, "PRAGMA user_version") == [(len(REGISTER_MIGRATIONS),)]
    assert not register.with_name("register.db.tmp").exists()
    reader = Register(register)
    try:
        assert reader.meta("kind") == "demo"
        first = citizens(result)[0]
        assert reader.demo_hint() == {"phone": format_phone(first["phone"]),
                                      "user_id": first["user_id"], "pin1": first["pin1"]}
    finally:
        reader.close()


def test_rebuilding_replaces_the_register_and_keeps_the_audit_log(tmp_path):
    register, _ = build(tmp_path, seed=3, letters=200)
    state = connect_write(tmp_path / "terminal.db")
    append(state, terminal="kiosk-1", mode="citizen", actor="418263", action="login", outcome="ok")
    state.execute("INSERT INTO identities (user_id, phone, role, pin1_hash)"
                  " VALUES ('1', '+994501112233', 'citizen', 'x')")  # someone else's
    state.close()
    Path(f"{register}-wal").write_bytes(b"stale")  # must not be replayed onto the new file

    register, result = build(tmp_path, seed=4, letters=300)

    assert rows(register, "SELECT count(*) FROM letters") == [(300,)]
    assert rows(register, "SELECT value FROM meta WHERE key = 'seed'") == [("4",)]
    state = connect_write(tmp_path / "terminal.db")
    try:
        assert state.execute("SELECT count(*) FROM audit").fetchone()[0] == 1
        assert verify(state) is None  # the chain is intact
        identities = state.execute("SELECT count(*) FROM identities").fetchone()[0]
        assert identities == len(result["identities"]) + 1
    finally:
        state.close()


def test_the_cli_prints_the_contract_as_json(tmp_path):
    from izle.tui.cli.demo import demo as command

    register = tmp_path / "cli" / "register.db"
    outcome = CliRunner().invoke(command, ["--db", str(register), "--letters", "300", "--json"])
    assert outcome.exit_code == 0, outcome.output
    result = json.loads(outcome.output)
    assert set(result) == {"identities", "samples"}
    assert all(set(s) == SAMPLE_KEYS for s in result["samples"])
    assert (tmp_path / "cli" / "terminal.db").exists()
    assert rows(register, "SELECT count(*) FROM letters") == [(300,)]


def test_the_cli_summary_names_the_files_and_the_identities(tmp_path):
    from izle.tui.cli.demo import demo as command

    register = tmp_path / "register.db"
    outcome = CliRunner().invoke(command, ["--db", str(register), "--letters", "150",
                                           "--state", str(tmp_path / "state.db")],
                                 env={"COLUMNS": "400"})  # the long path on one line
    assert outcome.exit_code == 0, outcome.output
    assert "state.db" in outcome.output and "418263" in outcome.output
