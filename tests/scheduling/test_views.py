"""The calendar pages and the iCalendar feed, through Django's test client."""
import datetime as dt

import pytest

from tiepdan.core.roles import Role
from tiepdan.scheduling import services
from tiepdan.scheduling.models import ReceptionSession, SessionKind

pytestmark = pytest.mark.django_db


def test_board_sees_the_calendar_by_month_and_a_session_page(client_as, sessions):
    c = client_as("bantcd")
    page = c.get("/lich-tiep/?show=all").content.decode()
    assert "Tháng 12/2026" in page and "15/12/2026" in page and "Lập lịch phiên định kỳ" in page
    detail = c.get(f"/lich-tiep/{sessions[1].pk}/").content.decode()
    assert "Hồ Tiến Thiệu" in detail  # the Chairman chairs by default
    assert "08/12/2026" in detail  # notices at the latest 5 working days before
    # One test deadline on the page, the province's hour (15:00) on the working day before: the one the bridges reminders use.
    assert "Kiểm tra kết nối đạt trước</dt><dd>15:00 14/12/2026" in detail


def test_generate_button_creates_the_coming_sessions(client_as, demo):
    c = client_as("bantcd")
    response = c.post("/lich-tiep/lap-lich/", follow=True)
    assert "Đã lập lịch các phiên định kỳ" in response.content.decode()
    assert ReceptionSession.objects.filter(kind=SessionKind.PERIODIC).count() == 3


def test_a_department_officer_cannot_generate(client_as, demo):
    assert client_as("sonnmt").post("/lich-tiep/lap-lich/").status_code == 403


def test_ad_hoc_form_creates_a_session_with_its_reason(client_as, demo):
    c = client_as("bantcd")
    day = dt.date.today() + dt.timedelta(days=3)
    response = c.post("/lich-tiep/dot-xuat/", {"date": day.isoformat(), "starts": "08:00", "ends": "10:00", "reason": "urgent_complex", "note": "Đoàn đông người về đất đai"}, follow=True)
    assert response.status_code == 200
    session = ReceptionSession.objects.get(kind=SessionKind.AD_HOC)
    assert session.ad_hoc_note == "Đoàn đông người về đất đai"
    assert "Điều 18(3)(a)" in response.content.decode()


def test_another_provinces_board_gets_not_found(client, sessions, other_province, make_official):
    client.force_login(make_official(Role.BOARD_OFFICER, other_province["board"]))
    assert client.get(f"/lich-tiep/{sessions[0].pk}/").status_code == 404


def test_change_time_page_sends_the_notice(client_as, sessions, monkeypatch, official, demo):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: dt.date(2026, 11, 2))
    services.invite_organisation(by=official("bantcd"), session=sessions[2], organisation=demo["commune"])
    c = client_as("bantcd")
    response = c.post(f"/lich-tiep/{sessions[1].pk}/doi-lich/", {"date": "2026-12-17", "starts": "14:00", "ends": "16:30", "location": "Trụ sở Ban Tiếp công dân tỉnh", "reason": "Lãnh đạo họp Trung ương"}, follow=True)
    page = response.content.decode()
    assert "Đã đổi lịch" in page and "Lãnh đạo họp Trung ương" in page
    assert sessions[1].change_notices.count() == 1
    # The invited commune's chairman sees the change on their calendar page (in-app), not only by e-mail.
    chutichxa = client_as("chutichxa").get("/lich-tiep/").content.decode()
    assert "Thay đổi lịch gần đây" not in chutichxa  # not invited to this session
    services.change_time_or_place(by=official("bantcd"), session=sessions[2], date=dt.date(2027, 1, 18), starts=dt.time(14), ends=dt.time(17), location="Trụ sở Ban Tiếp công dân tỉnh", reason="Trùng lịch họp tỉnh")
    chutichxa = client_as("chutichxa").get("/lich-tiep/").content.decode()
    assert "Thay đổi lịch gần đây" in chutichxa and "Trùng lịch họp tỉnh" in chutichxa


