"""Outcomes fixtures: a reception session received and closed through the real services, with its minutes."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone


@pytest.fixture
def closed_session(demo, official):
    """``closed_session(minutes=[{...}, {...}])`` → a session of the demo province whose room was opened, went
    live, took up one approved matter per entry (two citizens of different communes by default), saved each
    entry as the matter's minutes and closed; the matters are still «Được duyệt tiếp»."""
    from tiepdan.bridges.models import BridgePoint
    from tiepdan.intake import services as intake
    from tiepdan.intake.services import CitizenData, MatterData
    from tiepdan.live import services as live
    from tiepdan.live.models import MatterMinutes
    from tiepdan.organisations.models import Organisation
    from tiepdan.scheduling.models import AgendaItem, ReceptionSession, SessionPoint
    from tiepdan.triage import services as triage
    from tiepdan.triage.rules import Ground

    names = ["Nguyễn Thị Hường", "Lục Văn Điềm", "Hoàng Thị Ngọc"]

    def make(minutes=None, chair="bantcd"):
        entries = minutes or [
            {"citizen_presentation": "Đề nghị xem xét lại mức bồi thường đất ở", "conclusion": "Giao Sở Nông nghiệp và Môi trường kiểm tra, trả lời công dân", "settlement_time_limit": "30 ngày", "contact_person": "Bà Lương Thị Hạnh, Sở NN&MT"},
            {"citizen_presentation": "Hỏi về chế độ người có công", "conclusion": "Đã giải thích rõ chính sách tại buổi tiếp", "answered_at_once": True},
        ]
        board, chairman = official("bantcd"), official("chutich")
        now = timezone.now()
        today = timezone.localdate()
        session = ReceptionSession.objects.create(
            province_committee=demo["committee"], kind="periodic", date=today, period_month=today.replace(day=1) + dt.timedelta(days=31 * (ReceptionSession.objects.count() + 1)),
            online_starts_at=now, online_ends_at=now + dt.timedelta(hours=3), location="Trụ sở Ban Tiếp công dân tỉnh",
            capacity_seats=15, status="ready", minute_taker=board, chair=official(chair),
        )
        SessionPoint.objects.create(session=session, organisation=demo["board"], role="central")
        communes = list(Organisation.objects.filter(kind=Organisation.Kind.COMMUNE_COMMITTEE, parent=demo["committee"]).select_related("unit").order_by("unit__code")[: len(entries)])
        items = []
        for i, entry in enumerate(entries):
            commune = communes[i % len(communes)]
            SessionPoint.objects.get_or_create(session=session, organisation=commune, defaults={"role": "component"})
            citizen = CitizenData(full_name=names[i], id_number=f"020165{i + 1:06d}", date_of_birth=dt.date(1965, 5, 1), commune=commune.unit, address=f"Thôn Nà {i + 1}")
            matter = intake.register_at_board(by=board, citizen=citizen, matter=MatterData(kind="complaint", subject_area="land", summary=f"Khiếu nại số {i + 1}", request="Đề nghị được gặp Chủ tịch.", wants_online=True))
            triage.classify(by=board, matter=matter, kind="complaint", subject_area="land")
            triage.propose(by=board, matter=matter, ground=Ground.ART20_OTHER, reason="Cần đối thoại trực tiếp.")
            triage.decide(by=chairman, matter=matter, approve=True, reason="Đồng ý tiếp.")
            point = BridgePoint.objects.filter(organisation=commune).first() or BridgePoint.objects.create(
                province_committee=demo["committee"], name=f"Hội trường {commune}", kind="commune", organisation=commune, unit=commune.unit, required_uplink_kbps=5000, required_downlink_kbps=5000)
            items.append(AgendaItem.objects.create(session=session, matter=matter, position=i + 1, bridge_point=point))
        room = live.open_room(by=board, session=session)
        for p in room.points.exclude(role="central"):
            live.device_connected(point=p, channel_name=f"c{p.pk}")
            live.admit(by=board, point=p)
        room = live.start_session(by=board, room=room)
        for item, entry in zip(items, entries):
            room = live.start_matter(by=board, room=room, item=item)
            live.save_minutes(by=board, minutes=MatterMinutes.objects.get(agenda_item=item), base_version=0, **entry)
        live.close_matter(by=board, room=room)
        live.close_room(by=board, room=room)
        session.refresh_from_db()
        return session

    return make
