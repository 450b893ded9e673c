"""Asan İmza emulation: the Mobile-ID verification code, PIN1 hashing and blocking."""

import hashlib
import random
import threading

import pytest

from izle.data.db import connect_write
from izle.data.identities import PinCheck, check_pin, get_identity, hash_pin, pin_matches, unblock
from izle.data.clock import FixedClock
from izle.data.mobile_id import EmulatedMobileId, MidResult, MidStatus, PinAnswer, verification_code
from izle.data.terminal import TerminalStore
from tests.conftest import TODAY, CITIZEN


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


def emulator(register, clock: FixedClock) -> EmulatedMobileId:
    store = TerminalStore(register.with_name("terminal.db"), clock, random.Random(1))
    return EmulatedMobileId(store, clock, random.Random(1), timeout=120)


def test_the_seam_is_shaped_like_mid_rest(register):
    """start → (code, session id); status polled: RUNNING until the phone answers, then
    COMPLETE once, with the identity only when OK."""
    clock = FixedClock(TODAY)
    mid = emulator(register, clock)
    started = mid.start(CITIZEN.phone, CITIZEN.user_id)
    assert len(started.code) == 4 and started.code.isdigit() and started.session_id
    assert mid.status(started.session_id) == MidStatus()  # running
    assert mid.ringing(started.session_id) == (CITIZEN.phone, started.code)
    assert mid.confirm(started.session_id)
    assert mid.enter_pin(started.session_id, "0000") == (PinAnswer.WRONG, 2)
    assert mid.status(started.session_id) == MidStatus()  # a wrong PIN: the phone asks again
    assert mid.enter_pin(started.session_id, CITIZEN.pin1)[0] is PinAnswer.ACCEPTED
    done = mid.status(started.session_id)
    assert done.result is MidResult.OK and done.identity.user_id == CITIZEN.user_id


@pytest.mark.parametrize("case, expected", [
    ("unknown", MidResult.NOT_MID_CLIENT), ("cancel", MidResult.USER_CANCELLED),
    ("late", MidResult.TIMEOUT), ("blocked", MidResult.PIN_BLOCKED),
])
def test_each_outcome_comes_from_the_status(register, case, expected):
    clock = FixedClock(TODAY)
    mid = emulator(register, clock)
    started = mid.start(CITIZEN.phone, "999999" if case == "unknown" else CITIZEN.user_id)
    if case == "cancel":
        mid.cancel(started.session_id)
    elif case == "late":
        clock.advance(121)  # the one timeout is the provider's
    elif case == "blocked":
        assert mid.confirm(started.session_id)
        for _ in range(3):
            mid.enter_pin(started.session_id, "0000")
    status = mid.status(started.session_id)
    assert status.result is expected and status.identity is None


def held_status(mid: EmulatedMobileId, session_id: str) -> tuple[threading.Thread, list]:
    """A status request held by the provider (a long poll of 30 s), in a thread."""
    answers: list = []
    thread = threading.Thread(target=lambda: answers.append(mid.status(session_id, wait=30)))
    thread.start()
    return thread, answers


def test_a_held_status_request_answers_when_the_phone_does(register):
    """MID-REST's long poll: the request returns as the PIN is accepted, not when its 30 s
    hold runs out (a 10 s join leaves a wide margin; a missed wake-up fails it)."""
    mid = emulator(register, FixedClock(TODAY))
    started = mid.start(CITIZEN.phone, CITIZEN.user_id)
    thread, answers = held_status(mid, started.session_id)
    assert mid.confirm(started.session_id)
    assert mid.enter_pin(started.session_id, CITIZEN.pin1)[0] is PinAnswer.ACCEPTED
    thread.join(10)
    assert not thread.is_alive()
    assert answers[0].result is MidResult.OK and answers[0].identity.user_id == CITIZEN.user_id


@pytest.mark.parametrize("answer", ["cancel", "abandon"])
def test_a_held_status_request_ends_when_the_login_does(register, answer):
    mid = emulator(register, FixedClock(TODAY))
    started = mid.start(CITIZEN.phone, CITIZEN.user_id)
    thread, answers = held_status(mid, started.session_id)
    (mid.cancel if answer == "cancel" else mid.abandon)(started.session_id)
    thread.join(10)
    assert not thread.is_alive()
    expected = MidResult.USER_CANCELLED if answer == "cancel" else MidResult.TIMEOUT
    assert answers[0].result is expected and answers[0].identity is None
