"""Decree 154/2026 Art. 4(3): the refusal notice is due within 3 working days of having the grounds."""
from __future__ import annotations

import datetime as dt

from tiepdan.documents.rules import is_working_day, refusal_notice_due


def test_refusal_notice_due_three_working_days_later_in_an_ordinary_week():
    assert refusal_notice_due(dt.date(2026, 7, 6)) == dt.date(2026, 7, 9)  # Monday → Thursday


def test_refusal_notice_due_skips_the_weekend():
    assert refusal_notice_due(dt.date(2026, 7, 9)) == dt.date(2026, 7, 14)  # Thursday → Fri, Mon, Tue


def test_refusal_notice_due_skips_tet():
    # Tết 2026: 16-20 February (from `holidays`, not a typed list).
    assert not is_working_day(dt.date(2026, 2, 17))
    assert refusal_notice_due(dt.date(2026, 2, 12)) == dt.date(2026, 2, 24)
