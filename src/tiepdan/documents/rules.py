"""Legal rules about issuing documents: one small pure function per rule."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

REFUSAL_NOTICE_WORKING_DAYS = 3


@lru_cache(maxsize=32)
def _vietnam_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=[year - 1, year, year + 1])


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday, not a public holiday of Vietnam (``holidays``, including Tết)."""
    return day.weekday() < 5 and day not in _vietnam_holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    day = start
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def refusal_notice_due(grounds_on: dt.date) -> dt.date:
    """Nghị định 154/2026/NĐ-CP, Điều 4 khoản 3: the head issues the refusal notice (Form 01/TCD)
    within 3 working days of having the grounds to refuse (Law 2013 Art. 9(3); Art. 4(1)(h)).

    Counted from the working day after the grounds arose.
    """
    return add_working_days(grounds_on, REFUSAL_NOTICE_WORKING_DAYS)
