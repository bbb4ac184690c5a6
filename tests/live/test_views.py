from tiepdan.live import services


def test_the_board_sees_the_room_issues_a_link_shown_once_and_revokes_it(room, official, client):
    client.force_login(official("bantcd"))
    assert "Phòng họp trực tuyến" in client.get("/phong-truc-tuyen/").content.decode()
    hall = room.points.exclude(role="central").first()
    response = client.post(f"/phong-truc-tuyen/{room.pk}/diem/{hall.pk}/duong-dan/", follow=True)
    page = response.content.decode()
    assert "chỉ hiện một lần" in page and "/phong-truc-tuyen/vao/" in page
    assert "chỉ hiện một lần" not in client.get(f"/phong-truc-tuyen/{room.pk}/").content.decode()
    link = hall.join_links.get()
    client.post(f"/phong-truc-tuyen/duong-dan/{link.pk}/thu-hoi/", {"reason": "Gửi nhầm xã"})
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_the_central_point_page_is_the_console_for_the_chair_and_a_plain_room_for_a_commune(room, official, client, demo):
    client.force_login(official("bantcd"))
    console = client.get(f"/phong-truc-tuyen/{room.pk}/diem/{room.central_point().pk}/").content.decode()
    assert "Bàn điều hành" in console and "Kiểm tra thiết bị trước khi vào phòng" in console
    client.force_login(official("chutichxa"))
    hall = room.points.get(organisation=demo["commune"])
    plain = client.get(f"/phong-truc-tuyen/{room.pk}/diem/{hall.pk}/").content.decode()
    assert "Bàn điều hành" not in plain and "Vào phòng" in plain
    refused = client.get(f"/phong-truc-tuyen/{room.pk}/diem/{room.central_point().pk}/")
    assert refused.status_code == 404 and "Không tìm thấy" in refused.content.decode()  # the Board's point is outside the commune's scope


def test_a_used_link_opened_on_a_second_machine_is_refused_in_vietnamese(room, official, client):
    hall = room.points.exclude(role="central").first()
    _, token = services.issue_join_link(by=official("bantcd"), point=hall)
    assert client.get(f"/phong-truc-tuyen/vao/{token}/").status_code == 302
    client.logout()
    from django.test import Client

    second = Client().get(f"/phong-truc-tuyen/vao/{token}/")
    assert second.status_code == 403 and "đã được mở trên một máy khác" in second.content.decode()


def test_the_browser_that_opened_a_link_comes_back_on_it_after_a_crash_and_another_still_may_not(room, official):
    """A commune PC that crashed lost its session but keeps its device cookie: the same link lets it back in."""
    from django.test import Client

    hall = room.points.exclude(role="central").first()
    link, token = services.issue_join_link(by=official("bantcd"), point=hall)
    hall_pc = Client()
    assert hall_pc.get(f"/phong-truc-tuyen/vao/{token}/").status_code == 302
    device_cookie = hall_pc.cookies["tiepdan_live_device"]
    assert device_cookie["httponly"] and int(device_cookie["max-age"]) >= 47 * 3600  # lasts as long as the link

    restarted = Client()  # the session is gone with the crash; the persistent device cookie is not
    restarted.cookies["tiepdan_live_device"] = device_cookie.value
    back = restarted.get(f"/phong-truc-tuyen/vao/{token}/")
    assert back.status_code == 302 and back["Location"] == f"/phong-truc-tuyen/{room.pk}/diem/{hall.pk}/"
    assert restarted.get(back["Location"]).status_code == 200

    other_pc = Client()
    other_pc.cookies["tiepdan_live_device"] = "mot-may-khac-" + "x" * 30
    assert other_pc.get(f"/phong-truc-tuyen/vao/{token}/").status_code == 403

    services.revoke_join_link(by=official("bantcd"), link=link, reason="Máy bị mất")
    assert restarted.get(f"/phong-truc-tuyen/vao/{token}/").status_code == 403


def test_the_agenda_and_the_room_call_a_matter_by_its_own_number(room, official, client, agenda):
    """One number per matter: the room says what the matter list and the matter page say."""
    from tiepdan.live.selectors import room_snapshot

    chair = official("bantcd")
    from tiepdan.scheduling.models import AgendaItem

    first, second = agenda(room, 2)
    AgendaItem.objects.filter(pk=second.pk).update(position=7)  # the room's order is not the matter's number
    second.refresh_from_db()
    assert second.matter_id != second.position
    client.force_login(chair)
    html = client.get(f"/phong-truc-tuyen/{room.pk}/chuong-trinh/").content.decode()
    assert f"Vụ việc số {second.matter_id}:" in html and f"Vụ việc số {second.position}:" not in html
    listed = client.get(f"/vu-viec/{second.matter_id}/").content.decode()
    assert f"Vụ việc số {second.matter_id}" in listed
    for p in room.points.exclude(role="central"):
        services.admit(by=chair, point=services.device_connected(point=p, channel_name=f"c{p.pk}")[0])
    services.start_session(by=chair, room=room)
    services.start_matter(by=chair, room=room, item=second)
    snapshot, _ = room_snapshot(room.pk)
    assert snapshot["room"]["current_item"]["label"].startswith(f"Vụ việc số {second.matter_id}: ")


def test_the_console_agenda_links_each_matter_to_its_dossier_for_sharing(room, official, client, agenda):
    items = agenda(room, 2)
    client.force_login(official("bantcd"))
    html = client.get(f"/phong-truc-tuyen/{room.pk}/chuong-trinh/").content.decode()
    assert html.count("Hồ sơ</a>") == 2
    assert f"/vu-viec/{items[0].matter_id}/" in html


def test_the_central_board_sees_its_own_readiness_test_for_this_province_not_anothers(make_session, official, make_official, other_province, client):
    """The Central Board has a bridge point in every province's registry; the room shows the one of this session's province."""
    from tiepdan.bridges import services as bridges
    from tiepdan.bridges.rules import Measurement

    demo_board = official("trunguong").organisation
    room = services.open_room(by=official("bantcd"), session=make_session(communes=1, observer=True))
    observer_point = room.points.get(role="observer")
    elsewhere = bridges.create_point(by=None, province_committee=other_province["committee"], name="Ban TCD Trung ương (cầu Bắc Ninh)", kind="central_board", organisation=demo_board)
    here = bridges.create_point(by=None, province_committee=room.province_committee, name="Ban TCD Trung ương (cầu Lạng Sơn)", kind="central_board", organisation=demo_board)
    passing = Measurement(camera_ok=True, microphone_ok=True, connected=True, uplink_kbps=40_000, downlink_kbps=40_000, rtt_ms=30, packet_loss_pct=0)
    failing = Measurement(camera_ok=False, microphone_ok=True, connected=True, uplink_kbps=40_000, downlink_kbps=40_000, rtt_ms=30, packet_loss_pct=0)
    bridges.record_readiness_test(by=official("cntt"), point=here, measurement=passing)
    bridges.record_readiness_test(by=make_official("it_operator", other_province["it_centre"]), point=elsewhere, measurement=failing)  # later, in the other province

    client.force_login(official("trunguong"))
    page = client.get(f"/phong-truc-tuyen/{room.pk}/diem/{observer_point.pk}/").content.decode()
    assert "Kiểm tra kết nối gần nhất của điểm cầu" in page
    shown = page.split("Kiểm tra kết nối gần nhất của điểm cầu")[1].split("</p>")[0]
    assert "Đạt" in shown and "Không đạt" not in shown
