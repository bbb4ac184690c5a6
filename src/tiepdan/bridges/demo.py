"""Demo bridge points for Lạng Sơn: Central's point, the province's, the departments' and one per commune hall."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tiepdan.organisations.demo import DEPARTMENTS
from tiepdan.organisations.models import User

from . import rules, services
from .models import BridgePoint, BridgePointKind, EquipmentState

K = BridgePointKind


def seed(orgs: dict) -> None:
    committee = orgs["committee"]
    if BridgePoint.objects.filter(province_committee=committee).exists():
        services.create_commune_points(province_committee=committee, by=None)
        return
    province = committee.unit.name
    cntt = User.objects.filter(username="cntt").first()
    cnttxa = User.objects.filter(username="cnttxa").first()
    services.create_point(by=None, province_committee=committee, kind=K.CENTRAL_BOARD, organisation=orgs["central_board"], name="Điểm cầu Trụ sở Tiếp công dân Trung ương", address=orgs["central_board"].address or "Hà Nội")
    services.create_point(by=None, province_committee=committee, kind=K.PROVINCE, organisation=orgs["board"], is_central=True, name=f"Điểm cầu Trụ sở Tiếp công dân tỉnh {province}", address=f"Trụ sở Tiếp công dân tỉnh {province}", it_contact=cntt)
    services.create_point(by=None, province_committee=committee, kind=K.PROVINCE, organisation=committee, name=f"Phòng họp trực tuyến UBND tỉnh {province}", address=f"Trụ sở UBND tỉnh {province}", it_contact=cntt)
    services.create_point(by=None, province_committee=committee, kind=K.PROVINCE, organisation=orgs["inspectorate"], name=f"Điểm cầu Thanh tra tỉnh {province}", address=f"Trụ sở Thanh tra tỉnh {province}", it_contact=cntt)
    for _full, short in DEPARTMENTS:
        org = orgs.get(short)
        if org is not None:
            services.create_point(by=None, province_committee=committee, kind=K.DEPARTMENT, organisation=org, name=f"Điểm cầu {org.name}", address=f"Trụ sở {org.name}")
    communes = services.create_commune_points(province_committee=committee, by=None)
    if not communes or cntt is None:
        return
    first, second = communes[0], communes[1] if len(communes) > 1 else None
    if cnttxa is not None:
        services.update_point(by=cntt, point=first, it_contact=cnttxa)
    # A little history, so the list's readiness filter shows something on a fresh demo.
    for item in first.equipment.all():
        services.set_equipment_state(by=cntt, item=item, state=EquipmentState.OK)
    if second is not None:
        ups = second.equipment.get(kind="ups")
        services.set_equipment_state(by=cntt, item=ups, state=EquipmentState.MISSING, note="Chưa được cấp thiết bị lưu điện")
        services.record_readiness_test(by=cntt, point=second, ran_at=timezone.now() - dt.timedelta(days=2), measurement=rules.Measurement(
            camera_ok=True, microphone_ok=True, connected=True, uplink_kbps=2100, downlink_kbps=7400, rtt_ms=86, packet_loss_pct=0.4))
