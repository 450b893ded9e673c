"""The audit log: hash-chained, verified by `izle audit verify`, and free of secrets."""

from __future__ import annotations

import csv
import sqlite3
from datetime import date

import pytest
from click.testing import CliRunner

from izle.data import audit
from izle.data.db import connect_write
from izle.screens.lookup import LookupScreen
from tests.conftest import izle_app, CITIZEN, CITIZEN_FIN, OPERATOR, OTHER_FIN
from tests.pilot import (audit_rows, choose_agency, enter_pin, log_in, look_up, start_login,
                         text_of)
from izle.tui.app import IzleApp
from izle.tui.cli.run import run

SIZE = (100, 40)




def izle(*args: str, stdin: str | None = None):
    return CliRunner().invoke(run, list(args), input=stdin, catch_exceptions=False)


@pytest.fixture
def log(register):
    """terminal.db with ten audit rows, and a function to tamper with it."""
    state = register.with_name("terminal.db")
    conn = connect_write(state)
    for n in range(1, 11):
        audit.append(conn, terminal="T1", mode="kiosk", actor=f"user{n}", action="lookup",
                     outcome="miss", query={"n": n})
    conn.close()

    def tamper(*statements: str) -> None:
        """As someone with the file would: the triggers that keep the log append-only first."""
        raw = sqlite3.connect(state)
        with raw:
            for sql in (*unguard(), *statements):
                raw.execute(sql)
        raw.close()

    return register, tamper


def unguard() -> list[str]:
    return [f"DROP TRIGGER {name}" for name in audit.GUARDS]


def verify(register):
    return izle("audit", "verify", "--db", str(register))


def test_an_intact_log_verifies(log):
    register, _tamper = log
    done = verify(register)
    assert done.exit_code == 0
    assert "10" in done.stdout


@pytest.mark.parametrize("statements, seq", [
    (["UPDATE audit SET outcome = 'found' WHERE seq = 4"], 4),                     # changed
    (["UPDATE audit SET actor = 'someone' WHERE seq = 1"], 1),
    (["DELETE FROM audit WHERE seq = 6"], 6),                                    # deleted
    (["DELETE FROM audit WHERE seq = 1"], 1),
    (["UPDATE audit SET seq = -1 WHERE seq = 3", "UPDATE audit SET seq = 3 WHERE seq = 4",
      "UPDATE audit SET seq = 4 WHERE seq = -1"], 3),                            # swapped
    (["DELETE FROM audit WHERE seq = 10"], 10),                                  # the last one
    (["INSERT INTO audit SELECT 11, at, terminal, mode, actor, action, query, outcome, hash,"
      " hash FROM audit WHERE seq = 10"], 11),                                   # slipped in
])
def test_verify_names_the_first_broken_seq(log, statements, seq):
    register, tamper = log
    tamper(*statements)
    done = verify(register)
    assert done.exit_code == 1
    assert f"seq {seq} " in done.stderr and "Traceback" not in done.output


def test_a_rewritten_chain_is_still_caught_by_its_head(log):
    """Someone recomputes every hash after a change: the head kept in meta no longer matches."""
    register, tamper = log
    state = register.with_name("terminal.db")
    conn = connect_write(state)
    rows = [dict(r) for r in conn.execute("SELECT * FROM audit ORDER BY seq")]
    prev = audit.GENESIS
    with conn:
        conn.execute("BEGIN")
        for sql in unguard():
            conn.execute(sql)
        for row in rows:
            row["outcome"] = "found" if row["seq"] == 7 else row["outcome"]
            digest = audit.row_hash(row, prev)
            conn.execute("UPDATE audit SET outcome = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                         (row["outcome"], prev, digest, row["seq"]))
            prev = digest
    conn.close()
    done = verify(register)
    assert done.exit_code == 1 and "seq 10" in done.stderr


def test_tail_and_export_for_supervisors(log, tmp_path):
    register, _tamper = log
    done = izle("audit", "tail", "-n", "3", "--db", str(register))
    lines = done.stdout.splitlines()
    assert done.exit_code == 0 and len(lines) == 3
    assert lines[0].split()[0] == "8" and "user10" in lines[-1]
    out = tmp_path / "audit.csv"
    done = izle("audit", "export", "--csv", str(out), "--db", str(register))
    assert done.exit_code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [int(r["seq"]) for r in rows] == list(range(1, 11))
    assert rows[0]["prev_hash"] == audit.GENESIS and rows[1]["prev_hash"] == rows[0]["hash"]


def test_a_missing_terminal_db_is_an_error_not_a_traceback(tmp_path):
    done = izle("audit", "verify", "--db", str(tmp_path / "register.db"))
    assert done.exit_code == 2 and "terminal.db" in done.stderr


async def test_a_lookup_is_not_shown_when_its_audit_row_cannot_be_written(register):
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, CITIZEN)
        await choose_agency(pilot, "baki")
        conn = connect_write(register.with_name("terminal.db"))  # as if the disk were full:
        conn.execute("CREATE TRIGGER no_audit BEFORE INSERT ON audit "  # every insert fails
                     "BEGIN SELECT RAISE(ABORT, 'disk full'); END")
        conn.close()
        await look_up(pilot, "01-31/3073", "05.03.2026")
        assert isinstance(app.screen, LookupScreen)
        assert "tamamlanmadı" in text_of(app, "#lookup-error")


