"""Legal deadlines for an answer, counted in Azerbaijani working days.

Law No. 1308-IVQ "On citizens' appeals" (2015), Art. 10: an appeal is considered within
15 working days of its registration (10.1), within 30 when it needs extra study (10.2), and in
exceptional cases that time may be extended by at most 30 more working days (10.3).

Working days are Monday to Friday, minus Azerbaijan's public holidays, with per-day entries of
the register's `calendar` table: kind `workday` (a Saturday the Cabinet made a working day) or
`holiday` (a day off).

The public holidays are data in that same table, generated from the `holidays` package
(which moves a holiday falling on a rest day to the next working day) by the administrator's
commands — `izle demo`, `izle import`, `izle calendar refresh` — with a note starting
`holidays:`; the administrator's own rows (Cabinet swaps) have any other note and a refresh
never touches them. The TUI reads the table and never imports `holidays` (~300 modules and
16 MB); only a WorkCalendar built without the register's rows falls back to the package.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from izle.data.statuses import CLOSED_STATUSES

STANDARD_DAYS = 15  # Art. 10.1
STUDY_DAYS = 30  # Art. 10.2
MAX_EXTENSION_DAYS = 30  # Art. 10.3

WORKDAY, HOLIDAY = "workday", "holiday"
CALENDAR_KINDS = (WORKDAY, HOLIDAY)

Overrides = Mapping[date, str]  # date -> "workday" | "holiday"

PUBLIC_SOURCE = "holidays:"  # how a generated public holiday's note starts
DEFAULT_YEARS = range(2020, 2036)


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    """Azerbaijan's public days off in `year` (including observed and swapped days)."""
    import holidays  # lazily: ~0.1 s of import the TUI's first screen must not pay

    return frozenset(holidays.country_holidays("AZ", years=year))


def public_holiday_rows(years: range) -> list[tuple[str, str, str]]:
    """(date, "holiday", note) of Azerbaijan's public days off in these years, from `holidays`."""
    import holidays  # administrators' commands only

    days = holidays.country_holidays("AZ", years=list(years))
    return sorted((d.isoformat(), HOLIDAY, f"{PUBLIC_SOURCE} {name}") for d, name in days.items())


def store_public_holidays(conn, years: range = DEFAULT_YEARS) -> int:
    """Write the public holidays of these years into the register's `calendar` table (a
    sqlite3 connection; inside the caller's transaction, if any). Generated rows of these years
    are replaced; a day the administrator set (any other note) is never overwritten. Returns
    the number of generated rows written."""
    first, last = f"{years[0]:04d}-01-01", f"{years[-1]:04d}-12-31"
    conn.execute("DELETE FROM calendar WHERE substr(note, 1, ?) = ? AND date BETWEEN ? AND ?",
                 (len(PUBLIC_SOURCE), PUBLIC_SOURCE, first, last))
    before = conn.total_changes
    conn.executemany("INSERT INTO calendar (date, kind, note) VALUES (?, ?, ?)"
                     " ON CONFLICT (date) DO NOTHING", public_holiday_rows(years))
    return conn.total_changes - before


def refresh_public_holidays(conn, years: range = DEFAULT_YEARS) -> tuple[int, int, int]:
    """`store_public_holidays`, telling what it changed: (added, removed, unchanged) generated
    rows, compared by date, kind and note (a second refresh changes nothing)."""
    first, last = f"{years[0]:04d}-01-01", f"{years[-1]:04d}-12-31"
    select = ("SELECT date, kind, note FROM calendar WHERE substr(note, 1, ?) = ?"
              " AND date BETWEEN ? AND ?")
    args = (len(PUBLIC_SOURCE), PUBLIC_SOURCE, first, last)
    before = set(conn.execute(select, args).fetchall())
    store_public_holidays(conn, years)
    after = set(conn.execute(select, args).fetchall())
    return len(after - before), len(before - after), len(after & before)


def has_public_holidays(conn) -> bool:
    return conn.execute("SELECT 1 FROM calendar WHERE substr(note, 1, ?) = ? LIMIT 1",
                        (len(PUBLIC_SOURCE), PUBLIC_SOURCE)).fetchone() is not None


class WorkCalendar:
    """Working days: Mon–Fri minus public holidays, with per-day overrides from the register.

    `public`: a year's public holidays; by default from the `holidays` package (tests and
    administrators' commands). The register passes None: its `calendar` rows already hold them.
    """

    def __init__(self, overrides: Overrides | None = None,
                 public: Callable[[int], frozenset[date]] | None = public_holidays) -> None:
        self.overrides: dict[date, str] = dict(overrides or {})
        self.public = public
        self._years: dict[int, list[date]] = {}

    def is_workday(self, day: date) -> bool:
        kind = self.overrides.get(day)
        if kind is not None:
            return kind == WORKDAY
        return day.weekday() < 5 and (self.public is None or day not in self.public(day.year))

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
