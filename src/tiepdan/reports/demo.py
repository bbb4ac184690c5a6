"""Demo reports: last month's report of the demo province drafted for its Board (seed_demo runs reports last, so
the month's sessions, notices and tasks are already there), as the first working day's job would draft it."""
from __future__ import annotations

from django.utils import timezone

from tiepdan.organisations.models import User

from . import rules, services


def seed(orgs: dict) -> None:
    """Idempotent: the month already drafted is returned as it is (``services.draft_monthly_report``)."""
    month = rules.previous_month(timezone.localdate())
    board = User.objects.filter(username="bantcd", is_active=True).first()  # the demo Board's officer drafts it; else the job
    services.draft_monthly_report(by=board, province_committee=orgs["committee"], year=month.start.year, month=month.start.month)
