"""Readiness of the bridge points a reception session uses: the board, the «ready» guard's figures, the reminders.

Scheduling's, not bridges': a session needs its points' readiness, a bridge point knows nothing of
sessions. Bridges gives what this module reads about points: ``selectors.readiness_for`` (points and
a time), ``rules.test_window_start``, and ``services.remind_unready_points`` (who is told, once).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from tiepdan.bridges import rules as bridge_rules
from tiepdan.bridges import selectors as bridge_selectors
from tiepdan.bridges import services as bridge_services
from tiepdan.bridges.models import BridgePoint

from .models import ReceptionSession
from .selectors import open_sessions_q, test_deadline_for


def points_for_session(session) -> list[BridgePoint]:
    """The session's central point first, then the active points of every organisation taking part.

    A session names organisations (``SessionPoint.organisation``); each one's point in the
    session's province registry is where it connects from. An agenda item's commune point,
    when scheduling records one, is included too.
    """
    registry = BridgePoint.objects.filter(province_committee=session.province_committee, is_active=True).select_related("organisation", "it_contact", "unit")
    central = getattr(session, "central_point", None) or bridge_selectors.central_point_for(session.province_committee)
    taking_part = session.points.exclude(role="central")
    # A session point that names its bridge point connects from there; otherwise from its organisation's point(s).
    chosen_ids, organisation_ids = [], []
    for sp in taking_part:
        point_id = getattr(sp, "bridge_point_id", None)
        if point_id:
            chosen_ids.append(point_id)
        else:
            organisation_ids.append(sp.organisation_id)
    points = list(BridgePoint.objects.filter(pk__in=chosen_ids).select_related("organisation", "it_contact", "unit").order_by("kind", "name_folded"))
    points += [p for p in registry.filter(organisation_id__in=organisation_ids).order_by("kind", "name_folded") if p not in points]
    agenda = getattr(session, "agenda_items", None)
    if agenda is not None and hasattr(agenda.model, "bridge_point"):
        extra = registry.filter(pk__in=agenda.exclude(bridge_point__isnull=True).values("bridge_point_id"))
        points += [p for p in extra if p not in points]
    if central is not None:
        points = [central] + [p for p in points if p.pk != central.pk]
    return points


@dataclass(frozen=True)
class SessionReadiness:
    session: object
    starts_at: dt.datetime
    deadline: dt.datetime
    since: dt.datetime
    rows: list  # bridges.selectors.PointReadiness

    @property
    def ready_count(self) -> int:
        return sum(1 for r in self.rows if r.passed)

    @property
    def all_ready(self) -> bool:
        return bool(self.rows) and self.ready_count == len(self.rows)

    @property
    def overdue(self) -> bool:
        return timezone.now() >= self.deadline and not self.all_ready


def board_for(session) -> SessionReadiness:
    """For each point of the session: its latest test since preparation began (5 working days before) and whether it passed."""
    starts_at = session.online_starts_at
    since = bridge_rules.test_window_start(starts_at)
    return SessionReadiness(session=session, starts_at=starts_at, deadline=test_deadline_for(session), since=since,
                            rows=bridge_selectors.readiness_for(points_for_session(session), since))


def session_label(session) -> str:
    return f"phiên tiếp công dân ngày {session.date:%d/%m/%Y}"


def remind_for_upcoming_sessions(*, now: dt.datetime | None = None, days_ahead: int = 10) -> int:
    """Nag the points of every open session of the coming days that have not passed their test yet.

    Returns how many reminders went out. ``bridges.services.remind_unready_points`` decides when (the day
    the deadline falls on, then once more when it has passed) and keeps it to one reminder per person.
    """
    now = now or timezone.now()
    today = now.astimezone(bridge_rules.VN_TZ).date()
    sessions = ReceptionSession.objects.filter(open_sessions_q(), date__gte=today, date__lte=today + dt.timedelta(days=days_ahead), in_person_only=False).select_related("province_committee")
    sent = 0
    for session in sessions:
        sent += len(bridge_services.remind_unready_points(
            points=points_for_session(session), session_start=session.online_starts_at, deadline=test_deadline_for(session), session_key=f"session-{session.pk}",
            session_label=session_label(session), url=reverse("scheduling_readiness_board", args=[session.pk]), now=now,
        ))
    return sent
