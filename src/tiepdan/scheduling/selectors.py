"""Read-side queries about sessions that several callers share (pages, the live room, reports, the feed)."""
from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from tiepdan.core import policy
from tiepdan.intake.models import Matter
from tiepdan.organisations.models import Organisation

from . import rules
from .models import ChangeNotice, Participant, ParticipantKind, ReceptionSession, ReceptionSettings, SessionPoint, SessionStatus

# Organisations whose people follow every session of their province (not only those they are invited to).
PROVINCE_WIDE_KINDS = {
    Organisation.Kind.PROVINCE_COMMITTEE,
    Organisation.Kind.PROVINCE_BOARD,
    Organisation.Kind.PROVINCE_INSPECTORATE,
    Organisation.Kind.IT_CENTRE,
}


def settings_for(province_committee: Organisation) -> ReceptionSettings:
    """The province's calendar settings; Lạng Sơn's defaults until the Board changes them (the row is made on first read)."""
    obj, _ = ReceptionSettings.objects.get_or_create(province_committee=province_committee)
    return obj


def test_deadline_for(session: ReceptionSession) -> dt.datetime:
    """When every point of ``session`` must have passed its test (rules.test_deadline, at the province's hour)."""
    return rules.test_deadline(session.date, settings_for(session.province_committee).test_deadline_hour)


def visible_sessions(user) -> QuerySet[ReceptionSession]:
    """Sessions of the user's province, or those the user's commune or agency takes part in."""
    return policy.visible(user, "scheduling.view", ReceptionSession.objects.select_related("province_committee", "chair", "minute_taker"))


def session_points(session: ReceptionSession) -> QuerySet[SessionPoint]:
    """The points taking part, central first, each with its organisation and the people who sit there."""
    return session.points.select_related("organisation", "bridge_point").prefetch_related("participants__user").order_by("role", "organisation__name")


def sessions_for_organisation(organisation: Organisation) -> QuerySet[ReceptionSession]:
    """What an organisation's calendar shows: all of its province's sessions for province-wide bodies, else those it takes part in."""
    qs = ReceptionSession.objects.select_related("province_committee", "chair")
    if organisation.kind == Organisation.Kind.CENTRAL_BOARD:
        return qs.filter(points__organisation=organisation).distinct()
    if organisation.kind in PROVINCE_WIDE_KINDS:
        committee = organisation.province_committee
        return qs.filter(province_committee=committee) if committee else qs.none()
    return qs.filter(points__organisation=organisation).distinct()


def upcoming(queryset: QuerySet[ReceptionSession], today) -> QuerySet[ReceptionSession]:
    return queryset.filter(date__gte=today).exclude(status__in=[SessionStatus.CANCELLED, SessionStatus.CLOSED])


def open_sessions_q() -> Q:
    return ~Q(status__in=[SessionStatus.CANCELLED, SessionStatus.CLOSED])


def invitation_overdue_ids(sessions, today) -> set[int]:
    """Planned sessions whose notice deadline (Decree 154/2026 Art. 23(1)) has passed without invitations: the Board's to act on."""
    cal = rules.working_calendar(range(today.year - 1, today.year + 2))
    return {s.pk for s in sessions if s.status == SessionStatus.PLANNED and s.date >= today and today > rules.notice_deadline(s.date, cal)}


def recent_changes(user, limit: int = 8):
    """The in-app side of change notices: the latest changes to sessions the user can see (their calendar's bell)."""
    return ChangeNotice.objects.filter(session__in=visible_sessions(user).values("pk"), matter__isnull=True).select_related("session").order_by("-at")[:limit]


def matters_shown_to(user, session: ReceptionSession, matter_ids) -> set[int]:
    """Of ``matter_ids`` (matters on or carried from ``session``), those whose citizen and complaint ``user`` may see.

    A session's page names citizens and what they complain of: personal data, processed only for its
    purpose by those who need it (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15). The Board, the Chairman (or deputy) and the province's inspectors
    see every matter (``scheduling.view_citizens``); anyone else sees the matters of their own
    organisation: the citizens of their commune, those seated at their own point, and those whose
    reception their agency was invited to. The rest are only counted.
    """
    ids = set(matter_ids)
    if not ids or policy.can(user, "scheduling.view_citizens", session):
        return ids
    if user.organisation_id is None:
        return set()
    own = user.organisation.path
    seated_here = Participant.objects.filter(point__session=session, kind=ParticipantKind.CITIZEN, point__organisation__path__startswith=own).values("matter_id")
    mine = Q(commune_committee__path__startswith=own) | Q(agencies_required__path__startswith=own) | Q(pk__in=seated_here)
    return set(Matter.objects.filter(pk__in=ids).filter(mine).values_list("pk", flat=True))
