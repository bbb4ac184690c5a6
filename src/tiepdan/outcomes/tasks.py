"""Background jobs of outcomes: surface the notices that wait past their deadline."""
from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tiepdan.core import audit, policy
from tiepdan.notifications.services import notify
from tiepdan.organisations.models import User

from . import selectors
from .services import notice_link

log = logging.getLogger("tiepdan.outcomes")


def _owners(notice) -> list[User]:
    """The named owner, else every official of the province in the owner's role who may act on it."""
    if notice.owner is not None:
        return [notice.owner]
    people = User.objects.filter(is_active=True, role=notice.owner_role, organisation__path__startswith=notice.session.province_committee.path).select_related("organisation")
    return [u for u in people if policy.can(u, "outcomes.view", notice)]


def surface_stuck(now=None) -> list[int]:
    """Each notice past its waiting state's deadline (``workflow.WAITING``): its owner is told once per state
    and version (in the app and by e-mail), and the job's finding is audited."""
    now = now or timezone.now()
    told = []
    for notice in selectors.stuck(now)[:500]:
        rows = notify(recipients=_owners(notice), subject=f"Thông báo kết luận quá hạn: {notice.get_state_display()}",
                      body=f"{notice} đang ở bước «{notice.get_state_display()}» quá hạn {timezone.localtime(notice.due_at):%H:%M %d/%m/%Y}. Hãy xử lý.",
                      link=notice_link(notice), about=notice, key=f"outcomes.stuck:{notice.pk}:{notice.state}:{notice.version}")
        if rows:
            audit.record(actor=None, action="outcomes.notice.stuck", obj=notice, changes={"state": notice.state, "due_at": notice.due_at.isoformat(), "told": [r.recipient_id for r in rows]})
            log.warning("%s quá hạn ở bước %s", notice, notice.state)
            told.append(notice.pk)
    return told


@db_periodic_task(crontab(minute="15", hour="7-17"))
def surface_stuck_notices():
    """Every working hour: a notice's deadline is an hour of the day (17:00)."""
    return surface_stuck()
