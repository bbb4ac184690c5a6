"""Pages and JSON endpoints of bridges, through the test client: who sees and tests what."""
import json

import pytest
from django.core.exceptions import PermissionDenied

from tiepdan.bridges import rules, selectors, services
from tiepdan.bridges.models import BridgePoint, BridgePointKind, ReadinessTest
from tiepdan.core import policy


@pytest.fixture
def other_commune_point(province_points):
    return BridgePoint.objects.filter(kind=BridgePointKind.COMMUNE).exclude(organisation=province_points["commune"]).order_by("unit__code").first()


def client_for(client, user):
    client.force_login(user)
    return client


def test_commune_it_operator_cannot_test_another_communes_point(commune_point, other_commune_point, official, client):
    cnttxa = official("cnttxa")
    tests_before = ReadinessTest.objects.filter(point=other_commune_point).count()
    assert policy.can(cnttxa, "bridges.run_test", commune_point)
    assert not policy.can(cnttxa, "bridges.run_test", other_commune_point)
    with pytest.raises(PermissionDenied):
        services.record_readiness_test(by=cnttxa, point=other_commune_point, measurement=rules.Measurement(camera_ok=True, microphone_ok=True, connected=True, uplink_kbps=9000, downlink_kbps=9000))
    c = client_for(client, cnttxa)
    assert c.get(f"/diem-cau/{other_commune_point.pk}/kiem-tra/").status_code == 404  # outside its scope: not found
    response = c.post(f"/diem-cau/{other_commune_point.pk}/kiem-tra/ket-qua/", data=json.dumps({"camera_ok": True}), content_type="application/json")
    assert response.status_code == 404 and "phạm vi" in response.json()["error"]
    assert ReadinessTest.objects.filter(point=other_commune_point).count() == tests_before


def test_commune_people_see_only_their_communes_point(province_points, official, client):
    visible = selectors.visible_points(official("canboxa"))
    assert [p.organisation_id for p in visible] == [province_points["commune"].pk]
    page = client_for(client, official("canboxa")).get("/diem-cau/")
    assert page.status_code == 200 and "1 điểm cầu" in page.content.decode()


def test_province_sees_every_point_and_the_other_province_none(province_points, other_province, official, make_official):
    total = BridgePoint.objects.filter(province_committee=province_points["committee"]).count()
    assert selectors.visible_points(official("bantcd")).count() == total
    bac_ninh_it = make_official("it_operator", other_province["it_centre"])
    assert selectors.visible_points(bac_ninh_it).count() == 0
    assert not policy.can(bac_ninh_it, "bridges.run_test", selectors.commune_point_for(province_points["commune"].unit))


def test_board_officer_may_view_but_not_test(commune_point, official, client):
    assert not policy.can(official("bantcd"), "bridges.run_test", commune_point)
    assert client_for(client, official("bantcd")).get(f"/diem-cau/{commune_point.pk}/kiem-tra/").status_code == 403


def test_list_searches_without_diacritics_and_pages(province_points, official, client):
    c = client_for(client, official("bantcd"))
    commune = province_points["commune"].unit
    folded = commune.name_folded.split(" ", 1)[1]  # "dong kinh" for "Phường Đông Kinh"
    body = c.get("/diem-cau/", {"q": folded}, HTTP_HX_REQUEST="true").content.decode()
    assert f"Điểm cầu {commune.name}" in body and "<html" not in body
    full = c.get("/diem-cau/").content.decode()
    assert "Trang 1/2" in full  # 80-odd points, 50 a page


def test_list_filters_by_readiness_and_equipment(province_points, official, client):
    c = client_for(client, official("bantcd"))
    failed = c.get("/diem-cau/", {"readiness": "failed"}).content.decode()
    assert "1 điểm cầu" in failed  # the demo's one slow commune
    incomplete = selectors.filter_points(selectors.visible_points(official("bantcd")), equipment_incomplete=True)
    complete = BridgePoint.objects.filter(province_committee=province_points["committee"]).count() - incomplete.count()
    assert complete == 1  # the first commune's kit is all checked in the demo
    assert selectors.filter_points(selectors.visible_points(official("bantcd")), kind="department").count() == 8


def test_result_without_a_probe_is_stored_as_not_connected(commune_point, official, client):
    c = client_for(client, official("cnttxa"))
    response = c.post(f"/diem-cau/{commune_point.pk}/kiem-tra/ket-qua/", data=json.dumps({"camera_ok": True, "microphone_ok": True, "downlink_kbps": 99999}), content_type="application/json")
    assert response.status_code == 200
    data = response.json()
    assert not data["passed"] and "không kết nối được tới máy chủ" in data["verdict"]
    test = ReadinessTest.objects.get(point=commune_point)
    assert test.uplink_kbps is None  # never taken from the browser


