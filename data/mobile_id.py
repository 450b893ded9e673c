"""An emulation of Asan İmza, the national mobile signature, modelled on Mobile-ID (MID-REST).

The TUI talks only to `MobileIdProvider`; a real provider can replace `EmulatedMobileId`
without touching a screen. The emulated phone is a panel on the same terminal.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

from data import identities
from data.identities import Identity, PinCheck


class MidResult(Enum):
    """Session outcomes as MID-REST names them, plus a wrong PIN with tries left."""

    OK = "OK"
    USER_CANCELLED = "USER_CANCELLED"
    TIMEOUT = "TIMEOUT"
    NOT_MID_CLIENT = "NOT_MID_CLIENT"
    PIN_BLOCKED = "PIN_BLOCKED"
    WRONG_PIN = "WRONG_PIN"


def verification_code(digest: bytes) -> str:
    """Mobile-ID's 4-digit code: 6 high bits of the first byte, 7 low bits of the last."""
    return f"{((digest[0] & 0xFC) << 5) | (digest[-1] & 0x7F):04d}"


@dataclass
class MidSession:
    identity: Identity
    code: str
    deadline: float
    confirmed: bool = False
    finished: MidResult | None = field(default=None)


@dataclass(frozen=True)
class PinOutcome:
    result: MidResult
    tries_left: int
    identity: Identity | None = None


class MobileIdProvider(Protocol):
    def start(self, phone: str, user_id: str) -> MidSession | MidResult: ...
    def confirm(self, session: MidSession) -> MidResult | None: ...
    def cancel(self, session: MidSession) -> MidResult: ...
    def submit_pin(self, session: MidSession, pin: str) -> PinOutcome: ...


class EmulatedMobileId:
    """Checks identities in terminal.db; the challenge and its code are real Mobile-ID maths."""

    def __init__(self, conn: sqlite3.Connection, confirm_timeout: float = 120,
                 clock=time.monotonic) -> None:
        self._conn = conn
        self._timeout = confirm_timeout
        self._clock = clock

    def start(self, phone: str, user_id: str) -> MidSession | MidResult:
        identity = identities.find_identity(self._conn, phone, user_id)
        if identity is None:
            return MidResult.NOT_MID_CLIENT
        if identity.blocked:
            return MidResult.PIN_BLOCKED
        digest = hashlib.sha256(os.urandom(32)).digest()
        return MidSession(identity, verification_code(digest), self._clock() + self._timeout)

    def _expired(self, session: MidSession) -> bool:
        if session.finished is None and self._clock() > session.deadline:
            session.finished = MidResult.TIMEOUT
        return session.finished is MidResult.TIMEOUT

    def confirm(self, session: MidSession) -> MidResult | None:
        """The person pressed Təsdiq on the phone; None means: now ask for PIN1."""
        if self._expired(session):
            return MidResult.TIMEOUT
        session.confirmed = True
        return None

    def cancel(self, session: MidSession) -> MidResult:
        session.finished = session.finished or MidResult.USER_CANCELLED
        return session.finished

    def submit_pin(self, session: MidSession, pin: str) -> PinOutcome:
        if self._expired(session):
            return PinOutcome(MidResult.TIMEOUT, 0)
        check, left = identities.check_pin(self._conn, session.identity.user_id, pin)
        if check is PinCheck.OK:
            session.finished = MidResult.OK
            return PinOutcome(MidResult.OK, left, session.identity)
        if check is PinCheck.BLOCKED:
            session.finished = MidResult.PIN_BLOCKED
            return PinOutcome(MidResult.PIN_BLOCKED, 0)
        return PinOutcome(MidResult.WRONG_PIN, left)
