"""The operator's caller check, and the burst-of-misses flag (DESIGN §2).

An operator may look up any letter, but its details are shown only when what the caller states —
their FIN, or their surname — matches the letter's applicant. Plain Python: no Textual, no SQL.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from data.letters import LetterView
from data.text import fold, normalize_fin

# Lookup outcomes, as the audit log records them.
FOUND = "found"            # shown: a citizen's own letter, or a verified caller's
MISS = "miss"              # no such letter (for a citizen also: wrong date, not yours)
UNVERIFIED = "unverified"  # operator mode: the letter exists, the caller check failed


@dataclass(frozen=True)
class Lookup:
    """What a lookup may show: the letter only when the outcome is FOUND."""

    outcome: str
    letter: LetterView | None = None


def applicant_surname(name: str | None) -> str:
    """The surname: names are stored in official order, "Surname Name Patronymic"."""
    words = (name or "").split()
    return words[0] if words else ""


def caller_key(stated: str) -> str:
    """What the caller said, normalized: a FIN in capitals, else the folded surname.

    The audit log keeps only a keyed hash of this, never the text itself.
    """
    return normalize_fin(stated) or fold(stated)


def caller_matches(letter: LetterView, stated: str) -> bool:
    """The caller's FIN (exact) or surname (Azerbaijani-insensitive) is the applicant's.

    Both are tried: a 7-letter surname such as "Babayev" also has the shape of a FIN.
    """
    fin = normalize_fin(stated)
    if fin is not None and letter.applicant_fin and fin == letter.applicant_fin:
        return True
    surname = fold(stated)
    return bool(surname) and surname == fold(applicant_surname(letter.applicant_name))


def operator_lookup(letter: LetterView | None, stated: str) -> Lookup:
    """The operator rule: any letter, but its details only for a verified caller."""
    if letter is None:
        return Lookup(MISS)
    if not caller_matches(letter, stated):
        return Lookup(UNVERIFIED)
    return Lookup(FOUND, letter)


class MissBurst:
    """Counts one operator's misses; `add()` is True when `limit` fall within `window` seconds.

    After a flag the count starts again, so a long bad streak is flagged every `limit` misses.
    """

    def __init__(self, limit: int = 3, window: float = 600.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self._clock = limit, window, clock
        self._times: deque[float] = deque()

    def add(self) -> bool:
        now = self._clock()
        self._times.append(now)
        while self._times and now - self._times[0] > self.window:
            self._times.popleft()
        if len(self._times) >= self.limit:
            self._times.clear()
            return True
        return False
