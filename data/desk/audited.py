"""The audit trail of one terminal, and the one way a step that reads the register is audited.

Every lookup, list and search follows the same rule: the register is read, the audit row is
written, and only then is anything shown. When the audit log cannot be written nothing is shown
(and nothing more can be recorded); when the register fails, that failure is recorded.

The step and its row are one write transaction of terminal.db: a step that counts a person's
misses before it reads (MissRules.locked) is one with the row that records its own miss, so
concurrent sessions of one person queue there and get exactly their limit. So a step never
sleeps (the slow-down comes before it).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TypeVar

from izle.data.terminal import StoreError, TerminalStore

FAILED = "failed"  # the audit outcome of a step whose register read failed
T = TypeVar("T")


class AuditTrail:
    """Rows in terminal.db's audit log, stamped with this terminal, its mode and the actor."""

    def __init__(self, store: TerminalStore, terminal: str, mode: str,
                 actor: Callable[[], str]) -> None:
        self.store, self.terminal, self.mode = store, terminal, mode
        self._actor = actor  # who acts now: the person logged in, "-" when nobody is

    def record(self, action: str, outcome: str, query: dict | None = None,
               actor: str | None = None) -> int:
        """Append to the audit log; StoreError when it cannot (the caller then shows nothing)."""
        return self.store.record(terminal=self.terminal, mode=self.mode,
                                 actor=actor or self._actor(), action=action, outcome=outcome,
                                 query=query)

    def record_safely(self, action: str, outcome: str, query: dict | None = None,
                      actor: str | None = None) -> bool:
        """`record`, for steps that go on anyway (a refusal, a logout); False if it failed."""
        try:
            self.record(action, outcome, query, actor)
        except StoreError:
            return False
        return True

    def audited(self, action: str, query: dict | None, step: Callable[[], tuple[str, T]],
                failed: T, actor: str | None = None) -> T:
        """Run `step` (it reads the register and says what to record: its outcome, and the
        answer to give), record its outcome with `query` as the step left it, give its answer.
        `failed` is given instead when the register or the audit log failed."""
        try:
            with self.store.exclusive():  # what the step counted and its row: one transaction
                outcome, answer = step()
                self.record(action, outcome, query, actor)
        except (StoreError, OSError):
            return failed
        except sqlite3.Error:  # the register: damaged, replaced, missing a table
            self.record_safely(action, FAILED, query or None, actor)  # a step that filled none
            return failed
        return answer
