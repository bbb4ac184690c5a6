"""Working days in Vietnam: Monday to Friday, less the public holidays of the `holidays` package."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=16)
def _holidays(year: int):
    return holidays.Vietnam(years=year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after ``day`` (``day`` itself does not count)."""
    while n > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day
