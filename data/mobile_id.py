"""Asan İmza, the national mobile signature, behind a seam shaped like Mobile-ID's MID-REST.

A relying party (İzlə) `start`s an authentication for a phone number and user ID and gets back
the verification code to show and a session id; then it asks `status` until the session is
COMPLETE with one of MID-REST's results — a long poll, as MID-REST's `timeoutMs`: the request is
held until the session completes or `wait` seconds pass, so the answer arrives the moment the
person confirms, not at the next tick of a timer. A real provider can replace `EmulatedMobileId`
without touching the login screen: the emulated phone (Təsdiq / İmtina, PIN1) is part of the
emulator, reached through `EmulatedMobileId`'s phone methods, and the one confirmation timeout
lives here, in the provider.
"""

from __future__ import annotations

import hashlib
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from izle.data.clock import Clock
from izle.data.identities import Identity, PinCheck
from izle.data.terminal import TerminalStore

DEFAULT_TIMEOUT = 120.0


class MidResult(Enum):
    """Session results as MID-REST names them."""

    OK = "OK"
    USER_CANCELLED = "USER_CANCELLED"
    TIMEOUT = "TIMEOUT"
    NOT_MID_CLIENT = "NOT_MID_CLIENT"
    PIN_BLOCKED = "PIN_BLOCKED"


def verification_code(digest: bytes) -> str:
    """Mobile-ID's 4-digit code: 6 high bits of the first byte, 7 low bits of the last."""
    return f"{((digest[0] & 0xFC) << 5) | (digest[-1] & 0x7F):04d}"


@dataclass(frozen=True)
class MidStart:
    """What `start` gives the relying party: the code to show and the session to poll."""

    code: str
    session_id: str


@dataclass(frozen=True)
class MidStatus:
    """A session's state: RUNNING (result None), or COMPLETE with a result (and the
    identity the signature proves, when the result is OK)."""

    result: MidResult | None = None
    identity: Identity | None = None

    @property
    def complete(self) -> bool:
        return self.result is not None


class MobileIdProvider(Protocol):
    def start(self, phone: str, user_id: str) -> MidStart: ...
    def status(self, session_id: str, wait: float = 0.0) -> MidStatus: ...
    def abandon(self, session_id: str) -> None: ...


class PinAnswer(Enum):
    """What the emulated phone says after PIN1: accepted, wrong (try again), blocked."""

    ACCEPTED = "accepted"
    WRONG = "wrong"
    BLOCKED = "blocked"


@dataclass
class _Session:
    identity: Identity | None
    phone: str
    code: str
    deadline: float
    confirmed: bool = False
    result: MidResult | None = None


class EmulatedMobileId:
    """Checks identities and PIN1 in terminal.db; the challenge and its code are real
    Mobile-ID maths over randomness from the injected `rng`."""

    def __init__(self, store: TerminalStore, clock: Clock, rng: random.Random,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self._store, self._clock, self._rng, self.timeout = store, clock, rng, timeout
        self._sessions: dict[str, _Session] = {}
        # Told of every wrong PIN1 (user ID): the desk audits it, as a provider's log would.
        self.on_wrong_pin: Callable[[str], object] | None = None
        self._lock = threading.Lock()  # the login worker polls while the phone panel answers
        self._changed = threading.Condition(self._lock)  # wakes a held status request

    # --- the relying party's side (MID-REST) --------------------------------------------------

    def start(self, phone: str, user_id: str) -> MidStart:
        """Start an authentication; an unknown or blocked account completes at once, as
        MID-REST reports NOT_MID_CLIENT in the session's status, not at the start."""
        identity = self._store.find_identity(phone, user_id)
        code = verification_code(hashlib.sha256(self._rng.randbytes(32)).digest())
        session = _Session(identity, phone, code, self._clock.monotonic() + self.timeout)
        if identity is None:
            session.result = MidResult.NOT_MID_CLIENT
        elif identity.blocked:
            session.result = MidResult.PIN_BLOCKED
        session_id = self._rng.randbytes(16).hex()
        with self._lock:
            self._sessions[session_id] = session
        return MidStart(code, session_id)

    def status(self, session_id: str, wait: float = 0.0) -> MidStatus:
        """The session's state; while RUNNING, held up to `wait` seconds (a transport wait,
        not a clock of the session: its timeout is the injected clock's) for it to complete."""
        with self._changed:
            session = self._sessions.get(session_id)
            if session is None:
                return MidStatus(MidResult.TIMEOUT)
            self._expire(session)
            if session.result is None and wait > 0:
                self._changed.wait(wait)
                if self._sessions.get(session_id) is not session:
                    return MidStatus(MidResult.TIMEOUT)  # abandoned while held
                self._expire(session)
            if session.result is None:
                return MidStatus()
            del self._sessions[session_id]  # a completed session is read once, as in MID-REST
            ok = session.result is MidResult.OK
            return MidStatus(session.result, session.identity if ok else None)

    def abandon(self, session_id: str) -> None:
        """The relying party gave up (logout, idle): the phone stops asking."""
        with self._lock:
            self._sessions.pop(session_id, None)
            self._changed.notify_all()

    def _expire(self, session: _Session) -> None:
        if session.result is None and self._clock.monotonic() > session.deadline:
            session.result = MidResult.TIMEOUT

    # --- the emulated phone's side ------------------------------------------------------------

    def ringing(self, session_id: str) -> tuple[str, str] | None:
        """(phone, code) the phone shows for this session, or None when nothing is asked of it."""
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None or session.identity is None or session.result is not None:
                return None
            return session.phone, session.code

    def confirm(self, session_id: str) -> bool:
        """Təsdiq pressed: True when the phone should now ask for PIN1."""
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return False
            self._expire(session)
            if session.result is not None:
                return False
            session.confirmed = True
            return True

    def cancel(self, session_id: str) -> None:
        with self._lock:
            session = self._sessions.get(session_id)
            if session is not None and session.result is None:
                session.result = MidResult.USER_CANCELLED
                self._changed.notify_all()

    def enter_pin(self, session_id: str, pin: str) -> tuple[PinAnswer, int]:
        """PIN1 typed on the phone (slow: scrypt; call it from a worker). Returns the answer
        and the tries left."""
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None or not session.confirmed or session.identity is None:
                return PinAnswer.BLOCKED, 0
            self._expire(session)
            if session.result is not None:
                return PinAnswer.BLOCKED, 0
            user_id = session.identity.user_id
        check, left = self._store.check_pin(user_id, pin)
        with self._lock:
            if session.result is None:
                if check is PinCheck.OK:
                    session.result = MidResult.OK
                elif check is PinCheck.BLOCKED:
                    session.result = MidResult.PIN_BLOCKED
                self._changed.notify_all()
        if check is PinCheck.OK:
            return PinAnswer.ACCEPTED, left
        if check is PinCheck.WRONG and self.on_wrong_pin is not None:
            self.on_wrong_pin(user_id)
        return (PinAnswer.BLOCKED, 0) if check is PinCheck.BLOCKED else (PinAnswer.WRONG, left)
