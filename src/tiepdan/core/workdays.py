"""Vietnam's working days: the one calendar every deadline in the product counts on.

Bộ luật Lao động 2019, Điều 112, and the Government's yearly day-off swaps, as the
`holidays` package (Vietnam) knows them: Monday to Friday except public holidays,
Tết and substitute days off, plus any Saturday worked in exchange (22/8/2026 for
31/8/2026). A new release of the package moves the dates without a change here.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@lru_cache(maxsize=32)
def _calendar_for_years(years: tuple[int, ...]) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=list(years))


def forget_calendars() -> None:
    """Read the `holidays` package afresh (after an upgrade in a long-running process, or in tests)."""
    _calendar_for_years.cache_clear()


def working_calendar(years: Iterable[int]) -> holidays.HolidayBase:
    """Vietnam's public holidays and substitute days for ``years``."""
    return _calendar_for_years(tuple(sorted(set(years))))


def _calendar_around(day: dt.date, cal: holidays.HolidayBase | None) -> holidays.HolidayBase:
    return cal if cal is not None else working_calendar(range(day.year - 1, day.year + 2))


def is_working_day(day: dt.date, cal: holidays.HolidayBase | None = None) -> bool:
    """Not a weekend, not a public holiday or substitute day off; a Saturday worked in exchange counts."""
    return _calendar_around(day, cal).is_working_day(day)


def working_day_on_or_after(day: dt.date, cal: holidays.HolidayBase | None = None) -> dt.date:
    cal = _calendar_around(day, cal)
    while not cal.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def working_days_before(day: dt.date, n: int, cal: holidays.HolidayBase | None = None) -> dt.date:
    """The ``n``-th working day before ``day`` (``day`` itself not counted; n ≥ 1)."""
    return _nth_working_day(day, n, -1, cal)


def working_days_after(day: dt.date, n: int, cal: holidays.HolidayBase | None = None) -> dt.date:
    """The ``n``-th working day after ``day`` (``day`` itself not counted; n ≥ 1)."""
    return _nth_working_day(day, n, +1, cal)


def _nth_working_day(day: dt.date, n: int, direction: int, cal: holidays.HolidayBase | None) -> dt.date:
    if n < 1:
        raise ValueError("n must be at least 1")
    cal = _calendar_around(day, cal)
    current = day
    while n:
        current += dt.timedelta(days=direction)
        if cal.is_working_day(current):
            n -= 1
    return current
