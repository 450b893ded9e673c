"""The desk: every rule of a session at one terminal, in plain Python (no Textual, no SQL).

A screen asks the desk and renders the typed answer; it decides nothing. The desk holds the
session and puts its parts together: the forms' rules (`forms`), logins (`login`), the rule of
the mode (its `ModeProfile`: a citizen finds only their own letters; an operator finds any
letter, but its details are built only after the caller check matched), misses (`misses`) and
the audit row of every login step and lookup, written before anything is shown (`audited`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections import deque
from collections.abc import Callable
from datetime import date

from izle.data.audit import Tagged
from izle.data.caller import caller_key, caller_matches, same_surname
from izle.data.clock import Clock
from izle.data.letters import Agency, Ambiguous, LetterRow, LetterView, Register
from izle.data.limits import Limits
from izle.data.mobile_id import MidStart, MobileIdProvider
from izle.data.modes import Mode, profile
from izle.data.terminal import StoreError, TerminalStore
from izle.data.text import normalize_reg_no

from izle.data.desk import forms
from izle.data.desk.answers import Consequence, ListAnswer, LookupAnswer, Outcome
from izle.data.desk.audited import AuditTrail
from izle.data.desk.forms import FormProblem, LookupRequest
from izle.data.desk.login import LoginResult, Logins
from izle.data.desk.misses import MissRules
from izle.data.desk.session import Session


class Desk:
    """One terminal's session rules. Thread-safe: screens call it from workers."""

    def __init__(self, *, register: Register, store: TerminalStore, provider: MobileIdProvider,
                 clock: Clock, mode: Mode = Mode.CITIZEN, audit_mode: str | None = None,
                 terminal: str = "-", limits: Limits | None = None) -> None:
        self.register, self.store, self.provider, self.clock = register, store, provider, clock
        self.mode, self.profile, self.terminal = mode, profile(mode), terminal
        self.audit_mode = audit_mode or mode.value
        self.limits = limits or Limits()
        self.session: Session | None = None
        self._lock = threading.RLock()
        self._stopped = False  # the terminal is stopping: no login may complete any more
        self._finishing = threading.Lock()  # held while a login completes and is audited
        self._stopped_actor = "-"  # whose session the stop ended
        self._logouts: deque[tuple[str, str]] = deque()  # (actor, reason) not yet audited
        self._writing = threading.Lock()  # held while they are written, in order
        self.trail = AuditTrail(store, terminal, self.audit_mode, lambda: self.actor)
        self.misses = MissRules(store, clock, self.limits, self.profile, self.trail)
        self.logins = Logins(provider, self.profile, self.trail, self._tag, self._register_kind)

    # The audit

    @property
    def actor(self) -> str:
        return self.session.identity.user_id if self.session else "-"

    def record(self, action: str, outcome: str, query: dict | None = None,
               actor: str | None = None) -> int:
        """Append to the audit log; StoreError when it cannot (the caller then shows nothing)."""
        return self.trail.record(action, outcome, query, actor)

    def record_safely(self, action: str, outcome: str, query: dict | None = None,
                      actor: str | None = None) -> bool:
        """`record`, for steps that go on anyway (a refusal, a logout); False if it failed."""
        return self.trail.record_safely(action, outcome, query, actor)

    def _register_kind(self) -> str | None:
        """What the register says it is; unreadable: not known to be a demo."""
        try:
            return self.register.meta("kind")
        except sqlite3.Error:
            return None

    def _tag(self, value: str) -> Tagged:
        """Hashed with the audit row it goes into (data/audit.py's Tagged)."""
        return Tagged(value)

    # The forms, with this terminal's clock and mode

    def today(self) -> date:
        return self.clock.today()

    def check_date(self, text: str) -> date | FormProblem:
        return forms.check_date(text, self.today())

    def check_lookup(self, agency: Agency, number: str, date_text: str,
                     caller: str = "") -> LookupRequest | FormProblem:
        """The number form, checked before any lookup is made."""
        return forms.check_lookup(agency, number, date_text, caller, today=self.today(),
                                  asks_caller=self.mode is Mode.OPERATOR)

    def check_login(self, phone_text: str, user_id_text: str) -> tuple[str, str] | FormProblem:
        return forms.check_login(phone_text, user_id_text)

    def check_applicant(self, fin_text: str, surname_text: str) -> tuple[str, str] | FormProblem:
        return forms.check_applicant(fin_text, surname_text)

    def check_api(self, agency: str, number: str, date_text: str, fin: str | None,
                  surname: str | None) -> LookupRequest | FormProblem:
        """A machine's request, checked like the number form, plus exactly one of FIN/surname."""
        if bad := forms.not_text(agency=agency or "", number=number, date=date_text,
                                 caller=fin or "", surname=surname or ""):
            return FormProblem("caller" if bad.field == "surname" else bad.field, bad.problem)
        found = self.register.agency(str(agency or "").strip())
        return forms.check_api(found, number, date_text, fin, surname, self.today())

    # Login and logout

    def start_login(self, phone: str, user_id: str) -> MidStart | LoginResult:
        """Ask the provider to start, or refuse at once an identity this mode does not admit
        (no code is sent); StoreError when terminal.db cannot be read."""
        refused = self.logins.refused_before_start(self.store.find_identity(phone, user_id), user_id)
        return refused if refused is not None else self.provider.start(phone, user_id)

    def poll_login(self, phone: str, user_id: str, started: MidStart,
                   wait: float = 0.0) -> LoginResult | None:
        """Ask the provider (MID-REST's session status, held up to `wait` seconds): None while
        the person has not answered on the phone, or when the login was abandoned or the
        terminal stopped meanwhile; when complete, apply the mode's rule, audit, open the
        session."""
        status = self.logins.poll(started, wait)
        if status is None:
            return None
        with self._finishing:
            if self._stopped:  # the terminal stopped while the person answered: no session
                return None
            result = self.logins.finish(phone, user_id, status)
            if result.session is not None:
                with self._lock:
                    self.session = result.session
        return result

    def abandon_login(self, started: MidStart) -> None:
        """Nobody waits for this login any more (logout, idle): the provider stops asking the
        phone, and a status request still held for it completes nothing."""
        self.logins.abandon(started)

    def login_abandoned(self, started: MidStart) -> bool:
        return self.logins.abandoned(started)

    def close_session(self, reason: str) -> Session | None:
        """End the session in memory at once (nothing may act for the person any more) and
        return it; its logout row, for `reason`, waits in order for `write_logouts` (off the
        UI thread)."""
        with self._lock:
            closed, self.session = self.session, None
            if closed is not None:
                self._logouts.append((closed.identity.user_id, reason))
        return closed

    def write_logouts(self) -> None:
        """Audit the logouts of the sessions ended so far, in the order they ended: whichever
        thread writes them, a later row (a stop's) comes after them."""
        with self._writing:
            while True:
                with self._lock:
                    if not self._logouts:
                        return
                    actor, reason = self._logouts.popleft()
                self.record_safely("logout", reason, actor=actor)

    def stop(self, reason: str, *, wait: bool = True) -> Session | None:
        """The terminal stops (`reason`: the signal's name, or "admin"): from now on no login
        completes, and the session ends in memory at once, as `close_session`; without `wait`
        (the UI thread) that is all. With `wait`, a login being completed at this moment is
        waited for and the session it opened ended too, the logouts are written, and then the
        stop's own row, after them all."""
        self._stopped = True
        closed = self._close_for_stop()
        if not wait:
            return closed
        with self._finishing:
            pass
        closed = self._close_for_stop() or closed
        self.write_logouts()
        self.record_safely("stop", reason, actor=self._stopped_actor)
        return closed

    def _close_for_stop(self) -> Session | None:
        closed = self.close_session("stop")
        if closed is not None:
            self._stopped_actor = closed.identity.user_id  # the stop row's actor
        return closed

    def new_call(self) -> bool:
        """An operator's next caller: nothing of the last one stays in the session (the
        applicant found, the authority chosen), and the boundary between calls is audited.
        False when there is no operator session, or the audit row could not be written."""
        session = self._current()
        if session is None or self.mode is not Mode.OPERATOR:
            return False
        session.applicant, session.agency = None, None
        return self.record_safely("call", "new")

    def end_session(self, reason: str) -> None:
        """Log out and audit it, in one call (the API, a browser's tab)."""
        self.close_session(reason)
        self.write_logouts()

    # The register's authorities

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

    # Lookups

    def _current(self) -> Session | None:
        with self._lock:
            return self.session

    def lookup(self, request: LookupRequest,
               on_wait: Callable[[float], None] | None = None) -> LookupAnswer:
        """One lookup under this mode's rule, audited before anything is shown. `on_wait` hears
        how many seconds a deliberate slow-down will take, before it begins."""
        session = self._current()
        if session is None:
            return LookupAnswer(Outcome.FAILED)
        asked = self.clock.monotonic()
        query = {"agency": request.agency.code, "reg_no": normalize_reg_no(request.number),
                 "reg_date": request.reg_date.isoformat()}

        def step() -> tuple[str, LookupAnswer]:
            if self.misses.locked(session):
                return Outcome.REFUSED.value, LookupAnswer(Outcome.REFUSED, consequence=Consequence.LOCKED)
            outcome, letter = self._find(session, request, query)
            return outcome.value, LookupAnswer(outcome, letter)

        if not self._slowed_down(session.identity.user_id, on_wait):
            return LookupAnswer(Outcome.FAILED)
        answer = self.trail.audited("lookup", query, step, LookupAnswer(Outcome.FAILED))
        if answer.outcome not in (Outcome.MISS, Outcome.UNVERIFIED):
            return answer
        return LookupAnswer(answer.outcome, consequence=self.misses.missed(session, asked),
                            misses_left=self.misses.left_in_session(session))

    def _slowed_down(self, actor: str, on_wait: Callable[[float], None] | None = None) -> bool:
        """The person's slow-down, before the audited step (which holds terminal.db's write
        lock and must not sleep); False when terminal.db cannot be read."""
        try:
            self.misses.slow_down(actor, on_wait)
        except StoreError:
            return False
        return True

    def _find(self, session: Session, request: LookupRequest,
              query: dict) -> tuple[Outcome, LetterView | None]:
        if self.mode is Mode.OPERATOR:
            query["caller"] = self._tag(caller_key(request.caller))
            return self._checked(request, lambda fin, name: caller_matches(fin, name, request.caller),
                                 query)
        letter = self.register.find_citizen_letter(request.agency.code, request.number,
                                                   request.reg_date, session.identity.fin)
        if isinstance(letter, Ambiguous):
            return Outcome.AMBIGUOUS, None
        return (Outcome.FOUND, letter) if letter else (Outcome.MISS, None)

    def _checked(self, request: LookupRequest, matches: Callable[[str | None, str | None], bool],
                 query: dict) -> tuple[Outcome, LetterView | None]:
        """The operator's and the API's rule: the caller check first, on each letter the number
        names, and a letter's details only for the one the caller is verified for.

        Typed as digits only, a number may name several letters (01-31/3073, 013-13/073).
        That there are several is said only once the caller is verified for more than one:
        said before, it would tell an unverified caller that another person has a letter with
        those digits that day. The letters the caller is not verified for weigh as nothing;
        a caller verified for exactly one gets it — as a citizen, whose FIN is in the query."""
        candidates = self.register.find_applicants(request.agency.code, request.number,
                                                   request.reg_date)
        if not candidates:
            query["check"] = "none"
            return Outcome.MISS, None
        verified = [letter_id for letter_id, fin, name in candidates if matches(fin, name)]
        if not verified:  # checked before any detail is built
            query["check"] = "mismatch"
            return Outcome.UNVERIFIED, None
        query["check"] = "match"
        if len(verified) > 1:
            return Outcome.AMBIGUOUS, None
        letter = self.register.letter(verified[0])
        return (Outcome.FOUND, letter) if letter else (Outcome.UNVERIFIED, None)

    # Lists of letters: "my letters", an operator's applicant search

    def my_letters(self) -> ListAnswer:
        """The first page of the letters this session may list (a citizen's own), audited."""
        return self.more_letters(None)

    def more_letters(self, after: LetterRow | None) -> ListAnswer:
        """The page after `after` (None: the first page), newest first, audited as `list`."""
        session = self._current()
        if session is None or (not session.applicant and self.mode is not Mode.CITIZEN):
            return ListAnswer(Outcome.FAILED)
        applicant = session.applicant
        if not applicant:  # a citizen without a FIN has no letters: still audited
            recorded = self.record_safely("list", "empty", {"after": after is not None, "rows": 0})
            return ListAnswer(Outcome.MISS if recorded else Outcome.FAILED)
        query: dict = {}

        def step() -> tuple[str, ListAnswer]:
            rows, more = self._page(applicant, after)
            query.update(applicant=self._tag(applicant), after=after is not None, rows=len(rows))
            return ("found" if rows else "empty"), ListAnswer(
                Outcome.FOUND if rows else Outcome.MISS, rows, more)

        return self.trail.audited("list", query, step, ListAnswer(Outcome.FAILED))

    def _page(self, fin: str, after: LetterRow | None) -> tuple[tuple[LetterRow, ...], bool]:
        size = self.limits.page_size
        rows = self.register.letters_of(fin, size + 1, after.position if after else None)
        return tuple(rows[:size]), len(rows) > size

    def find_applicant(self, fin: str, surname: str,
                       on_wait: Callable[[float], None] | None = None) -> ListAnswer:
        """An operator's search by applicant: FIN and surname must both name the same applicant
        (the surname in any usual spelling). Audited as `search` with keyed hashes only; a
        search that finds nothing is a miss like a lookup's (burst flag, lock)."""
        session = self._current()
        if session is None or self.mode is not Mode.OPERATOR:
            return ListAnswer(Outcome.FAILED)
        session.applicant = None  # the last caller's letters are gone before anything else
        asked = self.clock.monotonic()
        query = {"fin": self._tag(fin), "surname": self._tag(caller_key(surname))}

        def step() -> tuple[str, ListAnswer]:
            if self.misses.locked(session):
                return Outcome.REFUSED.value, ListAnswer(Outcome.REFUSED, consequence=Consequence.LOCKED)
            names = self.register.applicant_names(fin)
            if not any(same_surname(surname, name) for name in names):
                return Outcome.UNVERIFIED.value, ListAnswer(Outcome.UNVERIFIED)
            rows, more = self._page(fin, None)
            return Outcome.FOUND.value, ListAnswer(Outcome.FOUND, rows, more)

        if not self._slowed_down(session.identity.user_id, on_wait):
            return ListAnswer(Outcome.FAILED)
        answer = self.trail.audited("search", query, step, ListAnswer(Outcome.FAILED))
        if answer.outcome is Outcome.UNVERIFIED:
            return ListAnswer(Outcome.UNVERIFIED, consequence=self.misses.missed(session, asked))
        if answer.outcome is Outcome.FOUND:
            session.applicant = fin
        return answer

    def open_listed(self, row: LetterRow) -> LookupAnswer:
        """A letter chosen from the list, read again under the list's rule (its applicant is the
        one this session may list) and audited as a lookup."""
        session = self._current()
        if session is None or not session.applicant:
            return LookupAnswer(Outcome.FAILED)
        applicant = session.applicant
        query = {"agency": row.agency.code, "reg_no": normalize_reg_no(row.reg_no),
                 "reg_date": row.reg_date.isoformat(), "via": "list"}

        def step() -> tuple[str, LookupAnswer]:
            letter = self.register.find_citizen_letter(row.agency.code, row.reg_no, row.reg_date,
                                                       applicant)
            if not isinstance(letter, LetterView):  # gone since it was listed (never ambiguous:
                return Outcome.MISS.value, LookupAnswer(Outcome.MISS)  # the number is as printed)
            return Outcome.FOUND.value, LookupAnswer(Outcome.FOUND, letter)

        return self.trail.audited("lookup", query, step, LookupAnswer(Outcome.FAILED))

    # The API (izle lookup --json): one request, no login

    def api_lookup(self, request: LookupRequest, by_fin: bool,
                   caller_id: str | None = None) -> LookupAnswer:
        """The API's rule, the operator's: a letter's details are built only after the caller
        check (FIN exactly, or surname in its usual spellings) matched the applicant.

        Misses are limited by whom the phone line says is calling: a `caller_id` is one
        person (slowed down, then refused, as a citizen is); requests without one share one
        hourly budget; the calling system (`terminal`) has an hourly budget for all its
        callers. Every call is audited in mode `api`, its actor the caller (`caller:` and a
        keyed hash of the number) or, without one, the calling system."""
        asked = self.clock.monotonic()
        try:  # the actor the caller's misses are counted by: the number only as its keyed hash
            actor = f"caller:{self.store.tag(caller_id)}" if caller_id else self.terminal
        except StoreError:
            return LookupAnswer(Outcome.FAILED)
        query = {"agency": request.agency.code, "reg_no": normalize_reg_no(request.number),
                 "reg_date": request.reg_date.isoformat(), "by": "fin" if by_fin else "surname",
                 "caller": self._tag(caller_key(request.caller))}

        def matches(fin: str | None, name: str | None) -> bool:
            return fin == request.caller if by_fin else same_surname(request.caller, name)

        def step() -> tuple[str, LookupAnswer]:
            if self.misses.api_refused(actor, bool(caller_id), self.terminal):
                return Outcome.REFUSED.value, LookupAnswer(Outcome.REFUSED, consequence=Consequence.LOCKED)
            checked: dict = {}
            outcome, letter = self._checked(request, matches, checked)
            return outcome.value, LookupAnswer(outcome, letter)

        if caller_id and not self._slowed_down(actor):
            return LookupAnswer(Outcome.FAILED)
        answer = self.trail.audited("lookup", query, step, LookupAnswer(Outcome.FAILED), actor=actor)
        if answer.outcome not in (Outcome.MISS, Outcome.UNVERIFIED):
            return answer
        return LookupAnswer(answer.outcome, consequence=self.misses.missed(None, asked))