def test_ical_feed_by_secret_token_without_login(client, sessions, official):
    feed = services.calendar_feed_for(by=official("bantcd"))
    client.logout()
    response = client.get(f"/lich-tiep/ics/{feed.token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert body.count("BEGIN:VEVENT") == 3
    assert "DTSTART:20261116T070000Z" in body  # 14:00 in Hà Nội on 16 Nov is 07:00 UTC
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert client.get("/lich-tiep/ics/sai-ma.ics").status_code == 404


def test_rotating_the_feed_retires_the_old_address(client_as, sessions, official):
    c = client_as("bantcd")
    old = services.calendar_feed_for(by=official("bantcd")).token
    c.post("/lich-tiep/lich-cua-don-vi/")
    assert c.get(f"/lich-tiep/ics/{old}.ics").status_code == 404


def test_a_commune_feed_shows_only_sessions_it_takes_part_in(client, sessions, official, demo):
    services.invite_organisation(by=official("bantcd"), session=sessions[2], organisation=demo["commune"])
    feed = services.calendar_feed_for(by=official("chutichxa"))
    body = client.get(f"/lich-tiep/ics/{feed.token}.ics").content.decode()
    assert body.count("BEGIN:VEVENT") == 1 and "DTSTART:20270115T070000Z" in body


def test_session_page_reorders_the_agenda_with_htmx_and_shows_the_documents(client_as, sessions, approved_matter, demo):
    from tiepdan.organisations.models import AdministrativeUnit
    from tiepdan.scheduling.rules import VN_TZ

    unit = AdministrativeUnit.objects.filter(parent=demo["committee"].unit).order_by("code").first()
    first = approved_matter(unit, dt.datetime(2026, 11, 3, 9, tzinfo=VN_TZ), name="Hoàng Văn Páo")
    second = approved_matter(unit, dt.datetime(2026, 11, 3, 10, tzinfo=VN_TZ), name="Nông Thị Lụa")
    c = client_as("bantcd")
    session = sessions[1]
    c.post(f"/lich-tiep/{session.pk}/chuong-trinh/xep/")
    item = session.agenda_items.get(matter=second)
    refused = c.post(f"/lich-tiep/{session.pk}/chuong-trinh/{item.pk}/thu-tu/", {"position": "1", "reason": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert "Cần nêu lý do" in refused and 'id="agenda"' in refused and "<html" not in refused
    moved = c.post(f"/lich-tiep/{session.pk}/chuong-trinh/{item.pk}/thu-tu/", {"position": "1", "reason": "Ưu tiên đoàn đông người"}, HTTP_HX_REQUEST="true").content.decode()
    assert moved.index("Nông Thị Lụa") < moved.index("Hoàng Văn Páo") and "Ưu tiên đoàn đông người" in moved
    page = c.get(f"/lich-tiep/{session.pk}/").content.decode()
    assert 'id="documents"' in page and "Ban hành thông báo lịch và giấy mời" in page
    assert 'id="readiness-board"' in page  # the bridge points' readiness board
    assert first.agenda_items.get().position == 2


def test_settings_page_changes_the_day_and_refuses_fewer_notice_days(client_as, demo):
    from tiepdan.scheduling.models import ReceptionSettings

    c = client_as("bantcd")
    form = {"day_of_month": "20", "online_starts": "08:00", "online_ends": "11:00", "capacity_seats": "12", "notice_working_days": "5", "test_deadline_hour": "15", "months_ahead": "3", "location": "Trụ sở Ban Tiếp công dân tỉnh", "central_point": ""}
    assert c.post("/lich-tiep/cau-hinh/", form).status_code == 302
    conf = ReceptionSettings.objects.get(province_committee=demo["committee"])
    assert (conf.day_of_month, conf.capacity_seats, conf.online_starts.hour) == (20, 12, 8)
    refused = c.post("/lich-tiep/cau-hinh/", {**form, "notice_working_days": "3"})
    assert refused.status_code == 200 and "ít nhất 5 ngày làm việc" in refused.content.decode()
    assert client_as("sonnmt").get("/lich-tiep/cau-hinh/").status_code == 403


def test_session_page_queries_do_not_grow_with_the_agenda(client_as, sessions, approved_matter, demo, official):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tiepdan.organisations.models import AdministrativeUnit
    from tiepdan.scheduling import agenda
    from tiepdan.scheduling.rules import VN_TZ

    units = list(AdministrativeUnit.objects.filter(parent=demo["committee"].unit).order_by("code")[:4])
    c = client_as("bantcd")

    def queries_for(session):
        with CaptureQueriesContext(connection) as captured:
            assert c.get(f"/lich-tiep/{session.pk}/").status_code == 200
        return len(captured)

    approved_matter(units[0], dt.datetime(2026, 11, 3, 8, tzinfo=VN_TZ), agencies=[demo["Sở NN&MT"]])
    agenda.fill_agenda(by=official("bantcd"), session=sessions[1])
    queries_for(sessions[1])  # warm caches (content types, templates)
    small = queries_for(sessions[1])
    for i in range(8):
        approved_matter(units[i % 4], dt.datetime(2026, 11, 4, 8, tzinfo=VN_TZ) + dt.timedelta(minutes=i), agencies=[demo["Sở TC"]])
    agenda.fill_agenda(by=official("bantcd"), session=sessions[1])
    assert sessions[1].agenda_items.count() == 9
    assert queries_for(sessions[1]) <= small + 2


def test_the_calendar_flags_sessions_past_their_notice_deadline_without_invitations(client_as, sessions, monkeypatch):
    c = client_as("bantcd")
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: dt.date(2026, 12, 9))  # the deadline for 15 Dec was 8 Dec
    page = c.get("/lich-tiep/").content.decode()
    assert page.count("Quá hạn gửi giấy mời") == 1
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: dt.date(2026, 12, 8))
    assert "Quá hạn gửi giấy mời" not in c.get("/lich-tiep/").content.decode()


def test_a_commune_officer_sees_only_its_own_citizens_on_every_part_of_a_session_page(client_as, sessions, approved_matter, demo):
    from tiepdan.bridges import services as bridges
    from tiepdan.organisations.models import AdministrativeUnit
    from tiepdan.scheduling import agenda
    from tiepdan.scheduling.rules import VN_TZ

    bridges.create_commune_points(province_committee=demo["committee"], by=None)
    own = demo["commune"].unit  # canboxa's commune
    other = AdministrativeUnit.objects.filter(parent=demo["committee"].unit).exclude(pk=own.pk).order_by("code").first()
    at = dt.datetime(2026, 11, 3, 9, tzinfo=VN_TZ)
    mine = approved_matter(own, at, name="Hoàng Văn Páo")
    theirs = approved_matter(other, at + dt.timedelta(minutes=5), name="Nông Thị Lụa", agencies=[demo["Sở NN&MT"]])
    carried = approved_matter(other, at + dt.timedelta(minutes=10), name="Lương Văn Chiến")
    session = sessions[1]
    session.capacity_seats = 2
    session.save(update_fields=["capacity_seats"])
    agenda.fill_agenda(by=None, session=session)
    secrets = [theirs.citizen.full_name, theirs.summary, carried.citizen.full_name, carried.summary]

    c = client_as("canboxa")
    pages = {
        "page": c.get(f"/lich-tiep/{session.pk}/").content.decode(),
        "readiness": c.get(f"/lich-tiep/{session.pk}/diem-cau/").content.decode(),
    }
    for name, html in pages.items():
        for secret in secrets:
            assert secret not in html, f"{secret!r} shown to another commune on the {name}"
    assert mine.citizen.full_name in pages["page"] and mine.summary in pages["page"]
    assert "và 1 vụ việc của các điểm cầu khác" in pages["page"]  # theirs, counted
    assert "1 vụ việc của các điểm cầu khác" in pages["page"].split('id="carried-out"')[1]  # carried, counted
    # The department invited for one matter sees that matter, not the rest.
    dept = client_as("sonnmt").get(f"/lich-tiep/{session.pk}/").content.decode()
    assert theirs.citizen.full_name in dept and mine.citizen.full_name not in dept and carried.citizen.full_name not in dept
    # The Board and the province's inspectors see every citizen.
    for username in ("bantcd", "thanhtra"):
        html = client_as(username).get(f"/lich-tiep/{session.pk}/").content.decode()
        assert all(s in html for s in [mine.citizen.full_name, *secrets]) and "các điểm cầu khác" not in html