async def test_the_audit_holds_no_pin_no_code_and_no_clear_fin_or_phone(register):
    codes = []
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await start_login(pilot, CITIZEN)
        codes.append(text_of(app, "#phone-code"))
        await pilot.click("#phone-confirm")
        await enter_pin(pilot, "7351")                      # a wrong PIN1 first
        await enter_pin(pilot, CITIZEN.pin1)
        await choose_agency(pilot, "baki")
        await look_up(pilot, "01-31/3073", "05.03.2026")
        await pilot.press("f3")
        await pilot.pause()
        await start_login(pilot, CITIZEN, user_id="999999")  # an unknown pair: the phone is logged
    operator = izle_app(register, mode="operator")
    async with operator.run_test(size=SIZE) as pilot:
        await start_login(pilot, OPERATOR)
        codes.append(text_of(operator, "#phone-code"))
        await pilot.click("#phone-confirm")
        await enter_pin(pilot, OPERATOR.pin1)
        await choose_agency(pilot, "baki")
        await look_up(pilot, "01-31/3073", "05.03.2026", caller=OTHER_FIN)
        await look_up(pilot, "01-31/3073", "05.03.2026", caller=CITIZEN_FIN)
        await pilot.press("escape")
        await pilot.pause()
        await look_up(pilot, "01-31/3073", "05.03.2026", caller="Həsənov")
    assert izle("identity", "add", "--role", "citizen", "--phone", "051 765 43 21",
                "--user-id", "100777", "--fin", "AB12C3D", "--name", "Babayev Tural",
                "--pin1-stdin", "--db", str(register), stdin="86420\n").exit_code == 0

    rows = audit_rows(register)
    assert {r["action"] for r in rows} >= {"login", "pin", "lookup", "logout", "identity_add"}
    secrets = {CITIZEN.pin1, "7351", OPERATOR.pin1, "86420", *codes, CITIZEN_FIN, OTHER_FIN,
               "AB12C3D", "Həsənov", CITIZEN.phone, CITIZEN.phone_typed, "+994517654321"}
    for row in rows:
        # user_id and actor are user IDs, which may hold a 4-digit run by chance.
        texts = [str(v) for k, v in row["query"].items() if k != "user_id"] + [row["outcome"]]
        for text in texts:
            for secret in secrets:
                # Keyed hashes are hex and may contain digits by chance; everything else is text.
                assert secret not in text or _only_inside_hex(text, secret), (row, secret)
        assert row["actor"] not in secrets
    callers = [r["query"]["caller"] for r in rows if r["mode"] == "operator" and r["action"] == "lookup"]
    assert len(callers) == 3 and callers[0] != callers[1] and all(len(c) == 16 for c in callers)


def _only_inside_hex(text: str, secret: str) -> bool:
    """True when every occurrence of `secret` lies inside a 16-hex-digit keyed tag."""
    import re

    tags = [m.span() for m in re.finditer(r"[0-9a-f]{16}", text)]
    start = text.find(secret)
    while start != -1:
        if not any(a <= start and start + len(secret) <= b for a, b in tags):
            return False
        start = text.find(secret, start + 1)
    return True


def test_the_audit_commits_to_a_wal_without_an_fsync_per_row(register):
    """WAL + synchronous=NORMAL: durable across an application crash, no fsync per lookup."""
    from izle.data.terminal import TerminalStore

    store = TerminalStore(register.with_name("terminal.db"))
    try:
        store.record(terminal="T1", mode="kiosk", actor="u", action="lookup", outcome="miss")
        conn = store._conn()
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    finally:
        store.close()
