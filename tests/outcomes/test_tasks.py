"""Every waiting state of the notice has an owner and a deadline; the periodic job tells the owner once when it passes."""
from __future__ import annotations

import datetime as dt

from tiepdan.notifications.models import Notification
from tiepdan.outcomes import services, tasks


def test_a_draft_past_its_deadline_is_surfaced_to_its_owner_once(closed_session, official):
    notice = services.draft_notice(session=closed_session())
    assert tasks.surface_stuck(now=notice.due_at - dt.timedelta(minutes=1)) == []
    later = notice.due_at + dt.timedelta(minutes=1)
    assert tasks.surface_stuck(now=later) == [notice.pk]
    assert tasks.surface_stuck(now=later) == []  # told once per state
    told = Notification.objects.get(recipient=official("bantcd"), key__startswith="outcomes.stuck")
    assert "quá hạn" in told.subject and told.link.endswith(f"/ket-qua/{notice.pk}/")


def test_a_submitted_notice_waits_on_the_chair_and_is_surfaced_to_them(closed_session, official):
    board = official("bantcd")
    notice = services.draft_notice(session=closed_session(chair="chutich"))
    services.submit(by=board, notice=notice)
    notice.refresh_from_db()
    assert notice.owner.username == "chutich" and notice.owner_role == "province_chairman"
    assert tasks.surface_stuck(now=notice.due_at + dt.timedelta(hours=1)) == [notice.pk]
    assert Notification.objects.filter(recipient=official("chutich"), key__startswith="outcomes.stuck").exists()
