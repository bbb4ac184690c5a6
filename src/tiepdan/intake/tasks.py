"""Background jobs of registration: surface what waits too long."""
from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task
from django.utils import timezone

from tiepdan.core import audit
from tiepdan.organisations.models import Organisation

from . import selectors

log = logging.getLogger("tiepdan.intake")


def surface_stuck(now=None) -> dict[int, dict]:
    """Per province: matters past their waiting state's deadline, and open petitions nearing the
    45 days of Decree 154/2026 Art. 41(3)(b). Each province with something stuck gets one audit
    entry listing them (the Board's "Quá hạn" page shows the same lists live)."""
    now = now or timezone.now()
    report = {}
    for committee in Organisation.objects.filter(kind=Organisation.Kind.PROVINCE_COMMITTEE):
        overdue = list(selectors.matters_overdue(now, province_committee=committee).values_list("pk", flat=True)[:500])
        nearing = list(selectors.petitions_nearing_45_days(now, province_committee=committee).values_list("matter_id", flat=True)[:500])
        if overdue or nearing:
            audit.record(actor=None, action="matter.stuck_report", obj=committee, changes={"overdue_matters": overdue, "petitions_nearing_45_days_matters": nearing})
            log.warning("%s: %d vụ việc quá hạn, %d đơn sắp quá 45 ngày", committee, len(overdue), len(nearing))
            report[committee.pk] = {"overdue": overdue, "nearing_45_days": nearing}
    return report


@db_periodic_task(crontab(hour="7", minute="0"))
def surface_stuck_matters():
    """Every morning at 07:00, before the working day starts."""
    return surface_stuck()
