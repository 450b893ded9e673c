"""Logins through the Mobile-ID provider: the role each mode admits, and their audit rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from izle.data.guard import demo_login_refused
from izle.data.identities import Identity
from izle.data.mobile_id import MidResult, MidStart, MidStatus, MobileIdProvider
from izle.data.modes import Mode, ModeProfile

from izle.data.desk.audited import AuditTrail
from izle.data.desk.session import Session


class LoginOutcome(Enum):
    OK = "OK"
    USER_CANCELLED = "USER_CANCELLED"
    TIMEOUT = "TIMEOUT"
    NOT_MID_CLIENT = "NOT_MID_CLIENT"
    PIN_BLOCKED = "PIN_BLOCKED"
    ROLE_REFUSED = "ROLE_REFUSED"
    NOT_RECORDED = "NOT_RECORDED"  # the audit row could not be written: no session without it


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    session: Session | None = None

    @property
    def ok(self) -> bool:
        """Logged in: a session is open."""
        return self.outcome is LoginOutcome.OK


class Logins:
    """Asks the provider, applies the mode's rule and audits; the desk keeps the session."""

    def __init__(self, provider: MobileIdProvider, profile: ModeProfile, trail: AuditTrail,
                 tag: Callable[[str], object], register_kind: Callable[[], str | None]) -> None:
        self.provider, self.profile, self.trail = provider, profile, trail
        self._tag = tag  # personal data goes to the audit log only as its keyed hash
        self._register_kind = register_kind  # `meta.kind`: a demo's keys open only a demo
        self._abandoned: set[str] = set()  # login sessions nobody waits for any more

    def poll(self, started: MidStart, wait: float) -> MidStatus | None:
        """The provider's answer, once complete (None while the person has not answered, or
        when nobody waits for this login any more); `finish` then decides and audits."""
        status = self.provider.status(started.session_id, wait)
        if not status.complete or started.session_id in self._abandoned:
            return None
        return status

    def finish(self, phone: str, user_id: str, status: MidStatus) -> LoginResult:
        return self._finish(phone, user_id, status.result, status.identity)  # type: ignore[arg-type]

    def abandon(self, started: MidStart) -> None:
        self._abandoned.add(started.session_id)
        self.provider.abandon(started.session_id)

    def abandoned(self, started: MidStart) -> bool:
        return started.session_id in self._abandoned

    def refused_before_start(self, identity: Identity | None, user_id: str) -> LoginResult | None:
        """A known identity this mode does not admit (a citizen in operator mode) is refused
        before the provider sends its phone a code: nobody confirms a login that cannot work."""
        admitted = self.profile.admitted_roles
        if identity is None or admitted is None or identity.role in admitted:
            return None
        self.trail.record_safely("login", LoginOutcome.ROLE_REFUSED.value,
                                 {"user_id": user_id, "before_code": True}, actor=user_id)
        return LoginResult(LoginOutcome.ROLE_REFUSED)

    def _finish(self, phone: str, user_id: str, result: MidResult,
                identity: Identity | None) -> LoginResult:
        outcome = LoginOutcome(result.value)
        admitted = self.profile.admitted_roles
        if identity is not None and admitted is not None and identity.role not in admitted:
            outcome = LoginOutcome.ROLE_REFUSED
        query = {"user_id": user_id}
        if identity is not None and demo_login_refused(self._register_kind(), identity.user_id,
                                                       identity.phone):
            outcome, query["refused"] = LoginOutcome.NOT_MID_CLIENT, "demo_identity"
        if outcome is LoginOutcome.NOT_MID_CLIENT:
            query["phone"] = self._tag(phone)
        if outcome is LoginOutcome.PIN_BLOCKED and identity is None:
            self.trail.record_safely("pin_block", "blocked", {"user_id": user_id}, actor=user_id)
        recorded = self.trail.record_safely("login", outcome.value, query, actor=user_id)
        if outcome is not LoginOutcome.OK:
            return LoginResult(outcome)
        if not recorded:  # the audit row is part of the login: without it, no session
            return LoginResult(LoginOutcome.NOT_RECORDED)
        session = Session(identity)  # type: ignore[arg-type]
        if self.profile.mode is Mode.CITIZEN:  # a citizen lists only their own letters
            session.applicant = identity.fin or None  # type: ignore[union-attr]
        return LoginResult(LoginOutcome.OK, session)
