"""The follow-up's dates, counted in working days (Decree 154/2026 Art. 25(2))."""
import datetime as dt

import pytest

from tiepdan.followup import rules

D = dt.date


def test_a_task_falls_due_in_working_days_after_the_notice():
    # Issued on Monday 2 Nov 2026 with 5 working days: Tuesday to Monday.
    assert rules.task_due_on(D(2026, 11, 2), 5) == D(2026, 11, 9)


def test_a_task_issued_before_tet_falls_due_after_it():
    # Friday 13 Feb 2026, 3 working days: 16-20 Feb are Tết, so 23, 24, 25 Feb.
    assert rules.task_due_on(D(2026, 2, 13), 3) == D(2026, 2, 25)


def test_a_task_cannot_have_less_than_one_working_day():
    with pytest.raises(ValueError, match="ít nhất 1 ngày làm việc"):
        rules.task_due_on(D(2026, 11, 2), 0)


def test_a_task_is_late_only_once_a_working_day_has_passed():
    due = D(2026, 11, 6)  # a Friday
    assert not rules.is_overdue(due, D(2026, 11, 6))
    assert not rules.is_overdue(due, D(2026, 11, 8))  # the weekend after it
    assert rules.is_overdue(due, D(2026, 11, 9))
    assert rules.working_days_late(due, D(2026, 11, 11)) == 3


def test_tet_between_the_due_day_and_today_counts_for_nothing():
    due = D(2026, 2, 13)  # Friday before Tết
    assert not rules.is_overdue(due, D(2026, 2, 20))
    assert rules.working_days_late(due, D(2026, 2, 24)) == 2


def test_the_board_is_reminded_two_working_days_before_and_after_the_deadline():
    due = D(2026, 11, 10)  # a Tuesday
    assert rules.reminder_kind(due, D(2026, 11, 5)) is None
    assert rules.reminder_kind(due, D(2026, 11, 6)) == "before"  # Friday: 2 working days before
    assert rules.reminder_kind(due, D(2026, 11, 10)) == "before"
    assert rules.reminder_kind(due, D(2026, 11, 11)) == "after"


def test_the_board_accepts_within_five_working_days_and_a_returned_result_gets_at_least_five():
    assert rules.acceptance_due_on(D(2026, 11, 6)) == D(2026, 11, 13)
    assert rules.completion_due_on(D(2026, 11, 2), D(2026, 11, 30)) == D(2026, 11, 30)
    # Returned on Friday 20 Nov: 23, 25, 26, 27, 30 Nov (24 Nov is Vietnam's Culture Day in the calendar).
    assert rules.completion_due_on(D(2026, 11, 20), D(2026, 11, 23)) == D(2026, 11, 30)
