"""When a task given by the conclusion notice falls due, when it is late, and when the Board is reminded.

Every count is in working days (``core.workdays``: the `holidays` calendar of Vietnam, Tết and the
Saturdays worked in exchange included), never calendar days.
"""
from __future__ import annotations

import datetime as dt

from tiepdan.core.workdays import is_working_day, working_days_after, working_days_before

# House rules inside the law's "time for settlement": how soon the Board hears of a coming deadline,
# and how long the Board itself may take to accept a result or the agency to complete a returned one.
REMIND_BEFORE_WORKING_DAYS = 2
ACCEPTANCE_WORKING_DAYS = 5
COMPLETION_WORKING_DAYS = 5


def task_due_on(issued_on: dt.date, working_days: int) -> dt.date:
    """Nghị định 154/2026, Điều 25(2): the conclusion notice sends each matter to the agency that settles it
    "with a time for settlement" (thời hạn giải quyết). The directive states it in working days; they run
    from the day after the notice's issue, so a notice issued on Friday with 1 working day falls due on Monday,
    and the days of Tết count for nothing."""
    if working_days < 1:
        raise ValueError("Thời hạn giải quyết phải ít nhất 1 ngày làm việc.")
    return working_days_after(issued_on, working_days)


def working_days_late(due_on: dt.date, today: dt.date) -> int:
    """Nghị định 154/2026, Điều 25(2): how many working days past its time for settlement a task is on ``today``
    (0 on the due day itself and before it). A holiday between the two counts for nothing."""
    if today <= due_on:
        return 0
    late, day = 0, due_on
    while day < today:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            late += 1
    return late


def is_overdue(due_on: dt.date, today: dt.date) -> bool:
    """Nghị định 154/2026, Điều 25(2): a task is late once a working day has passed after its due day; a due day
    followed by a weekend or Tết is not late until the next working day has begun."""
    return working_days_late(due_on, today) > 0


def overdue_before(today: dt.date) -> dt.date:
    """Nghị định 154/2026, Điều 25(2), as a query's bound: a task due before the returned day is overdue on ``today``
    (``is_overdue``): the last working day up to ``today``, so a due day followed by a weekend is not late until Monday."""
    day = today
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def remind_until(today: dt.date) -> dt.date:
    """Nghị định 154/2026, Điều 25(2): the last due day that ``reminder_kind`` already calls «before» on ``today``
    (``REMIND_BEFORE_WORKING_DAYS`` working days ahead)."""
    return working_days_after(overdue_before(today), REMIND_BEFORE_WORKING_DAYS)


def reminder_kind(due_on: dt.date, today: dt.date) -> str | None:
    """Nghị định 154/2026, Điều 25(2), the Board's follow-up of the time for settlement: ``"before"`` from
    ``REMIND_BEFORE_WORKING_DAYS`` working days before the due day until that day, ``"after"`` once it is
    overdue (``is_overdue``), otherwise None."""
    if is_overdue(due_on, today):
        return "after"
    if working_days_before(due_on, REMIND_BEFORE_WORKING_DAYS) <= today <= due_on:
        return "before"
    return None


def acceptance_due_on(reported_on: dt.date) -> dt.date:
    """House rule under Nghị định 154/2026, Điều 25(2) (the result is followed up until the citizen has it):
    the Board accepts or returns a reported result within ``ACCEPTANCE_WORKING_DAYS`` working days."""
    return working_days_after(reported_on, ACCEPTANCE_WORKING_DAYS)


def completion_due_on(returned_on: dt.date, due_on: dt.date) -> dt.date:
    """House rule under Nghị định 154/2026, Điều 25(2): a result returned for more is completed by the task's own
    due day, or within ``COMPLETION_WORKING_DAYS`` working days of its return when that is later."""
    return max(due_on, working_days_after(returned_on, COMPLETION_WORKING_DAYS))
