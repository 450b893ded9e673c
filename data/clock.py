"""Time, the one input besides the user's keys that every rule depends on.

Deadlines, the date check, idle timers, the audit, PIN blocks and Mobile-ID timeouts all ask
the one `Clock` they were given, so a test fixes the date once (`FixedClock`) and no test ever
depends on today's real date. Randomness is the other such input: it is a `random.Random`
(`random.SystemRandom()` in production, a seeded `random.Random` in tests), passed the same way.
"""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta, timezone
from typing import Protocol

# Azerbaijan has kept UTC+4 all year since 2016; a letter's date is an Azerbaijani date.
BAKU = timezone(timedelta(hours=4), "AZT")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware (UTC)."""

    def today(self) -> date:
        """Today's date in Azerbaijan."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back: for timeouts and idle time."""

    def sleep(self, seconds: float) -> None:
        """Wait (the slow-down after repeated misses); a worker thread's wait, never the UI's."""


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def today(self) -> date:
        return self.now().astimezone(BAKU).date()

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class FixedClock:
    """A clock that stands still until `advance` moves it: for tests and reproducible demos."""

    def __init__(self, at: datetime | date = date(2026, 11, 25)) -> None:
        if not isinstance(at, datetime):
            at = datetime(at.year, at.month, at.day, 10, 0, tzinfo=BAKU)
        self._now = at.astimezone(timezone.utc)
        self._monotonic = 1000.0

    def now(self) -> datetime:
        return self._now

    def today(self) -> date:
        return self._now.astimezone(BAKU).date()

    def monotonic(self) -> float:
        return self._monotonic

    def sleep(self, seconds: float) -> None:
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)
        self._monotonic += seconds


def iso_now(clock: Clock, timespec: str = "seconds") -> str:
    return clock.now().isoformat(timespec=timespec)


def system_random() -> random.Random:
    """Randomness for codes, salts and keys: the operating system's, never a seeded one."""
    return random.SystemRandom()
