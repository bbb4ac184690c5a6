"""Demo calendar for Lạng Sơn: the coming periodic sessions, the first with an agenda from the approved demo matters."""
from __future__ import annotations

from tiepdan.organisations.models import User

from . import agenda, services
from .models import ReceptionSession, SessionStatus


def seed(orgs: dict) -> None:
    committee = orgs["committee"]
    board = User.objects.get(username="bantcd")
    services.generate_periodic_sessions(by=None, province_committee=committee)
    first = ReceptionSession.objects.filter(province_committee=committee, status=SessionStatus.PLANNED).order_by("date").first()
    if first is None or first.agenda_items.exists():
        return
    agenda.fill_agenda(by=board, session=first)
    if first.minute_taker_id is None:
        services.assign_minute_taker(by=board, session=first, minute_taker=board)
    services.invite_organisation(by=board, session=first, organisation=orgs["central_board"], role="observer")
