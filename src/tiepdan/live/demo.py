"""Demo room: the first coming session that is held online gets its room opened, so the console can be tried."""
from __future__ import annotations

from tiepdan.organisations.models import User
from tiepdan.scheduling.models import ReceptionSession

from . import services
from .models import LiveRoom


def seed(orgs: dict) -> None:
    if LiveRoom.objects.filter(province_committee=orgs["committee"]).exists():
        return
    board = User.objects.get(username="bantcd")
    sessions = ReceptionSession.objects.filter(province_committee=orgs["committee"], in_person_only=False, live_room__isnull=True, points__role="central").exclude(status__in=["closed", "cancelled"])
    session = sessions.order_by("date").first()
    if session is not None:
        services.open_room(by=board, session=session)
