"""Legal deadlines for an answer, counted in Azerbaijani working days.

Law No. 1308-IVQ "On citizens' appeals" (2015), Art. 10: an appeal is considered within
15 working days of its registration (10.1), within 30 when it needs extra study (10.2), and in
exceptional cases that time may be extended by at most 30 more working days (10.3).

Working days are Monday to Friday, minus Azerbaijan's public holidays (the `holidays` package,
which already moves a holiday that falls on a rest day to the next working day, and knows the
Cabinet's past day swaps), with the register's `calendar` table overriding single days: kind
`workday` (a Saturday the Cabinet made a working day) or `holiday` (a day off it granted).

`holidays` is imported inside a function, never at module level, so the TUI's start-up does
not pay for it; public holidays are computed once per year per process.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from data.statuses import CLOSED_STATUSES

STANDARD_DAYS = 15  # Art. 10.1
STUDY_DAYS = 30  # Art. 10.2
MAX_EXTENSION_DAYS = 30  # Art. 10.3

WORKDAY, HOLIDAY = "workday", "holiday"
CALENDAR_KINDS = (WORKDAY, HOLIDAY)

Overrides = Mapping[date, str]  # date -> "workday" | "holiday"


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    """Azerbaijan's public days off in `year` (including observed and swapped days)."""
    import holidays  # lazily: ~0.1 s of import the TUI's first screen must not pay

    return frozenset(holidays.country_holidays("AZ", years=year))


class WorkCalendar:
    """Working days: Mon–Fri minus public holidays, with per-day overrides from the register."""

    def __init__(self, overrides: Overrides | None = None) -> None:
        self.overrides: dict[date, str] = dict(overrides or {})
        self._years: dict[int, list[date]] = {}

    def is_workday(self, day: date) -> bool:
        kind = self.overrides.get(day)
        if kind is not None:
            return kind == WORKDAY
        return day.weekday() < 5 and day not in public_holidays(day.year)

    def workdays_of(self, year: int) -> list[date]:
        """The sorted working days of one year (cached: bisecting it counts days quickly)."""
        days = self._years.get(year)
        if days is None:
            first = date(year, 1, 1)
            span = (date(year + 1, 1, 1) - first).days
            days = [d for d in (first + timedelta(i) for i in range(span)) if self.is_workday(d)]
            self._years[year] = days
        return days

    def count(self, after: date, through: date) -> int:
        """How many working days d with `after` < d <= `through` (0 when through <= after)."""
        if through <= after:
            return 0
        total = 0
        for year in range(after.year, through.year + 1):
            days = self.workdays_of(year)
            lo = bisect.bisect_right(days, after) if year == after.year else 0
            hi = bisect.bisect_right(days, through) if year == through.year else len(days)
            total += hi - lo
        return total

    def add(self, start: date, n: int) -> date:
        """The n-th working day after `start` (n >= 1; the day after `start` may be day 1)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        year = start.year
        days = self.workdays_of(year)
        i = bisect.bisect_right(days, start) + n - 1
        while i >= len(days):  # runs into the next year(s)
            i -= len(days)
            year += 1
            days = self.workdays_of(year)
        return days[i]

    def between(self, today: date, due: date) -> int:
        """Signed working days from `today` to `due`: left when >= 0, overdue when < 0.

        Left = working days after today up to and including the due date (0 on the due date
        itself). Overdue = working days after the due date up to and including today, and at
        least 1 once the due date has passed, even over a weekend: "overdue" never reads 0.
        """
        if today <= due:
            return self.count(today, due)
        return -max(1, self.count(due, today))


def due_date(
    reg_date: date, needs_study: bool = False, extended_to: date | None = None,
    calendar_overrides: Overrides | WorkCalendar | None = None, *, source_due: date | None = None,
) -> date:
    """The date by which the law requires an answer.

    - The normal term is the 15th working day after registration (the 30th when the letter
      needs extra study); the day after registration is day 1, so a letter registered on a
      Friday has Monday as day 1. A due date given by the source (`source_due`) replaces it.
    - `extended_to` (the register's extension) is honoured only when it is later than that
      term, and capped at 30 working days after it: an extension the law does not allow is
      not shown to a citizen as if it were lawful.
    """
    calendar = _calendar(calendar_overrides)
    term = source_due or calendar.add(reg_date, STUDY_DAYS if needs_study else STANDARD_DAYS)
    if extended_to is not None and extended_to > term:
        return min(extended_to, calendar.add(term, MAX_EXTENSION_DAYS))
    return term


def working_days_between(
    today: date, due: date, calendar_overrides: Overrides | WorkCalendar | None = None
) -> int:
    """Signed working days from today to the due date; negative (never 0) when overdue."""
    return _calendar(calendar_overrides).between(today, due)


def _calendar(value: Overrides | WorkCalendar | None) -> WorkCalendar:
    return value if isinstance(value, WorkCalendar) else WorkCalendar(value)


@dataclass(frozen=True)
class Deadline:
    """The legal deadline of one letter as of one day.

    `days_left` is signed: working days left (0 on the due date), negative when overdue, None
    when the letter is closed (answered, forwarded or attached: no answer is owed any more).
    `state` is "open", "due_today", "overdue" or "closed".
    """

    due: date
    days_left: int | None
    state: str

    @property
    def overdue_days(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def deadline_for(
    *, status: str, reg_date: date, source_due: date | None, needs_study: bool,
    extended_to: date | None, today: date, calendar: WorkCalendar,
) -> Deadline:
    """The Deadline of a letter with these register values, as of `today`."""
    due = due_date(reg_date, needs_study, extended_to, calendar, source_due=source_due)
    if status in CLOSED_STATUSES:
        return Deadline(due, None, "closed")
    left = calendar.between(today, due)
    if today > due:
        state = "overdue"
    elif today == due:
        state = "due_today"
    else:
        state = "open"
    return Deadline(due, left, state)
