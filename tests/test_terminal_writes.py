"""No write transaction on terminal.db does slow work: every scrypt (a PIN1 hashed by an
identity import, a PIN1 checked at login) runs while another writer — a kiosk's audit row —
can still take the write lock at once."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from izle.data import identities
from izle.data.db import connect_write
from izle.data.identities import PinCheck, check_pin, upsert_identity
from izle.data.importer import import_file
from izle.data.schema import ensure_terminal


@pytest.fixture
def lock_probe(monkeypatch, tmp_path):
    """Patch scrypt to try, each time it runs, to take terminal.db's write lock without waiting
    from a connection of its own; yields the list of outcomes (True: the lock was free)."""
    terminal = tmp_path / "terminal.db"
    ensure_terminal(terminal)
    outcomes: list[bool] = []
    real = hashlib.scrypt

    def probing(*args, **kwargs):
        other = sqlite3.connect(terminal, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            outcomes.append(True)
        except sqlite3.OperationalError:
            outcomes.append(False)
        finally:
            other.close()
        return real(*args, **kwargs)

    monkeypatch.setattr(identities.hashlib, "scrypt", probing)
    return terminal, outcomes


def test_an_identity_import_hashes_every_pin1_outside_its_transaction(lock_probe, tmp_path):
    terminal, outcomes = lock_probe
    people = tmp_path / "people.csv"
    people.write_text("user_id,phone,fin,full_name,role,pin1\n" + "".join(
        f"5550{n:02},050 555 00 {n:02},,Operator {n},operator,{1000 + n}\n" for n in range(6)),
        encoding="utf-8")

    result = import_file(tmp_path / "register.db", people, "identities", state=terminal)

    assert result.added == 6 and result.refused == 0
    assert outcomes and all(outcomes), outcomes
    conn = connect_write(terminal)
    assert check_pin(conn, "555003", "1003")[0] is PinCheck.OK
    conn.close()


def test_a_pin1_check_hashes_outside_the_write_transaction(lock_probe):
    terminal, outcomes = lock_probe
    conn = connect_write(terminal)
    upsert_identity(conn, user_id="7", phone="+994501112233", fin="", full_name="A",
                    role="operator", pin1="2468")
    conn.commit()
    outcomes.clear()

    assert check_pin(conn, "7", "2468") == (PinCheck.OK, 3)
    assert check_pin(conn, "7", "0000") == (PinCheck.WRONG, 2)
    assert check_pin(conn, "7", "0000") == (PinCheck.WRONG, 1)
    assert check_pin(conn, "7", "2468") == (PinCheck.OK, 3)  # a right PIN1 forgives the count
    for _ in range(3):
        check_pin(conn, "7", "1111")
    assert check_pin(conn, "7", "2468") == (PinCheck.BLOCKED, 0)
    conn.close()
    assert len(outcomes) == 7 and all(outcomes), outcomes
