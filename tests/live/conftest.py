"""Fixtures of the live room: a reception session with its points, built as scheduling stores it."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone


@pytest.fixture
def make_session(demo):
    """``make_session(communes=3, observer=False)`` → a periodic session today with a central point (the
    provincial Board) and one component point per commune of the demo province."""
    from tiepdan.organisations.models import Organisation, User
    from tiepdan.scheduling.models import ReceptionSession, SessionPoint

    def make(communes: int = 3, observer: bool = False, minute_taker: str | None = "bantcd", province=None):
        orgs = province or demo
        now = timezone.now()
        today = timezone.localdate()
        session = ReceptionSession.objects.create(
            province_committee=orgs["committee"], kind="periodic", date=today, period_month=today.replace(day=1) + dt.timedelta(days=31 * ReceptionSession.objects.count()),
            online_starts_at=now, online_ends_at=now + dt.timedelta(hours=3), location="Trụ sở Ban Tiếp công dân tỉnh",
            capacity_seats=15, status="ready",
            minute_taker=User.objects.filter(username=minute_taker).first() if minute_taker else None,
        )
        SessionPoint.objects.create(session=session, organisation=orgs["board"], role="central")
        for commune in Organisation.objects.filter(kind=Organisation.Kind.COMMUNE_COMMITTEE, parent=orgs["committee"]).order_by("unit__code")[:communes]:
            SessionPoint.objects.create(session=session, organisation=commune, role="component")
        if observer:
            SessionPoint.objects.create(session=session, organisation=demo["central_board"], role="observer")
        return session

    return make


@pytest.fixture
def room(make_session, official):
    """An open room of a 3-commune session (4 points: mesh), opened by the Board officer."""
    from tiepdan.live import services

    return services.open_room(by=official("bantcd"), session=make_session(communes=3))


@pytest.fixture
def agenda(official, demo):
    """``agenda(room, n)``: n matters registered at the Board for citizens of the rooms' communes, placed on the
    session's agenda in order (AgendaItem rows, as scheduling places them), each at its commune's bridge point."""
    from tiepdan.bridges.models import BridgePoint
    from tiepdan.intake import services as intake
    from tiepdan.intake.services import CitizenData, MatterData
    from tiepdan.scheduling.models import AgendaItem

    def make(room, n=2):
        board = official("bantcd")
        halls = list(room.points.filter(role="component").select_related("organisation__unit").order_by("pk"))
        items = []
        for i in range(n):
            hall = halls[i % len(halls)]
            unit = hall.organisation.unit
            citizen = CitizenData(full_name=f"Công dân Phòng {i + 1}", id_number=f"02006800{i + 1:04d}", date_of_birth=dt.date(1968, 3, 12), commune=unit, address=f"Thôn {i + 1}")
            matter = intake.register_at_board(by=board, citizen=citizen, matter=MatterData(kind="complaint", summary=f"Khiếu nại bồi thường đất đai số {i + 1}", wants_online=True))
            point = BridgePoint.objects.filter(organisation=hall.organisation).first() or BridgePoint.objects.create(
                province_committee=room.province_committee, name=f"Hội trường {hall.organisation}", kind="commune", organisation=hall.organisation,
                unit=unit, required_uplink_kbps=5000, required_downlink_kbps=5000)
            items.append(AgendaItem.objects.create(session=room.session, matter=matter, position=i + 1, bridge_point=point))
        return items

    return make
