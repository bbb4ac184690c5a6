"""Legal rules about issuing documents: one small pure function per rule."""
from __future__ import annotations

import datetime as dt

from tiepdan.core.workdays import is_working_day, working_days_after  # noqa: F401 (is_working_day: for callers of these rules)

REFUSAL_NOTICE_WORKING_DAYS = 3


def refusal_notice_due(grounds_on: dt.date) -> dt.date:
    """Nghị định 154/2026/NĐ-CP, Điều 4 khoản 3: the head issues the refusal notice (Form 01/TCD)
    within 3 working days of having the grounds to refuse (Law 2013 Art. 9(3); Art. 4(1)(h)).

    Counted from the working day after the grounds arose.
    """
    return working_days_after(grounds_on, REFUSAL_NOTICE_WORKING_DAYS)
