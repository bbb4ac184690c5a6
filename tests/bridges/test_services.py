"""bridges.services: registering points, equipment, readiness tests, reminders."""
import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from tiepdan.bridges import rules, selectors, services
from tiepdan.bridges.models import BridgePoint, BridgePointKind, EquipmentKind, EquipmentState
from tiepdan.core.models import AuditEntry
from tiepdan.core.roles import Role
from tiepdan.notifications import selectors as notices
from tiepdan.organisations.models import Organisation
from tiepdan.scheduling import rules as calendar_rules

GOOD = rules.Measurement(camera_ok=True, microphone_ok=True, connected=True, uplink_kbps=8000, downlink_kbps=9000, rtt_ms=30, packet_loss_pct=0)
SLOW = rules.Measurement(camera_ok=True, microphone_ok=True, connected=True, uplink_kbps=2100, downlink_kbps=9000, rtt_ms=30, packet_loss_pct=0)


def test_commune_points_cover_every_commune_and_are_idempotent(demo):
    committee = demo["committee"]
    communes = Organisation.objects.filter(kind=Organisation.Kind.COMMUNE_COMMITTEE, parent=committee).count()
    created = services.create_commune_points(province_committee=committee, by=None)
    assert len(created) == communes > 50
    assert services.create_commune_points(province_committee=committee, by=None) == []
    assert BridgePoint.objects.filter(province_committee=committee, kind=BridgePointKind.COMMUNE).count() == communes
    point = selectors.commune_point_for(demo["commune"].unit)
    assert point.organisation == demo["commune"]
    assert (point.required_uplink_kbps, point.required_downlink_kbps) == (5000, 5000)
    assert sorted(point.equipment.values_list("kind", flat=True)) == sorted(EquipmentKind.values)
    assert AuditEntry.objects.filter(action="bridges.point_created", object_id=str(point.pk)).exists()


def test_commune_it_operator_cannot_create_the_provinces_points(demo, official):
    with pytest.raises(PermissionDenied):
        services.create_commune_points(province_committee=demo["committee"], by=official("cnttxa"))


def test_central_point_requires_30_mbps_and_is_found_for_the_province(province_points):
    central = selectors.central_point_for(province_points["committee"])
    assert central.organisation == province_points["board"]
    assert central.required_uplink_kbps == 30_000
    hanoi = selectors.central_board_point_for(province_points["committee"])
    assert hanoi.kind == BridgePointKind.CENTRAL_BOARD and hanoi.required_uplink_kbps == 30_000


def test_second_central_point_for_a_province_is_refused(province_points, official):
    with pytest.raises(ValidationError):
        services.create_point(by=official("cntt"), province_committee=province_points["committee"], kind=BridgePointKind.PROVINCE,
                              organisation=province_points["inspectorate"], name="Điểm cầu thứ hai", is_central=True)


def test_it_contact_from_another_commune_is_refused(province_points, official, make_official):
    other_commune = Organisation.objects.filter(kind=Organisation.Kind.COMMUNE_COMMITTEE, parent=province_points["committee"]).exclude(pk=province_points["commune"].pk).first()
    stranger = make_official(Role.IT_OPERATOR, other_commune)
    point = selectors.commune_point_for(province_points["commune"].unit)
    with pytest.raises(ValidationError) as error:
        services.update_point(by=official("cntt"), point=point, it_contact=stranger)
    assert "không thuộc đơn vị quản lý" in str(error.value)


def test_update_point_records_the_change(commune_point, official):
    services.update_point(by=official("cntt"), point=commune_point, address="Thôn Nà Sản, trụ sở mới", reason="Chuyển trụ sở")
    entry = AuditEntry.objects.filter(action="bridges.point_updated").latest("id")
    assert entry.changes["address"][1] == "Thôn Nà Sản, trụ sở mới" and entry.reason == "Chuyển trụ sở"


def test_faulty_equipment_needs_a_note(commune_point, official):
    camera = commune_point.equipment.get(kind=EquipmentKind.CAMERA)
    with pytest.raises(ValidationError):
        services.set_equipment_state(by=official("cnttxa"), item=camera, state=EquipmentState.FAULTY)
    services.set_equipment_state(by=official("cnttxa"), item=camera, state=EquipmentState.FAULTY, note="Mất nét khi quay gần")
    camera.refresh_from_db()
    assert camera.state == EquipmentState.FAULTY and camera.checked_by.username == "cnttxa"


def test_readiness_test_is_stored_with_verdict_and_audited(commune_point, official):
    test = services.record_readiness_test(by=official("cnttxa"), point=commune_point, measurement=SLOW)
    assert not test.passed
    assert test.verdict == "Không đạt: tốc độ tải lên 2,1 Mbps < 5 Mbps"
    assert test.ran_by.username == "cnttxa" and test.required_uplink_kbps == 5000
    entry = AuditEntry.objects.filter(action="bridges.test_run").latest("id")
    assert entry.object_id == str(commune_point.pk) and entry.reason == test.verdict


