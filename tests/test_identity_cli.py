"""`izle identity`: an administrator adds people, lists them, unblocks and resets PIN1 — audited."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from izle.data.db import connect_write
from izle.data.identities import PinCheck, check_pin, get_identity
from tests.conftest import CITIZEN, OTHER
from tests.pilot import audit_rows
from izle.tui.cli.run import run

NEW = ["--role", "citizen", "--phone", "+994 51 765-43-21", "--user-id", "100777",
       "--fin", "ab12c3d", "--name", "Babayev  Tural Elçin oğlu"]


@pytest.fixture
def izle(register):
    def invoke(*args: str, stdin: str | None = None):
        return CliRunner().invoke(run, [*args, "--db", str(register)], input=stdin,
                                  catch_exceptions=False)
    return invoke


def state(register):
    return connect_write(register.with_name("terminal.db"))


def test_add_with_pin1_from_stdin_then_list(izle, register):
    done = izle("identity", "add", *NEW, "--pin1-stdin", stdin="86420\n")
    assert done.exit_code == 0, done.output
    person = get_identity(state(register), "100777")
    assert (person.phone, person.fin, person.full_name, person.role) == (
        "+994517654321", "AB12C3D", "Babayev Tural Elçin oğlu", "citizen")
    assert check_pin(state(register), "100777", "86420")[0] is PinCheck.OK
    listing = izle("identity", "list").stdout
    assert "100777" in listing and "+994 51 765 43 21" in listing and "86420" not in listing
    row = audit_rows(register, "identity_add")[-1]
    assert (row["mode"], row["query"]) == ("admin", {"user_id": "100777", "role": "citizen"})
    assert row["actor"].startswith("os:")


def test_pin1_is_asked_twice_without_echo(izle, register):
    done = izle("identity", "add", *NEW, stdin="86420\n86420\n")
    assert done.exit_code == 0, done.output
    assert "86420" not in done.output
    assert check_pin(state(register), "100777", "86420")[0] is PinCheck.OK


def test_two_different_pins_are_asked_again(izle, register):
    done = izle("identity", "add", *NEW, stdin="86420\n11111\n2468\n2468\n")
    assert done.exit_code == 0, done.output
    assert check_pin(state(register), "100777", "2468")[0] is PinCheck.OK


@pytest.mark.parametrize("change, words", [
    (["--phone", "012 404 11 22"], "050 123 45 67"),           # a landline, not a mobile
    (["--fin", "12345"], "FİN"),
    (["--fin", ""], "FİN"),                                      # a citizen needs one
    (["--user-id", "abc"], "rəqəm"),
    (["--user-id", CITIZEN.user_id], CITIZEN.user_id),          # taken
])
def test_bad_input_is_explained_without_a_traceback(izle, register, change, words):
    args = list(NEW)
    for i in range(0, len(change), 2):
        args[args.index(change[i]) + 1] = change[i + 1]
    done = izle("identity", "add", *args, "--pin1-stdin", stdin="86420\n")
    assert done.exit_code == 1
    assert words in done.stderr and "Traceback" not in done.output
    assert audit_rows(register, "identity_add") == []


def test_a_bad_pin1_is_refused(izle, register):
    done = izle("identity", "add", *NEW, "--pin1-stdin", stdin="12\n")
    assert done.exit_code == 1 and "PIN1" in done.stderr
    assert get_identity(state(register), "100777") is None


def test_an_operator_needs_no_fin(izle, register):
    done = izle("identity", "add", "--role", "operator", "--phone", "070 111 22 33",
                "--user-id", "200009", "--name", "Operator Nigar", "--pin1-stdin", stdin="1357\n")
    assert done.exit_code == 0, done.output
    assert get_identity(state(register), "200009").role == "operator"


def test_unblock_is_the_puks_job(izle, register):
    conn = state(register)
    for wrong in ("0001", "0002", "0003"):
        check_pin(conn, OTHER.user_id, wrong)
    assert get_identity(conn, OTHER.user_id).blocked
    assert "bloklanıb" in izle("identity", "list").stdout
    done = izle("identity", "unblock", OTHER.user_id)
    assert done.exit_code == 0
    assert not get_identity(conn, OTHER.user_id).blocked
    assert check_pin(conn, OTHER.user_id, OTHER.pin1)[0] is PinCheck.OK
    assert audit_rows(register, "pin_unblock")[-1]["query"] == {
        "user_id": OTHER.user_id, "pin_block": True, "lookup_lock": False}


@pytest.mark.parametrize("blocked, locked, said, listed", [
    (True, True, "PIN1 of 200001 is unblocked and their lookups are unlocked.",
     "PIN1 blocked, lookups locked"),
    (True, False, "PIN1 of 200001 is unblocked.", "PIN1 blocked"),
    (False, True, "The lookups of 200001 are unlocked (PIN1 was not blocked).", "lookups locked"),
    (False, False, "Nothing to lift for 200001: PIN1 was not blocked and lookups were not locked.",
     "active"),
])
def test_unblock_says_what_it_lifted_and_list_shows_a_lock(izle, register, blocked, locked,
                                                           said, listed):
    conn = state(register)
    conn.execute("UPDATE identities SET blocked_at = ?, lookups_locked_at = ? WHERE user_id = '200001'",
                 ("2026-11-25T06:00:00+00:00" if blocked else None,
                  "2026-11-25T06:00:00+00:00" if locked else None))
    conn.close()
    [line] = [r for r in izle("--lang", "en", "identity", "list").stdout.splitlines()
              if r.startswith("200001 ")]
    assert line.endswith("  " + listed)

    done = izle("--lang", "en", "identity", "unblock", "200001")

    assert done.exit_code == 0 and done.stdout.strip() == said
    assert audit_rows(register, "pin_unblock")[-1]["query"] == {
        "user_id": "200001", "pin_block": blocked, "lookup_lock": locked}


def test_set_pin_gives_a_new_pin1(izle, register):
    done = izle("identity", "set-pin", CITIZEN.user_id, "--pin1-stdin", stdin="97531\n")
    assert done.exit_code == 0
    conn = state(register)
    assert check_pin(conn, CITIZEN.user_id, CITIZEN.pin1)[0] is PinCheck.WRONG
    assert check_pin(conn, CITIZEN.user_id, "97531")[0] is PinCheck.OK
    assert [r["action"] for r in audit_rows(register)] == ["pin_set"]


@pytest.mark.parametrize("command", [["unblock", "424242"], ["set-pin", "424242", "--pin1-stdin"]])
def test_an_unknown_user_id_is_an_error(izle, register, command):
    done = izle("identity", *command, stdin="97531\n")
    assert done.exit_code == 1 and "424242" in done.stderr
    assert audit_rows(register) == []


def test_every_change_is_in_an_intact_audit_log(izle, register):
    izle("identity", "add", *NEW, "--pin1-stdin", stdin="86420\n")
    izle("identity", "set-pin", "100777", "--pin1-stdin", stdin="97531\n")
    izle("identity", "unblock", "100777")
    assert [r["action"] for r in audit_rows(register)] == ["identity_add", "pin_set", "pin_unblock"]
    assert izle("audit", "verify").exit_code == 0


def test_unblock_upgrades_an_older_terminal_db_and_records_when_a_lock_was_lifted(register, tmp_path):
    """A terminal.db of version 2 (locks, but no unlock time): `izle identity unblock` upgrades
    it, lifts the operator's lookup lock and records when, so the misses before it are forgiven."""
    from izle.data.identities import lookups_unlocked_at
    from izle.data.schema import TERMINAL_MIGRATIONS, migrate

    old = tmp_path / "old-terminal.db"
    conn = connect_write(old)
    migrate(conn, TERMINAL_MIGRATIONS[:2])
    conn.execute("INSERT INTO identities (user_id, phone, role, pin1_hash, lookups_locked_at)"
                 " VALUES ('200001', '+994501112233', 'operator', 'x', '2026-11-25T06:00:00+00:00')")
    conn.commit()
    conn.close()
    done = CliRunner().invoke(run, ["identity", "unblock", "200001", "--db", str(register),
                                    "--state", str(old)], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    conn = connect_write(old)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(TERMINAL_MIGRATIONS)
    assert conn.execute("SELECT lookups_locked_at FROM identities").fetchone()[0] is None
    assert lookups_unlocked_at(conn, "200001") is not None  # the administrator's moment
    assert lookups_unlocked_at(conn, OTHER.user_id) is None  # no such person here
    conn.close()
