"""The verbs of bridge points: register, update, check equipment, record a readiness test, remind.

Each one is a transaction and writes the audit log.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tiepdan.core import audit, policy
from tiepdan.core.roles import Role
from tiepdan.notifications.models import Notification
from tiepdan.notifications.services import notify
from tiepdan.organisations.models import Organisation, User

from . import rules, selectors
from .models import BridgePoint, BridgePointKind, EquipmentItem, EquipmentKind, EquipmentState, ReadinessTest

K = Organisation.Kind
EDITABLE_FIELDS = ("name", "address", "it_contact", "is_active", "required_uplink_kbps", "required_downlink_kbps")


def _requirement_for(kind: str, is_central: bool) -> rules.LinkRequirement:
    return rules.required_link(is_central_point=is_central or kind == BridgePointKind.CENTRAL_BOARD)


def _check_contact(point: BridgePoint) -> None:
    contact = point.it_contact
    if contact is not None and not point.organisation.path.startswith(contact.scope_path) and not point.province_committee.path.startswith(contact.scope_path):
        raise ValidationError({"it_contact": f"{contact} không thuộc đơn vị quản lý điểm cầu này; hãy chọn cán bộ của {point.organisation}."})


@transaction.atomic
def create_point(*, by: User | None, province_committee: Organisation, name: str, kind: str, organisation: Organisation, unit=None, address: str = "", it_contact: User | None = None, is_central: bool = False) -> BridgePoint:
    """Register a bridge point with its full equipment checklist (every item "not checked yet").

    ``by`` None is the system (set-up and demo commands).
    """
    requirement = _requirement_for(kind, is_central)
    point = BridgePoint(
        province_committee=province_committee, name=name, kind=kind, organisation=organisation, unit=unit, address=address,
        it_contact=it_contact, is_central=is_central, required_uplink_kbps=requirement.uplink_kbps, required_downlink_kbps=requirement.downlink_kbps,
    )
    if by is not None:
        policy.require(by, "bridges.manage", point)
    if province_committee.kind != K.PROVINCE_COMMITTEE:
        raise ValidationError({"province_committee": "Danh mục điểm cầu phải thuộc một UBND tỉnh."})
    _check_contact(point)
    point.full_clean()
    point.save()
    EquipmentItem.objects.bulk_create([EquipmentItem(point=point, kind=k) for k in EquipmentKind.values])
    audit.record(actor=by, action="bridges.point_created", obj=point, changes={"kind": kind, "organisation": organisation.pk, "unit": unit.pk if unit else None, "is_central": is_central})
    return point


@transaction.atomic
def update_point(*, by: User, point: BridgePoint, reason: str = "", **values) -> BridgePoint:
    """Change a point's name, address, IT contact, requirement or whether it is in use."""
    policy.require(by, "bridges.manage", point)
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    point = BridgePoint.objects.select_for_update().get(pk=point.pk)
    changes = {}
    for name, value in values.items():
        old = getattr(point, name)
        if old != value:
            changes[name] = [getattr(old, "pk", old), getattr(value, "pk", value)]
            setattr(point, name, value)
    if not changes:
        return point
    _check_contact(point)
    point.full_clean()
    point.save()
    audit.record(actor=by, action="bridges.point_updated", obj=point, changes=changes, reason=reason)
    return point


@transaction.atomic
def set_equipment_state(*, by: User, item: EquipmentItem, state: str, note: str = "") -> EquipmentItem:
    policy.require(by, "bridges.manage", item.point)
    if state not in EquipmentState.values:
        raise ValidationError({"state": "Tình trạng thiết bị không hợp lệ."})
    if state in (EquipmentState.FAULTY, EquipmentState.MISSING) and not note.strip():
        raise ValidationError({"note": "Hãy ghi rõ thiết bị hỏng hay thiếu thế nào, để đơn vị kỹ thuật xử lý."})
    old = item.state
    item.state, item.note, item.checked_at, item.checked_by = state, note.strip(), timezone.now(), by
    item.full_clean()
    item.save()
    audit.record(actor=by, action="bridges.equipment_checked", obj=item.point, changes={item.kind: [old, state]}, reason=item.note)
    return item


