"""Asan İmza emulation: the Mobile-ID verification code, PIN1 hashing and blocking."""

import hashlib

from data.db import connect_write
from data.identities import PinCheck, check_pin, get_identity, hash_pin, pin_matches, unblock
from data.mobile_id import EmulatedMobileId, MidResult, MidSession, verification_code
from tests.conftest import CITIZEN


def test_verification_code_matches_mobile_id_reference_vectors():
    # Vectors published with SK ID Solutions' MID-REST clients.
    assert verification_code(bytes.fromhex("2f665f6a6999e0ef0752e00ec9f453adf59d8cb6")) == "1462"
    assert verification_code(hashlib.sha256(b"HACKERMAN_SHA256").digest()) == "6008"


def test_verification_code_is_four_digits_in_range():
    assert verification_code(bytes([0xFF] + [0] * 30 + [0xFF])) == "8191"
    assert verification_code(bytes(32)) == "0000"


def test_pin_is_stored_salted_and_slow():
    first, second = hash_pin("1234"), hash_pin("1234")
    assert first != second and "1234" not in first
    assert first.startswith("scrypt$")
    assert pin_matches("1234", first) and not pin_matches("1235", first)


def test_three_wrong_pins_block_and_the_block_persists(register):
    state = register.with_name("terminal.db")
    conn = connect_write(state)
    assert check_pin(conn, CITIZEN.user_id, "0000") == (PinCheck.WRONG, 2)
    assert check_pin(conn, CITIZEN.user_id, "0000") == (PinCheck.WRONG, 1)
    assert check_pin(conn, CITIZEN.user_id, "0000") == (PinCheck.BLOCKED, 0)
    conn.close()
    reopened = connect_write(state)
    assert get_identity(reopened, CITIZEN.user_id).blocked
    assert check_pin(reopened, CITIZEN.user_id, CITIZEN.pin1) == (PinCheck.BLOCKED, 0)
    assert unblock(reopened, CITIZEN.user_id)
    assert check_pin(reopened, CITIZEN.user_id, CITIZEN.pin1) == (PinCheck.OK, 3)


def test_a_right_pin_resets_the_counter(register):
    conn = connect_write(register.with_name("terminal.db"))
    check_pin(conn, CITIZEN.user_id, "0000")
    check_pin(conn, CITIZEN.user_id, "0000")
    assert check_pin(conn, CITIZEN.user_id, CITIZEN.pin1)[0] is PinCheck.OK
    assert check_pin(conn, CITIZEN.user_id, "0000") == (PinCheck.WRONG, 2)


def test_emulator_outcomes(register):
    now = [0.0]
    mid = EmulatedMobileId(connect_write(register.with_name("terminal.db")), 120, clock=lambda: now[0])
    assert mid.start(CITIZEN.phone, "999999") is MidResult.NOT_MID_CLIENT
    session = mid.start(CITIZEN.phone, CITIZEN.user_id)
    assert isinstance(session, MidSession) and len(session.code) == 4
    assert mid.confirm(session) is None
    assert mid.submit_pin(session, CITIZEN.pin1).result is MidResult.OK
    late = mid.start(CITIZEN.phone, CITIZEN.user_id)
    now[0] = 121
    assert mid.confirm(late) is MidResult.TIMEOUT
    cancelled = mid.start(CITIZEN.phone, CITIZEN.user_id)
    assert mid.cancel(cancelled) is MidResult.USER_CANCELLED