def test_equipment_update_through_the_page(commune_point, official, client):
    item = commune_point.equipment.get(kind="ups")
    c = client_for(client, official("cnttxa"))
    response = c.post(f"/diem-cau/{commune_point.pk}/thiet-bi/{item.pk}/", {"state": "missing", "note": ""}, follow=True)
    assert "Hãy ghi rõ thiết bị hỏng hay thiếu" in response.content.decode()
    c.post(f"/diem-cau/{commune_point.pk}/thiet-bi/{item.pk}/", {"state": "missing", "note": "Chưa được cấp"})
    item.refresh_from_db()
    assert item.state == "missing"


def test_create_commune_points_button_is_for_province_it_only(province_points, official, client):
    assert client_for(client, official("cnttxa")).post("/diem-cau/tao-diem-cau-xa/").status_code == 403
    client.logout()
    response = client_for(client, official("cntt")).post("/diem-cau/tao-diem-cau-xa/", follow=True)
    assert "đã có điểm cầu; không tạo thêm" in response.content.decode()


def test_home_offers_the_bridge_points_card(demo, official, client):
    assert "/diem-cau/" in client_for(client, official("cnttxa")).get("/").content.decode()


def test_point_edit_assigns_an_it_contact_and_is_audited(province_points, official, client):
    from tiepdan.core.models import AuditEntry

    point = BridgePoint.objects.filter(kind=BridgePointKind.DEPARTMENT).first()
    c = client_for(client, official("cntt"))
    response = c.post(f"/diem-cau/{point.pk}/sua/", {"address": "Số 2 Hùng Vương", "it_contact": official("cntt").pk, "is_active": "on", "reason": "Phân công phụ trách"}, follow=True)
    assert "Đã lưu thông tin điểm cầu." in response.content.decode()
    point.refresh_from_db()
    assert point.it_contact.username == "cntt" and point.address == "Số 2 Hùng Vương"
    assert AuditEntry.objects.filter(action="bridges.point_updated", object_id=str(point.pk), reason="Phân công phụ trách").exists()
    # A commune's IT operator is not offered for a department's point.
    response = c.post(f"/diem-cau/{point.pk}/sua/", {"address": "x", "it_contact": official("cnttxa").pk, "is_active": "on"}, follow=True)
    assert "Thông tin chưa hợp lệ" in response.content.decode()


def test_list_query_count_does_not_grow_with_points(province_points, official, client, django_assert_max_num_queries):
    c = client_for(client, official("bantcd"))
    with django_assert_max_num_queries(12):
        c.get("/diem-cau/", {"page": 2})


def test_reminder_shows_on_the_list_until_read(commune_point, official, client):
    import datetime as dt

    from tiepdan.notifications.models import Notification

    start = dt.datetime(2026, 12, 15, 14, 0, tzinfo=rules.VN_TZ)
    services.remind_unready_points(points=[commune_point], session_start=start, deadline=dt.datetime(2026, 12, 15, 0, 0, tzinfo=rules.VN_TZ), session_key="s9", session_label="phiên 15/12/2026", now=dt.datetime(2026, 12, 14, 9, 0, tzinfo=rules.VN_TZ))
    c = client_for(client, official("cnttxa"))
    assert "Bạn có 1 thông báo nhắc kiểm tra kết nối chưa đọc." in c.get("/diem-cau/").content.decode()
    note = Notification.objects.get(recipient__username="cnttxa")
    assert "phiên 15/12/2026" in c.get("/diem-cau/thong-bao/").content.decode()
    c.post(f"/diem-cau/thong-bao/{note.pk}/da-doc/")
    assert "thông báo nhắc" not in c.get("/diem-cau/").content.decode()


def test_each_province_cites_its_own_plan_on_the_bridge_point_page(province_points, demo, other_province, official, make_official, client):
    from tiepdan.core.roles import Role
    from tiepdan.scheduling import demo as scheduling_demo

    scheduling_demo.seed(demo)
    html = client_for(client, official("cntt")).get("/diem-cau/").content.decode()
    assert "Quyết định số 2193/QĐ-UBND ngày 05/12/2024" in html and "Lạng Sơn" in html.split('id="link-requirement"')[1].split("</p>")[0]
    assert "Thanh Hóa" not in html
    # Bắc Ninh has set no plan of its own: its page cites none, and never Lạng Sơn's.
    bac_ninh = client_for(client, make_official(Role.IT_OPERATOR, other_province["it_centre"])).get("/diem-cau/").content.decode()
    requirement = bac_ninh.split('id="link-requirement"')[1].split("</p>")[0]
    assert "2193" not in requirement and "Lạng Sơn" not in requirement and "Thanh Hóa" not in requirement and "Theo " not in requirement
