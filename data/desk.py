"""The desk: every rule of a session at one terminal, in plain Python (no Textual, no SQL).

A screen asks the desk and renders the typed answer; it decides nothing. The desk owns:
- the mode's rule: a citizen finds only their own letters; an operator finds any letter, but
  its details are built only after the caller check matched;
- logins through the Mobile-ID provider, the role each mode admits, and their audit rows;
- misses: a citizen's session ends after `session_misses`; misses per person are also
  counted across sessions and restarts (from the audit log), slowed down after a few and
  refused for a while after many; an operator's burst is flagged, and a sustained one locks
  that operator's lookups until an administrator unlocks them;
- the audit row of every login step and lookup, written before anything is shown.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from enum import Enum

from izle.data.caller import caller_key, caller_matches, same_surname
from izle.data.clock import Clock
from izle.data.identities import Identity
from izle.data.limits import Limits  # noqa: F401 - part of the desk's interface
from izle.data.letters import Agency, LetterRow, LetterView, Register
from izle.data.mobile_id import MidResult, MidStart, MobileIdProvider
from izle.data.problems import N_, Problem
from izle.data.terminal import StoreError, TerminalStore
from izle.data.text import fold, normalize_fin, normalize_phone, normalize_reg_no, parse_date

LOWEST_YEAR = 1991  # the Committee's register starts with independence
OPERATOR_ROLES = ("operator", "admin")


class Mode(Enum):
    CITIZEN = "citizen"
    OPERATOR = "operator"
    API = "api"


class LoginOutcome(Enum):
    OK = "OK"
    USER_CANCELLED = "USER_CANCELLED"
    TIMEOUT = "TIMEOUT"
    NOT_MID_CLIENT = "NOT_MID_CLIENT"
    PIN_BLOCKED = "PIN_BLOCKED"
    ROLE_REFUSED = "ROLE_REFUSED"
    NOT_RECORDED = "NOT_RECORDED"  # the audit row could not be written: no session without it


class Outcome(Enum):
    FOUND = "found"            # shown: a citizen's own letter, or a verified caller's
    MISS = "miss"              # nothing to show (for a citizen also: wrong date, not yours)
    UNVERIFIED = "unverified"  # operator: the letter exists, the caller check failed
    REFUSED = "refused"        # too many misses: no lookup was made
    FAILED = "failed"          # the register or the audit failed: nothing is shown


class Consequence(Enum):
    NONE = "none"
    SESSION_ENDED = "session_ended"  # a citizen's last allowed miss of this session
    FLAGGED = "flagged"              # an operator's burst of misses, recorded for the supervisor
    LOCKED = "locked"                # lookups refused until the window passes or an admin unlocks


@dataclass(frozen=True)
class FormProblem:
    """A form field that is wrong, and why."""

    field: str  # "phone", "user_id", "number", "date", "caller"
    problem: Problem


@dataclass(frozen=True)
class LookupRequest:
    agency: Agency
    number: str
    reg_date: date
    caller: str = ""


@dataclass(frozen=True)
class LookupAnswer:
    outcome: Outcome
    letter: LetterView | None = None
    consequence: Consequence = Consequence.NONE


@dataclass(frozen=True)
class ListAnswer:
    """A page of a list of letters. `more`: another page follows (ask with `more_letters`)."""

    outcome: Outcome
    rows: tuple[LetterRow, ...] = ()
    more: bool = False
    consequence: Consequence = Consequence.NONE


@dataclass
class Session:
    """The person logged in at this terminal, and what they have done in this session."""

    identity: Identity
    agency: Agency | None = None
    # Whose letters this session may list and open from the list: a citizen's own FIN; for an
    # operator, the applicant whose FIN and surname the caller stated (None before a search).
    applicant: str | None = None
    misses: int = 0
    miss_times: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    session: Session | None = None

    @property
    def ok(self) -> bool:
        """Logged in: a session is open."""
        return self.outcome is LoginOutcome.OK


class Desk:
    """One terminal's session rules. Thread-safe: screens call it from workers."""

    def __init__(self, *, register: Register, store: TerminalStore, provider: MobileIdProvider,
                 clock: Clock, mode: Mode = Mode.CITIZEN, audit_mode: str | None = None,
                 terminal: str = "-", limits: Limits | None = None) -> None:
        self.register, self.store, self.provider, self.clock = register, store, provider, clock
        self.mode, self.terminal = mode, terminal
        self.audit_mode = audit_mode or mode.value
        self.limits = limits or Limits()
        self.session: Session | None = None
        self._lock = threading.RLock()
        self._abandoned: set[str] = set()  # login sessions nobody waits for any more

    # --- the audit --------------------------------------------------------------------------

    @property
    def actor(self) -> str:
        return self.session.identity.user_id if self.session else "-"

    def record(self, action: str, outcome: str, query: dict | None = None,
               actor: str | None = None) -> int:
        """Append to the audit log; StoreError when it cannot (the caller then shows nothing)."""
        return self.store.record(terminal=self.terminal, mode=self.audit_mode,
                                 actor=actor or self.actor, action=action, outcome=outcome,
                                 query=query)

    def record_safely(self, action: str, outcome: str, query: dict | None = None,
                      actor: str | None = None) -> bool:
        """`record`, for steps that go on anyway (a refusal, a logout); False if it failed."""
        try:
            self.record(action, outcome, query, actor)
        except StoreError:
            return False
        return True

    # --- the clock's rules for forms --------------------------------------------------------

    def today(self) -> date:
        return self.clock.today()

    def check_date(self, text: str) -> date | FormProblem:
        """A registration date: real, not before LOWEST_YEAR, not in the future."""
        if not text.strip():
            return FormProblem("date", Problem("empty", N_("Enter the registration date, e.g. 05.03.2026.")))
        try:
            value = parse_date(text)
        except ValueError:
            return FormProblem("date", Problem("no_such_date", N_("There is no such date. Enter it as DD.MM.YYYY, e.g. 05.03.2026.")))
        if value > self.today():
            return FormProblem("date", Problem("future", N_("The registration date cannot be in the future.")))
        if value.year < LOWEST_YEAR:
            return FormProblem("date", Problem("too_early", N_("The register starts in {year}: check the year.")
                                               , {"year": LOWEST_YEAR}))
        return value

    def check_lookup(self, agency: Agency, number: str, date_text: str,
                     caller: str = "") -> LookupRequest | FormProblem:
        """The number form, checked before any lookup is made."""
        number = number.strip()
        if not number or not normalize_reg_no(number):
            return FormProblem("number", Problem("empty", N_("Enter the letter's registration number.")))
        checked = self.check_date(date_text)
        if isinstance(checked, FormProblem):
            return checked
        caller = caller.strip()
        if self.mode is Mode.OPERATOR and not caller:
            return FormProblem("caller", Problem("empty", N_("Ask the caller for the applicant's FIN or surname and enter it as they say it.")))
        return LookupRequest(agency, number, checked, caller)

    def check_login(self, phone_text: str, user_id_text: str) -> tuple[str, str] | FormProblem:
        phone = normalize_phone(phone_text)
        if phone is None:
            return FormProblem("phone", Problem("phone", N_("Enter a mobile number like 050 123 45 67 (+994 and an operator code 10, 50, 51, 55, 60, 70, 77 or 99).")))
        user_id = user_id_text.strip()
        if not user_id:
            return FormProblem("user_id", Problem("user_id", N_("Enter your user ID.")))
        return phone, user_id

    # --- login ------------------------------------------------------------------------------

    def start_login(self, phone: str, user_id: str) -> MidStart:
        """Ask the provider to start; StoreError when terminal.db cannot be read."""
        return self.provider.start(phone, user_id)

    def poll_login(self, phone: str, user_id: str, started: MidStart,
                   wait: float = 0.0) -> LoginResult | None:
        """Ask the provider (MID-REST's session status, held up to `wait` seconds): None while
        the person has not answered on the phone, or when the login was abandoned meanwhile;
        when complete, apply the mode's rule, audit, open the session."""
        status = self.provider.status(started.session_id, wait)
        if not status.complete or started.session_id in self._abandoned:
            return None
        return self._finish_login(phone, user_id, status.result, status.identity)  # type: ignore[arg-type]

    def abandon_login(self, started: MidStart) -> None:
        """Nobody waits for this login any more (logout, idle): the provider stops asking the
        phone, and a status request still held for it completes nothing."""
        self._abandoned.add(started.session_id)
        self.provider.abandon(started.session_id)

    def login_abandoned(self, started: MidStart) -> bool:
        return started.session_id in self._abandoned

    def _finish_login(self, phone: str, user_id: str, result: MidResult,
                      identity: Identity | None) -> LoginResult:
        outcome = LoginOutcome(result.value)
        if identity is not None and self.mode is Mode.OPERATOR and identity.role not in OPERATOR_ROLES:
            outcome = LoginOutcome.ROLE_REFUSED
        query = {"user_id": user_id}
        if outcome is LoginOutcome.NOT_MID_CLIENT:
            query["phone"] = self._tag(phone)  # personal data: only its keyed hash
        if outcome is LoginOutcome.PIN_BLOCKED and identity is None:
            self.record_safely("pin_block", "blocked", {"user_id": user_id}, actor=user_id)
        recorded = self.record_safely("login", outcome.value, query, actor=user_id)
        if outcome is not LoginOutcome.OK:
            return LoginResult(outcome)
        if not recorded:  # the audit row is part of the login: without it, no session
            return LoginResult(LoginOutcome.NOT_RECORDED)
        with self._lock:
            self.session = Session(identity)  # type: ignore[arg-type]
            if self.mode is Mode.CITIZEN:
                self.session.applicant = identity.fin or None  # type: ignore[union-attr]
        return LoginResult(LoginOutcome.OK, self.session)

    def _tag(self, value: str) -> str:
        try:
            return self.store.tag(value)
        except StoreError:
            return "?"

    def close_session(self) -> Session | None:
        """End the session in memory at once (nothing may act for the person any more) and
        return it, so its logout can be audited off the UI thread (`record_logout`)."""
        with self._lock:
            closed, self.session = self.session, None
        return closed

    def record_logout(self, closed: Session, reason: str) -> None:
        self.record_safely("logout", reason, actor=closed.identity.user_id)

    def end_session(self, reason: str) -> None:
        """Log out and audit it, in one call (the API, a stop)."""
        closed = self.close_session()
        if closed is not None:
            self.record_logout(closed, reason)

    def agencies(self) -> list[Agency] | None:
        """The authorities to choose from; None when the register cannot be read."""
        try:
            return self.register.agencies()
        except sqlite3.Error:
            return None

    def register_damage(self) -> str | None:
        """Damaged pages, a missing table, a vanished file: what is wrong, or None."""
        try:
            return self.register.damage()
        except sqlite3.Error as error:
            return str(error)

    def register_unfilled(self):
        """A register with no letters that no import, demo or sync filled: a Problem, or None."""
        from izle.data.check import unfilled_register

        return unfilled_register(self.register.path)

    def choose_agency(self, code: str) -> Agency | None:
        agency = self.register.agency(code)
        if agency is not None and self.session is not None:
            self.session.agency = agency
        return agency

    # --- lookups ----------------------------------------------------------------------------

    def lookup(self, request: LookupRequest) -> LookupAnswer:
        """One lookup under this mode's rule, audited before anything is shown."""
        with self._lock:
            session = self.session
        if session is None:
            return LookupAnswer(Outcome.FAILED)
        user, asked = session.identity.user_id, self.clock.monotonic()
        query = {"agency": request.agency.code, "reg_no": normalize_reg_no(request.number),
                 "reg_date": request.reg_date.isoformat()}
        try:
            if self._locked(session):
                self.record("lookup", Outcome.REFUSED.value, query)
                return LookupAnswer(Outcome.REFUSED, consequence=Consequence.LOCKED)
            self._slow_down(user)
            outcome, letter = self._find(session, request, query)
            self.record("lookup", outcome.value, query)
        except (StoreError, OSError):
            return LookupAnswer(Outcome.FAILED)
        except sqlite3.Error:  # the register: damaged, replaced, missing a table
            self.record_safely("lookup", Outcome.FAILED.value, query)
            return LookupAnswer(Outcome.FAILED)
        if outcome is Outcome.FOUND:
            return LookupAnswer(outcome, letter)
        answer = LookupAnswer(outcome, consequence=self._after_miss(session))
        self._answer_on_time(asked)
        return answer

    def _answer_on_time(self, asked: float) -> None:
        """A miss of another person's letter, of a number that does not exist and of a wrong
        date read the same; they must also take the same time. The queries differ by a few
        hundred nanoseconds (an index probe ends at another depth) and the audit write by its
        disk: so every miss is answered at one fixed moment after it was asked."""
        left = self.limits.miss_answer - (self.clock.monotonic() - asked)
        if left > 0:
            self.clock.sleep(left)

    def _find(self, session: Session, request: LookupRequest,
              query: dict) -> tuple[Outcome, LetterView | None]:
        if self.mode is Mode.OPERATOR:
            found = self.register.find_applicant(request.agency.code, request.number, request.reg_date)
            query["caller"] = self._tag(caller_key(request.caller))
            if found is None:
                query["check"] = "none"
                return Outcome.MISS, None
            letter_id, fin, name = found
            if not caller_matches(fin, name, request.caller):  # checked before any detail is built
                query["check"] = "mismatch"
                return Outcome.UNVERIFIED, None
            query["check"] = "match"
            return Outcome.FOUND, self.register.letter(letter_id)
        letter = self.register.find_citizen_letter(request.agency.code, request.number,
                                                   request.reg_date, session.identity.fin)
        return (Outcome.FOUND, letter) if letter else (Outcome.MISS, None)

    # --- misses -----------------------------------------------------------------------------

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

    def _locked(self, session: Session) -> bool:
        """Refused before any lookup: too many misses by this person lately, or (operator) a
        lock an administrator has not lifted yet."""
        if session.identity.role in OPERATOR_ROLES and self.mode is Mode.OPERATOR:
            return self.store.lookups_locked(session.identity.user_id)
        return self._recent_misses(session.identity.user_id, self.limits.person_window) \
            >= self.limits.person_misses

    def _slow_down(self, user: str) -> None:
        """After a few recent misses every answer of this person waits, found or not (a wait
        only on misses would tell them apart), doubling per miss up to `slow_max`."""
        count = self._operator_misses if self.mode is Mode.OPERATOR else self._recent_misses
        recent = count(user, self.limits.burst_window)
        if recent >= self.limits.slow_from:
            self.clock.sleep(min(self.limits.slow_max, 0.5 * 2 ** (recent - self.limits.slow_from)))

    def _after_miss(self, session: Session) -> Consequence:
        limits, user = self.limits, session.identity.user_id
        session.misses += 1
        if self.mode is Mode.OPERATOR:
            return self._operator_after_miss(session)
        if self._recent_misses(user, limits.person_window) >= limits.person_misses:
            self.record_safely("flag", "person_limit", {"limit": limits.person_misses})
            return Consequence.LOCKED
        if session.misses >= limits.session_misses:
            return Consequence.SESSION_ENDED
        return Consequence.NONE

    def _operator_after_miss(self, session: Session) -> Consequence:
        limits, user, now = self.limits, session.identity.user_id, self.clock.monotonic()
        try:
            if self._operator_misses(user, limits.lock_window) >= limits.lock_misses:
                self.store.lock_lookups(user)
                self.record_safely("flag", "lookups_locked", {"limit": limits.lock_misses,
                                                              "window_s": int(limits.lock_window)})
                return Consequence.LOCKED
        except StoreError:
            pass
        session.miss_times = [t for t in session.miss_times if now - t <= limits.burst_window] + [now]
        if len(session.miss_times) >= limits.burst_misses:
            session.miss_times.clear()
            self.record_safely("flag", "miss_burst", {"limit": limits.burst_misses,
                                                      "window_s": int(limits.burst_window)})
            return Consequence.FLAGGED
        return Consequence.NONE

    # --- lists of letters: "my letters", an operator's applicant search ---------------------

    def my_letters(self) -> ListAnswer:
        """The first page of the letters this session may list (a citizen's own), audited."""
        return self.more_letters(None)

    def more_letters(self, after: LetterRow | None) -> ListAnswer:
        """The page after `after` (None: the first page), newest first, audited as `list`."""
        with self._lock:
            session = self.session
        if session is None or (not session.applicant and self.mode is not Mode.CITIZEN):
            return ListAnswer(Outcome.FAILED)
        if not session.applicant:  # a citizen without a FIN has no letters: still audited
            recorded = self.record_safely("list", "empty", {"after": after is not None, "rows": 0})
            return ListAnswer(Outcome.MISS if recorded else Outcome.FAILED)
        try:
            rows, more = self._page(session.applicant, after)
            self.record("list", "found" if rows else "empty",
                        {"applicant": self._tag(session.applicant), "after": after is not None,
                         "rows": len(rows)})
        except (StoreError, OSError):
            return ListAnswer(Outcome.FAILED)
        except sqlite3.Error:
            self.record_safely("list", Outcome.FAILED.value)
            return ListAnswer(Outcome.FAILED)
        return ListAnswer(Outcome.FOUND if rows else Outcome.MISS, rows, more)

    def _page(self, fin: str, after: LetterRow | None) -> tuple[tuple[LetterRow, ...], bool]:
        size = self.limits.page_size
        rows = self.register.letters_of(fin, size + 1, after.position if after else None)
        return tuple(rows[:size]), len(rows) > size

    def check_applicant(self, fin_text: str, surname_text: str) -> tuple[str, str] | FormProblem:
        """The operator's applicant search form: a FIN's shape, and a surname."""
        fin = normalize_fin(fin_text)
        if fin is None:
            return FormProblem("fin", Problem("fin", N_("Enter the applicant's FIN: 7 letters and digits, e.g. 5ZK9Q2M.")))
        if not fold(surname_text).strip():
            return FormProblem("surname", Problem("empty", N_("Enter the applicant's surname as the caller states it.")))
        return fin, surname_text.strip()

    def find_applicant(self, fin: str, surname: str) -> ListAnswer:
        """An operator's search by applicant: FIN and surname must both name the same applicant
        (the surname in any usual spelling). Audited as `search` with keyed hashes only; a
        search that finds nothing is a miss like a lookup's (burst flag, lock)."""
        with self._lock:
            session = self.session
        if session is None or self.mode is not Mode.OPERATOR:
            return ListAnswer(Outcome.FAILED)
        session.applicant = None  # the last caller's letters are gone before anything else
        query = {"fin": self._tag(fin), "surname": self._tag(caller_key(surname))}
        try:
            if self._locked(session):
                self.record("search", Outcome.REFUSED.value, query)
                return ListAnswer(Outcome.REFUSED, consequence=Consequence.LOCKED)
            self._slow_down(session.identity.user_id)
            names = self.register.applicant_names(fin)
            verified = any(same_surname(surname, name) for name in names)
            rows, more = self._page(fin, None) if verified else ((), False)
            self.record("search", Outcome.FOUND.value if verified else Outcome.UNVERIFIED.value, query)
        except (StoreError, OSError):
            return ListAnswer(Outcome.FAILED)
        except sqlite3.Error:
            self.record_safely("search", Outcome.FAILED.value, query)
            return ListAnswer(Outcome.FAILED)
        if not verified:
            return ListAnswer(Outcome.UNVERIFIED, consequence=self._after_miss(session))
        session.applicant = fin
        return ListAnswer(Outcome.FOUND, rows, more)

    def open_listed(self, row: LetterRow) -> LookupAnswer:
        """A letter chosen from the list, read again under the list's rule (its applicant is the
        one this session may list) and audited as a lookup."""
        with self._lock:
            session = self.session
        if session is None or not session.applicant:
            return LookupAnswer(Outcome.FAILED)
        query = {"agency": row.agency.code, "reg_no": normalize_reg_no(row.reg_no),
                 "reg_date": row.reg_date.isoformat(), "via": "list"}
        try:
            letter = self.register.find_citizen_letter(row.agency.code, row.reg_no, row.reg_date,
                                                       session.applicant)
            self.record("lookup", Outcome.FOUND.value if letter else Outcome.MISS.value, query)
        except (StoreError, OSError):
            return LookupAnswer(Outcome.FAILED)
        except sqlite3.Error:
            self.record_safely("lookup", Outcome.FAILED.value, query)
            return LookupAnswer(Outcome.FAILED)
        return LookupAnswer(Outcome.FOUND, letter) if letter else LookupAnswer(Outcome.MISS)

    # --- the API (izle lookup --json): one request, no login ---------------------------------

    def check_api(self, agency: str, number: str, date_text: str, fin: str | None,
                  surname: str | None) -> LookupRequest | FormProblem:
        """A machine's request, checked like the number form, plus exactly one of FIN/surname."""
        found = self.register.agency(str(agency or "").strip())
        if found is None:
            return FormProblem("agency", Problem("agency", N_("No such customs authority code.")))
        if bool(fin) == bool(surname):
            return FormProblem("caller", Problem("caller", N_("Give the applicant's FIN or surname (one of them).")))
        if fin and normalize_fin(fin) is None:
            return FormProblem("caller", Problem("fin", N_("Enter the applicant's FIN: 7 letters and digits, e.g. 5ZK9Q2M.")))
        checked = self.check_lookup(found, number, date_text)
        if isinstance(checked, FormProblem):
            return checked
        return LookupRequest(found, checked.number, checked.reg_date,
                             normalize_fin(fin) if fin else surname.strip())  # type: ignore[union-attr]

    def api_lookup(self, request: LookupRequest, by_fin: bool) -> LookupAnswer:
        """The API's rule, the operator's: a letter's details are built only after the caller
        check (FIN exactly, or surname in its usual spellings) matched the applicant. The actor
        is the calling system (`terminal`); no miss limit applies to it (an IVR answers many
        people), but every call is audited in mode `api`."""
        query = {"agency": request.agency.code, "reg_no": normalize_reg_no(request.number),
                 "reg_date": request.reg_date.isoformat(), "by": "fin" if by_fin else "surname",
                 "caller": self._tag(caller_key(request.caller))}
        try:
            found = self.register.find_applicant(request.agency.code, request.number, request.reg_date)
            letter = None
            if found is not None:
                letter_id, fin, name = found
                matched = fin == request.caller if by_fin else same_surname(request.caller, name)
                if matched:
                    letter = self.register.letter(letter_id)
            outcome = (Outcome.FOUND if letter else
                       Outcome.MISS if found is None else Outcome.UNVERIFIED)
            self.record("lookup", outcome.value, query, actor=self.terminal)
        except (StoreError, OSError):
            return LookupAnswer(Outcome.FAILED)
        except sqlite3.Error:
            self.record_safely("lookup", Outcome.FAILED.value, query, actor=self.terminal)
            return LookupAnswer(Outcome.FAILED)
        return LookupAnswer(outcome, letter)
