"""The calendar rules the law and the provincial plans set for reception sessions.

One small pure function per rule, each citing where it comes from, so that a
correction (a province changes its day, a decree changes a deadline) is one
change here. Working days come from the `holidays` package (Vietnam: public
holidays, Tết, substitute days off and the Saturdays worked in exchange), read
afresh on every call: a new release of the package moves the dates without any
change to this code.
"""
from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

import holidays

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Decree 154/2026 Art. 23(1): notices go out at least 5 working days before the session.
NOTICE_MIN_WORKING_DAYS = 5
# Decree 154/2026 Art. 23(2): a successful test connection at least 1 working day before.
TEST_MIN_WORKING_DAYS = 1
# Decree 154/2026 Art. 23(3): every point connected at least 1 hour before.
CONNECT_BEFORE = dt.timedelta(hours=1)


def working_calendar(years: Iterable[int]) -> holidays.HolidayBase:
    """Vietnam's public holidays and substitute days for ``years``, from the `holidays` package."""
    return holidays.country_holidays("VN", years=sorted(set(years)))


def _calendar_for(day: dt.date, cal: holidays.HolidayBase | None) -> holidays.HolidayBase:
    return cal if cal is not None else working_calendar(range(day.year - 1, day.year + 2))


def is_working_day(day: dt.date, cal: holidays.HolidayBase | None = None) -> bool:
    """Not a weekend, not a public holiday or substitute day off; a Saturday worked in exchange counts."""
    return _calendar_for(day, cal).is_working_day(day)


def working_day_on_or_after(day: dt.date, cal: holidays.HolidayBase | None = None) -> dt.date:
    cal = _calendar_for(day, cal)
    while not cal.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def working_days_before(day: dt.date, n: int, cal: holidays.HolidayBase | None = None) -> dt.date:
    """The working day ``n`` working days before ``day`` (``day`` itself not counted)."""
    cal = _calendar_for(day, cal)
    current = day
    remaining = n
    while remaining:
        current -= dt.timedelta(days=1)
        if cal.is_working_day(current):
            remaining -= 1
    return current


def nominal_reception_day(year: int, month: int, day_of_month: int) -> dt.date:
    """The day the province set, in this month; a day past the month's end (the 31st in April) is the month's last day.

    The province sets the day (Lạng Sơn: the 15th, plan 004 §3.2); a day that does not
    exist in a month must not make the month go without a reception (Law 2013 Art. 12(5)).
    """
    last = _calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day_of_month, last))


def periodic_reception_day(year: int, month: int, day_of_month: int, cal: holidays.HolidayBase | None = None) -> dt.date:
    """Luật Tiếp công dân 2013, Điều 12(5): the Chairman receives citizens at least one day a month.

    Plan 004 (Lạng Sơn) §3.2: on the 15th of each month; when that day is a day off
    (weekend, public holiday, Tết, a substitute day off) the reception moves to the
    next working day. The move may cross into the next month (30 April 2026 → 4 May).
    """
    return working_day_on_or_after(nominal_reception_day(year, month, day_of_month), cal)


def online_window(day: dt.date, starts: dt.time, ends: dt.time) -> tuple[dt.datetime, dt.datetime]:
    """The online slot of the reception day as aware datetimes (Lạng Sơn plan 004 §3.2.b: 14:00-17:00)."""
    if ends <= starts:
        raise ValueError("Giờ kết thúc phải sau giờ bắt đầu.")
    return dt.datetime.combine(day, starts, VN_TZ), dt.datetime.combine(day, ends, VN_TZ)


def notice_deadline(session_day: dt.date, cal: holidays.HolidayBase | None = None, *, working_days: int = NOTICE_MIN_WORKING_DAYS) -> dt.date:
    """Nghị định 154/2026, Điều 23(1): the citizen and the agencies are notified at least 5 working days before.

    Returns the last day on which a notice still meets the rule: it must go out on
    this day or earlier. A province may ask for more days, never fewer.
    """
    return working_days_before(session_day, max(working_days, NOTICE_MIN_WORKING_DAYS), cal)


def notice_is_timely(sent_on: dt.date, session_day: dt.date, cal: holidays.HolidayBase | None = None, *, working_days: int = NOTICE_MIN_WORKING_DAYS) -> bool:
    """Nghị định 154/2026, Điều 23(1): was a notice sent on ``sent_on`` early enough?"""
    return sent_on <= notice_deadline(session_day, cal, working_days=working_days)


def test_deadline(session_day: dt.date, hour: int, cal: holidays.HolidayBase | None = None) -> dt.datetime:
    """Nghị định 154/2026, Điều 23(2): a successful test connection at least 1 working day before.

    The province fixes the hour on that working day (Hưng Yên plan 003: before 15:00 on the day before).
    """
    day = working_days_before(session_day, TEST_MIN_WORKING_DAYS, cal)
    return dt.datetime.combine(day, dt.time(hour, 0), VN_TZ)


def connect_by(online_starts_at: dt.datetime) -> dt.datetime:
    """Nghị định 154/2026, Điều 23(3): all points connected, seeing and hearing each other, at least 1 hour before."""
    return online_starts_at - CONNECT_BEFORE


def seats_taken(representatives_count: int) -> int:
    """Luật Tiếp công dân 2013, Điều 29 and Nghị định 154/2026, Điều 22(4): a delegation sits through its representatives.

    So a matter takes as many of the day's places as its representatives (at least one: the citizen).
    """
    return max(1, int(representatives_count or 0))


def fill_to_capacity(seats_in_order: Sequence[int], capacity_seats: int) -> int:
    """How many matters, taken in registration order, fit in the day (Lạng Sơn plan 004 §3.2: 12-15 citizens a day).

    Strict order: the first matter that does not fit closes the day, and it and every
    later one are carried over, so nobody registered later overtakes an earlier citizen
    (plan 004: "những trường hợp chưa được tiếp sẽ chuyển sang tháng sau"). The Board
    may reorder afterwards, with a reason.
    """
    used = 0
    for count, seats in enumerate(seats_in_order):
        if used + seats > capacity_seats:
            return count
        used += seats
    return len(seats_in_order)


def is_in_person_only(online_consents: Iterable[bool]) -> bool:
    """Lạng Sơn plan 004 §3.2.b: if no citizen on the agenda registered to be received online, the reception is in person."""
    return not any(online_consents)
