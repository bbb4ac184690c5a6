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

import holidays

# The one calendar (core.workdays), named here too because every rule below counts on it.
from tiepdan.core.workdays import VN_TZ, is_working_day, working_calendar, working_day_on_or_after, working_days_before  # noqa: F401

# Decree 154/2026 Art. 23(1): notices go out at least 5 working days before the session.
NOTICE_MIN_WORKING_DAYS = 5
# Decree 154/2026 Art. 23(2): a successful test connection at least 1 working day before.
TEST_MIN_WORKING_DAYS = 1
# Decree 154/2026 Art. 23(3): every point connected at least 1 hour before.
CONNECT_BEFORE = dt.timedelta(hours=1)


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


def test_deadline(session_day: dt.date, hour: int | None = None, cal: holidays.HolidayBase | None = None, *, working_days: int = TEST_MIN_WORKING_DAYS) -> dt.datetime:
    """Nghị định 154/2026, Điều 23(2): a successful test connection at least 1 working day before.

    The moment by which every bridge point must have passed its test: ``hour`` o'clock on
    the ``working_days``-th working day before the session, or the end of that day when the
    province fixed no hour. The province may fix the hour (Hưng Yên plan 003: before 15:00
    on the day before) and ask for more days, never fewer. This is the one deadline the
    session page, the readiness board and the reminders all show.
    """
    day = working_days_before(session_day, max(working_days, TEST_MIN_WORKING_DAYS), cal)
    if hour is None:
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), VN_TZ)
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


def carry_over_plan(seats_in_order: Sequence[int], free_seats: Sequence[int], capacity_seats: int) -> list[int]:
    """Which following session each carried matter goes to, in registration order (Lạng Sơn plan 004 §3.2).

    "Mỗi ngày tiếp 12-15 công dân ... những trường hợp chưa được tiếp sẽ chuyển sang tháng sau": the
    matters a full day could not take fill the next session up to its free seats, the rest the one
    after, and so on; a session is never filled past its capacity. ``free_seats`` are the free seats
    of the sessions already on the calendar, in date order; sessions past the end of that list are
    still to be created, with ``capacity_seats`` each. Strict order as in ``fill_to_capacity``: once
    a matter moves on to a later session, no later-registered matter takes an earlier session's gap.
    Returns, per matter, the index of its session (an index past ``free_seats`` is a session to create).
    Refuses (``ValueError``) a matter that takes more seats than a whole session has.
    """
    plan: list[int] = []
    index, used = 0, 0

    def free(i: int) -> int:
        return free_seats[i] if i < len(free_seats) else capacity_seats

    for seats in seats_in_order:
        while used + seats > free(index):
            if index >= len(free_seats) and used == 0:
                raise ValueError(f"Vụ việc cần {seats} chỗ, nhiều hơn số công dân tối đa của một phiên ({capacity_seats}).")
            index, used = index + 1, 0
        plan.append(index)
        used += seats
    return plan


def is_in_person_only(online_consents: Iterable[bool]) -> bool:
    """Lạng Sơn plan 004 §3.2.b: if no citizen on the agenda registered to be received online, the reception is in person."""
    return not any(online_consents)
