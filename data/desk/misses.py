"""Misses: lookups and searches that found nothing to show, and what follows from them.

A citizen's session ends after `session_misses`; misses per person are also counted across
sessions and restarts (from the audit log), slowed down after a few and refused for a while
after many. An operator's burst is flagged, and a sustained one locks that operator's lookups
until an administrator unlocks them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from izle.data.clock import Clock
from izle.data.limits import Limits
from izle.data.modes import OPERATOR_ROLES, ModeProfile
from izle.data.terminal import StoreError, TerminalStore

from izle.data.desk.answers import Consequence
from izle.data.desk.audited import AuditTrail
from izle.data.desk.session import Session


class MissRules:
    def __init__(self, store: TerminalStore, clock: Clock, limits: Limits, profile: ModeProfile,
                 trail: AuditTrail) -> None:
        self.store, self.clock, self.limits, self.profile = store, clock, limits, profile
        self.trail = trail

    def _since(self, seconds: float) -> str:
        return (self.clock.now() - timedelta(seconds=seconds)).isoformat(timespec="milliseconds")

    def _recent_misses(self, user: str, window: float) -> int:
        return self.store.misses_since(user, self._since(window))

    def _operator_misses(self, user: str, window: float) -> int:
        """An operator's misses within `window`, but none from before an administrator last
        lifted their lookup lock (`izle identity unblock`): the misses that locked them are
        forgiven, or the very next miss would lock them again. A citizen's count never
        looks at this (their lookups are never locked, only refused while a window lasts)."""
        since = self.clock.now() - timedelta(seconds=window)
        unlocked = self.store.lookups_unlocked_at(user)
        if unlocked:
            since = max(since, datetime.fromisoformat(unlocked).astimezone(timezone.utc))
        return self.store.misses_since(user, since.isoformat(timespec="milliseconds"))

    def locked(self, session: Session) -> bool:
        """Refused before any lookup: too many misses by this person lately, or (operator) a
        lock an administrator has not lifted yet."""
        user, limits = session.identity.user_id, self.limits
        if session.identity.role in OPERATOR_ROLES and self.profile.locks_lookups:
            # The count too, not only the lock it leads to: concurrent sessions of one operator
            # would each pass before the lock is set.
            return self.store.lookups_locked(user) or \
                self._operator_misses(user, limits.lock_window) >= limits.lock_misses
        return self._recent_misses(user, limits.person_window) >= limits.person_misses

    def api_refused(self, actor: str, per_caller: bool, terminal: str) -> bool:
        """The JSON interface's refusal before any lookup: a phone caller (`per_caller`) over a
        person's limit, the requests without a caller over their shared hourly budget, or the
        calling system over its own."""
        limits = self.limits
        if per_caller:
            over = self._recent_misses(actor, limits.person_window) >= limits.person_misses
        else:
            over = self._recent_misses(actor, limits.api_window) >= limits.anonymous_misses
        return over or self.store.api_misses_since(terminal, self._since(limits.api_window)) \
            >= limits.api_misses

    def slow_down(self, user: str, on_wait: Callable[[float], None] | None = None) -> None:
        """After a few recent misses every answer of this person waits, found or not (a wait
        only on misses would tell them apart), doubling per miss up to `slow_max`; `on_wait`
        hears how long first, so the person is told rather than left looking at a dim button."""
        count = self._operator_misses if self.profile.locks_lookups else self._recent_misses
        recent = count(user, self.limits.burst_window)
        if recent >= self.limits.slow_from:
            seconds = min(self.limits.slow_max, 0.5 * 2 ** (recent - self.limits.slow_from))
            if on_wait is not None:
                on_wait(seconds)
            self.clock.sleep(seconds)

    def left_in_session(self, session: Session) -> int | None:
        """A citizen's misses left in this session before it ends; None where misses do not
        end a session (an operator's)."""
        if self.profile.locks_lookups:
            return None
        return max(self.limits.session_misses - session.misses, 0)

    def missed(self, session: Session | None, asked: float) -> Consequence:
        """Every miss of every door ends here — a citizen's or an operator's lookup, an
        operator's applicant search, the JSON interface's lookup: what it costs the person
        (nothing more for the API, whose callers are counted before the lookup), then the
        answer at the one fixed moment."""
        consequence = self.after_miss(session) if session is not None else Consequence.NONE
        self.answer_on_time(asked)
        return consequence

    def answer_on_time(self, asked: float) -> None:
        """A miss of another person's letter, of a number that does not exist and of a wrong
        date read the same; they must also take the same time. The queries differ by a few
        hundred nanoseconds (an index probe ends at another depth) and the audit write by its
        disk: so every miss is answered at one fixed moment after it was asked."""
        left = self.limits.miss_answer - (self.clock.monotonic() - asked)
        if left > 0:
            self.clock.sleep(left)

    def after_miss(self, session: Session) -> Consequence:
        limits, user = self.limits, session.identity.user_id
        session.misses += 1
        if self.profile.locks_lookups:
            return self._operator_after_miss(session)
        if self._recent_misses(user, limits.person_window) >= limits.person_misses:
            self.trail.record_safely("flag", "person_limit", {"limit": limits.person_misses})
            return Consequence.LOCKED
        if session.misses >= limits.session_misses:
            return Consequence.SESSION_ENDED
        return Consequence.NONE

    def _operator_after_miss(self, session: Session) -> Consequence:
        limits, user, now = self.limits, session.identity.user_id, self.clock.monotonic()
        try:
            if self._operator_misses(user, limits.lock_window) >= limits.lock_misses:
                self.store.lock_lookups(user)
                self.trail.record_safely("flag", "lookups_locked", {"limit": limits.lock_misses,
                                                                    "window_s": int(limits.lock_window)})
                return Consequence.LOCKED
        except StoreError:
            pass
        session.miss_times = [t for t in session.miss_times if now - t <= limits.burst_window] + [now]
        if len(session.miss_times) >= limits.burst_misses:
            session.miss_times.clear()
            self.trail.record_safely("flag", "miss_burst", {"limit": limits.burst_misses,
                                                            "window_s": int(limits.burst_window)})
            return Consequence.FLAGGED
        return Consequence.NONE
