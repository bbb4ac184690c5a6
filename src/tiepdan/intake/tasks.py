"""Background jobs of registration: surface what waits too long."""
from __future__ import annotations

import logging

from django.urls import reverse
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tiepdan.core import audit, policy
from tiepdan.notifications.services import notify
from tiepdan.organisations.models import Organisation, User

from . import selectors

log = logging.getLogger("tiepdan.intake")


def surface_stuck(now=None) -> dict[int, dict]:
    """Per province: matters past their waiting state's deadline, and open petitions nearing the
    45 days of Decree 154/2026 Art. 41(3)(b). Each province with something stuck gets one audit
    entry listing them, and its Board is told once a day (in the app and by e-mail) with a link to
    the "Quá hạn" page, which shows the same lists live."""
    now = now or timezone.now()
    report = {}
    for committee in Organisation.objects.filter(kind=Organisation.Kind.PROVINCE_COMMITTEE):
        overdue = list(selectors.matters_overdue(now, province_committee=committee).values_list("pk", flat=True)[:500])
        nearing = list(selectors.petitions_nearing_45_days(now, province_committee=committee).values_list("matter_id", flat=True)[:500])
        if overdue or nearing:
            audit.record(actor=None, action="matter.stuck_report", obj=committee, changes={"overdue_matters": overdue, "petitions_nearing_45_days_matters": nearing})
            log.warning("%s: %d vụ việc quá hạn, %d đơn sắp quá 45 ngày", committee, len(overdue), len(nearing))
            report[committee.pk] = {"overdue": overdue, "nearing_45_days": nearing}
            notify(recipients=_who_handles_stuck(committee), subject="Vụ việc quá hạn, đơn sắp quá 45 ngày",
                   body=f"{len(overdue)} vụ việc quá hạn bước xử lý, {len(nearing)} đơn sắp quá 45 ngày (Nghị định 154/2026, Điều 41(3)(b)). Hãy xem trang «Quá hạn» và xử lý.",
                   link=reverse("intake:overdue"), about=committee, key=f"stuck:{committee.pk}:{timezone.localdate(now):%Y-%m-%d}")
    return report


def _who_handles_stuck(committee: Organisation) -> list[User]:
    """The officials of the province who may act on the "Quá hạn" page (the action its view asks)."""
    people = User.objects.filter(is_active=True, role__in=policy.PERMISSIONS["triage.classify"], organisation__path__startswith=committee.path)
    return [u for u in people.select_related("organisation") if policy.can(u, "triage.classify", committee)]


@db_periodic_task(crontab(hour="7", minute="0"))
def surface_stuck_matters():
    """Every morning at 07:00, before the working day starts."""
    return surface_stuck()
