"""Read-side queries of triage that later stages rely on."""
from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from tiepdan.intake.models import Matter, MatterState
from tiepdan.intake.selectors import scoped_matters

from .models import Decision, Proposal


def matters_awaiting_schedule(province_committee) -> QuerySet[Matter]:
    """Approved matters of the province, oldest registration first (the order of the queue).

    Scheduling removes those already on an agenda of a session that is not cancelled
    (through the reverse relation ``agenda_items``), so the filter lives where that model is.
    """
    qs = Matter.objects.filter(province_committee=province_committee, state=MatterState.APPROVED).select_related("citizen", "commune", "delegation").order_by("registered_at", "id")
    try:
        Matter._meta.get_field("agenda_items")
    except Exception:  # scheduling not installed yet
        return qs
    return qs.exclude(agenda_items__session__status__in=["planned", "invitations_sent", "ready", "live", "closed"])


def proposed_matters(user) -> QuerySet[Matter]:
    """The Chairman's list: proposed matters with their proposal and history."""
    return (
        scoped_matters(user, "triage.view_proposals").filter(state=MatterState.PROPOSED)
        .select_related("citizen", "commune", "delegation", "repeat_of")
        .prefetch_related("agencies_involved", Prefetch("proposals", queryset=Proposal.objects.select_related("proposed_by")), "transitions__by")
        .order_by("registered_at", "id")
    )


def last_decision(matter: Matter) -> Decision | None:
    return matter.decisions.select_related("decided_by").first()
