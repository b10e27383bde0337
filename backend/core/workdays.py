"""Danish working days: weekdays that are not public holidays (the `holidays` package) and,
where the kommune keeps them closed (a kommune setting, on by default), not 24 December,
31 December or Grundlovsdag (5 June) either.

Statutory deadlines counted in days land on a working day: a date deadline that falls on a
non-working day moves to the next working day — except a deadline of the form "no later
than … before X", which moves back to the previous working day (``previous_working_day``).
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta
from functools import lru_cache

import holidays

# Days a kommune's offices are closed though they are not public holidays: (month, day).
CLOSED_DAYS = ((12, 24), (12, 31), (6, 5))


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("DK", years=[year]).keys())


def is_working_day(day: date, closed_days: bool = True) -> bool:
    """A weekday that is not a public holiday; with ``closed_days`` not 24/12, 31/12 or 5/6."""
    if day.weekday() >= 5 or day in _holidays(day.year):
        return False
    return not (closed_days and (day.month, day.day) in CLOSED_DAYS)


def next_working_day(day: date, closed_days: bool = True) -> date:
    """``day`` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day, closed_days):
        day += timedelta(days=1)
    return day


def previous_working_day(day: date, closed_days: bool = True) -> date:
    """``day`` itself if it is a working day, else the last working day before it (for
    deadlines "no later than … before X", which may never move later)."""
    while not is_working_day(day, closed_days):
        day -= timedelta(days=1)
    return day


def add_working_days(start: date, days: int, closed_days: bool = True) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself is not counted)."""
    if days < 0:
        raise ValueError("days must be >= 0")
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, closed_days):
            counted += 1
    return day


def add_months(start: date, months: int) -> date:
    """Same day-of-month ``months`` later (or earlier), clamped to the month's end
    (31 Jan + 1 = 28/29 Feb; 31 Aug − 6 = 28/29 Feb). Clamping always lands earlier than
    the day that does not exist, so it is safe for "before" deadlines too."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, monthrange(year, month)[1]))