def test_inactive_point_cannot_be_tested(commune_point, official):
    services.update_point(by=official("cntt"), point=commune_point, is_active=False)
    commune_point.refresh_from_db()
    with pytest.raises(ValidationError):
        services.record_readiness_test(by=official("cnttxa"), point=commune_point, measurement=GOOD)


# --- Reminders -----------------------------------------------------------------------------------
def _session_start():
    # Tuesday 15 Dec 2026, 14:00: the deadline is the end of Monday 14 Dec.
    return dt.datetime(2026, 12, 15, 14, 0, tzinfo=rules.VN_TZ)


def _deadline(hour=None):
    return calendar_rules.test_deadline(_session_start().date(), hour)


def test_reminder_goes_to_it_contact_in_app_and_by_email_once(commune_point, official, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    start = _session_start()
    monday_morning = dt.datetime(2026, 12, 14, 8, 0, tzinfo=rules.VN_TZ)
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.remind_unready_points(points=[commune_point], session_start=start, deadline=_deadline(), session_key="s1", session_label="phiên 15/12/2026", now=monday_morning)
    assert [n.recipient.username for n in sent] == ["cnttxa"]
    assert "trước 00:00 ngày 15/12/2026" in sent[0].body
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["cnttxa@demo.tiepdan.local"]
    assert mail.outbox[0].subject == "Nhắc kiểm tra kết nối điểm cầu"
    assert notices.about(commune_point).get().emailed
    with django_capture_on_commit_callbacks(execute=True):
        again = services.remind_unready_points(points=[commune_point], session_start=start, deadline=_deadline(), session_key="s1", session_label="phiên 15/12/2026", now=monday_morning + dt.timedelta(hours=2))
    assert again == [] and len(mail.outbox) == 1


def test_no_reminder_before_the_deadline_day(commune_point):
    friday = dt.datetime(2026, 12, 11, 9, 0, tzinfo=rules.VN_TZ)
    assert services.remind_unready_points(points=[commune_point], session_start=_session_start(), deadline=_deadline(), session_key="s1", session_label="phiên", now=friday) == []


def test_point_that_passed_in_the_window_is_not_reminded(commune_point, official):
    services.record_readiness_test(by=official("cnttxa"), point=commune_point, measurement=GOOD, ran_at=dt.datetime(2026, 12, 11, 10, 0, tzinfo=rules.VN_TZ))
    monday = dt.datetime(2026, 12, 14, 8, 0, tzinfo=rules.VN_TZ)
    assert services.remind_unready_points(points=[commune_point], session_start=_session_start(), deadline=_deadline(), session_key="s1", session_label="phiên", now=monday) == []


def test_old_pass_does_not_count_and_overdue_reminder_follows(commune_point, official):
    services.record_readiness_test(by=official("cnttxa"), point=commune_point, measurement=GOOD, ran_at=dt.datetime(2026, 11, 2, 10, 0, tzinfo=rules.VN_TZ))
    tuesday_morning = dt.datetime(2026, 12, 15, 8, 0, tzinfo=rules.VN_TZ)
    sent = services.remind_unready_points(points=[commune_point], session_start=_session_start(), deadline=_deadline(), session_key="s1", session_label="phiên", now=tuesday_morning)
    assert len(sent) == 1 and "đã quá hạn" in sent[0].body
    assert notices.about(commune_point).filter(key__endswith=":overdue").count() == 1


def test_point_without_contact_reminds_its_organisations_it_operators(province_points, official):
    other = BridgePoint.objects.filter(kind=BridgePointKind.COMMUNE, it_contact__isnull=True).exclude(organisation=province_points["commune"]).first()
    assert services.responsible_people(other) == []
    first = selectors.commune_point_for(province_points["commune"].unit)
    services.update_point(by=official("cntt"), point=first, it_contact=None)
    assert [u.username for u in services.responsible_people(first)] == ["cnttxa"]


def test_hung_yen_cutoff_moves_the_deadline_and_the_overdue_reminder(commune_point):
    assert _deadline(15) == dt.datetime(2026, 12, 14, 15, 0, tzinfo=rules.VN_TZ)
    after_three = dt.datetime(2026, 12, 14, 15, 30, tzinfo=rules.VN_TZ)
    sent = services.remind_unready_points(points=[commune_point], session_start=_session_start(), deadline=_deadline(15), session_key="s2", session_label="phiên", now=after_three)
    assert "đã quá hạn (15:00 ngày 14/12/2026)" in sent[0].body


def test_reminders_stop_once_the_session_has_started(commune_point):
    later = _session_start() + dt.timedelta(minutes=5)
    assert services.remind_unready_points(points=[commune_point], session_start=_session_start(), deadline=_deadline(), session_key="s1", session_label="phiên", now=later) == []
    assert not notices.about(commune_point).exists()
