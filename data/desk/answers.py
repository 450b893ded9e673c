"""What the desk answers: typed outcomes, never sentences (those are in `sentences`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from izle.data.letters import LetterRow, LetterView


class Outcome(Enum):
    FOUND = "found"            # shown: a citizen's own letter, or a verified caller's
    MISS = "miss"              # nothing to show (for a citizen also: wrong date, not yours)
    UNVERIFIED = "unverified"  # operator: the letter exists, the caller check failed
    AMBIGUOUS = "ambiguous"    # digits only, shared by several letters of this person: not a miss
    REFUSED = "refused"        # too many misses: no lookup was made
    FAILED = "failed"          # the register or the audit failed: nothing is shown


class Consequence(Enum):
    NONE = "none"
    SESSION_ENDED = "session_ended"  # a citizen's last allowed miss of this session
    FLAGGED = "flagged"              # an operator's burst of misses, recorded for the supervisor
    LOCKED = "locked"                # lookups refused until the window passes or an admin unlocks


@dataclass(frozen=True)
class LookupAnswer:
    outcome: Outcome
    letter: LetterView | None = None
    consequence: Consequence = Consequence.NONE
    misses_left: int | None = None  # a citizen's misses before the session ends; None: no such limit


@dataclass(frozen=True)
class ListAnswer:
    """A page of a list of letters. `more`: another page follows (ask with `more_letters`)."""

    outcome: Outcome
    rows: tuple[LetterRow, ...] = ()
    more: bool = False
    consequence: Consequence = Consequence.NONE