@transaction.atomic
def create_commune_points(*, province_committee: Organisation, by: User | None) -> list[BridgePoint]:
    """A point at every commune hall of the province (Lạng Sơn's plan runs 213); idempotent.

    Returns the points created by this call (none when every commune already has one).
    """
    if by is not None:
        policy.require(by, "bridges.manage", province_committee)
    have = set(BridgePoint.objects.filter(province_committee=province_committee, kind=BridgePointKind.COMMUNE).values_list("unit_id", flat=True))
    province_name = province_committee.unit.name if province_committee.unit_id else ""
    created = []
    communes = Organisation.objects.filter(kind=K.COMMUNE_COMMITTEE, path__startswith=province_committee.path, is_active=True).select_related("unit").order_by("unit__code")
    for commune in communes:
        if commune.unit_id in have:
            continue
        created.append(create_point(
            by=by, province_committee=province_committee, kind=BridgePointKind.COMMUNE, organisation=commune, unit=commune.unit,
            name=f"Điểm cầu {commune.unit.name}", address=commune.address or f"Trụ sở {commune.name}, {province_name}",
        ))
    return created


@transaction.atomic
def record_readiness_test(*, by: User, point: BridgePoint, measurement: rules.Measurement, user_agent: str = "", details: dict | None = None, ran_at: dt.datetime | None = None) -> ReadinessTest:
    """Store one readiness test with its verdict. Only someone allowed to test this very point may."""
    policy.require(by, "bridges.run_test", point)
    if not point.is_active:
        raise ValidationError("Điểm cầu này đã ngừng sử dụng; hãy kích hoạt lại trước khi kiểm tra.")
    requirement = rules.LinkRequirement(uplink_kbps=point.required_uplink_kbps, downlink_kbps=point.required_downlink_kbps)
    verdict = rules.judge_readiness(measurement, requirement)

    def whole(v):
        return None if v is None else max(0, round(v))

    test = ReadinessTest(
        point=point, ran_by=by, ran_at=ran_at or timezone.now(),
        uplink_kbps=whole(measurement.uplink_kbps), downlink_kbps=whole(measurement.downlink_kbps),
        rtt_ms=measurement.rtt_ms, packet_loss_pct=measurement.packet_loss_pct,
        camera_ok=measurement.camera_ok, microphone_ok=measurement.microphone_ok,
        required_uplink_kbps=requirement.uplink_kbps, required_downlink_kbps=requirement.downlink_kbps,
        passed=verdict.passed, verdict=verdict.text[:500], user_agent=user_agent[:300], details=details or {},
    )
    test.full_clean()
    test.save()
    audit.record(actor=by, action="bridges.test_run", obj=point, changes={
        "passed": verdict.passed, "uplink_kbps": test.uplink_kbps, "downlink_kbps": test.downlink_kbps,
        "rtt_ms": test.rtt_ms, "packet_loss_pct": test.packet_loss_pct, "camera_ok": test.camera_ok, "microphone_ok": test.microphone_ok,
    }, reason=test.verdict)
    return test


def responsible_people(point: BridgePoint) -> list[User]:
    """Who is told about a point: its named IT contact, or else the IT operators of its host organisation."""
    if point.it_contact_id and point.it_contact.is_active:
        return [point.it_contact]
    return list(User.objects.filter(organisation=point.organisation, role=Role.IT_OPERATOR, is_active=True))


@transaction.atomic
def remind_unready_points(*, points: Iterable[BridgePoint], session_start: dt.datetime, deadline: dt.datetime, session_key: str, session_label: str, url: str = "", now: dt.datetime | None = None) -> list[Notification]:
    """Nag the people responsible for every point that has not passed a test for this session yet.

    ``deadline`` is the session's (scheduling.services.test_deadline_for). Runs from a periodic job;
    sends nothing before the day the deadline falls on, and at most one reminder per person, point and session before the deadline plus one after it has passed
    (``key``), so running it every few minutes is safe. Each reminder goes through ``notifications.notify``:
    an in-app notice and an e-mail to the person's address, if any, audited there.
    """
    now = now or timezone.now()
    if now >= session_start:
        return []
    if now.astimezone(rules.VN_TZ).date() < (deadline - dt.timedelta(microseconds=1)).astimezone(rules.VN_TZ).date():
        return []
    overdue = now >= deadline
    stage = "overdue" if overdue else "due"
    since = rules.test_window_start(session_start)
    sent = []
    for status in selectors.readiness_for(points, since):
        if status.passed:
            continue
        point = status.point
        when = timezone.localtime(deadline).strftime("%H:%M ngày %d/%m/%Y")
        if overdue:
            text = f"Điểm cầu {point.name} chưa kiểm tra kết nối đạt yêu cầu, đã quá hạn ({when}) cho {session_label}. Hãy chạy kiểm tra ngay và báo Ban Tiếp công dân."
        else:
            text = f"Điểm cầu {point.name} cần kiểm tra kết nối đạt yêu cầu trước {when} cho {session_label} (Nghị định 154/2026, Điều 23)."
        sent += notify(recipients=responsible_people(point), subject="Nhắc kiểm tra kết nối điểm cầu", body=text, link=url, about=point,
                       key=f"readiness:{session_key}:{point.pk}:{stage}")
    return sent

