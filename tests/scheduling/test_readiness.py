"""The readiness board of a reception session and the periodic reminders (scheduling.readiness)."""
import datetime as dt

import pytest
from django.utils import timezone

from tiepdan.bridges import demo as bridges_demo
from tiepdan.bridges import rules, selectors, services
from tiepdan.notifications import selectors as notices
from tiepdan.notifications.models import Notification
from tiepdan.scheduling import readiness
from tiepdan.scheduling import selectors as scheduling_selectors

GOOD = rules.Measurement(camera_ok=True, microphone_ok=True, connected=True, uplink_kbps=40_000, downlink_kbps=40_000, rtt_ms=20, packet_loss_pct=0)
SLOW = rules.Measurement(camera_ok=True, microphone_ok=True, connected=True, uplink_kbps=2100, downlink_kbps=9000, rtt_ms=20, packet_loss_pct=0)


@pytest.fixture
def province_points(demo, official):
    """Lạng Sơn's registry as the demo builds it (Central, province, departments, every commune)."""
    bridges_demo.seed(demo)
    return demo


@pytest.fixture
def session(province_points, official):
    """An ad hoc online session 3 working days ahead with the first commune and one department invited."""
    from tiepdan.scheduling import services as scheduling
    from tiepdan.scheduling.models import AdHocReason

    day, ahead = timezone.localdate(), 0
    while ahead < 3:  # the third working day from today: its test window has begun, its deadline not passed
        day += dt.timedelta(days=1)
        ahead += rules.is_working_day(day)
    session = scheduling.create_ad_hoc_session(by=official("bantcd"), province_committee=province_points["committee"], date=day, starts=dt.time(14), ends=dt.time(17),
                                               reason=AdHocReason.URGENT_COMPLEX, note="Vụ việc đông người, nhiều cơ quan liên quan")
    scheduling.invite_organisation(by=official("bantcd"), session=session, organisation=province_points["commune"])
    scheduling.invite_organisation(by=official("bantcd"), session=session, organisation=province_points["Sở NN&MT"])
    return session


def test_session_points_are_the_central_point_then_the_invited_ones(session, province_points):
    points = readiness.points_for_session(session)
    assert points[0] == selectors.central_point_for(province_points["committee"])
    assert {p.organisation for p in points[1:]} == {province_points["commune"], province_points["Sở NN&MT"]}


def test_board_counts_only_tests_since_preparation_and_the_latest_one_decides(session, province_points, official):
    central = selectors.central_point_for(province_points["committee"])
    commune = selectors.commune_point_for(province_points["commune"].unit)
    window = rules.test_window_start(session.online_starts_at)
    services.record_readiness_test(by=official("cntt"), point=central, measurement=GOOD, ran_at=window - dt.timedelta(days=1))  # too old
    services.record_readiness_test(by=official("cnttxa"), point=commune, measurement=GOOD, ran_at=window + dt.timedelta(hours=9))
    services.record_readiness_test(by=official("cnttxa"), point=commune, measurement=SLOW, ran_at=window + dt.timedelta(hours=10))
    board = readiness.board_for(session)
    by_point = {row.point.pk: row for row in board.rows}
    assert by_point[central.pk].last_test is None and not by_point[central.pk].passed
    assert not by_point[commune.pk].passed and by_point[commune.pk].last_passed is not None
    assert board.ready_count == 0 and not board.all_ready
    services.record_readiness_test(by=official("cnttxa"), point=commune, measurement=GOOD, ran_at=window + dt.timedelta(hours=11))
    assert readiness.board_for(session).ready_count == 1


def test_board_page_shows_each_points_result(session, province_points, official, client):
    commune = selectors.commune_point_for(province_points["commune"].unit)
    services.record_readiness_test(by=official("cnttxa"), point=commune, measurement=SLOW)
    client.force_login(official("bantcd"))
    body = client.get(f"/lich-tiep/{session.pk}/diem-cau/").content.decode()
    assert "Không đạt: tốc độ tải lên 2,1 Mbps &lt; 5 Mbps" in body
    assert "0/3 điểm cầu đạt" in body


def test_board_of_another_provinces_session_is_not_found(session, other_province, make_official, client):
    client.force_login(make_official("board_officer", other_province["board"]))
    assert client.get(f"/lich-tiep/{session.pk}/diem-cau/").status_code == 404


def test_periodic_job_reminds_unready_points_on_the_deadline_day_once(session, province_points, official):
    deadline = scheduling_selectors.test_deadline_for(session)
    morning = deadline - dt.timedelta(hours=10)
    central = selectors.central_point_for(province_points["committee"])
    services.record_readiness_test(by=official("cntt"), point=central, measurement=GOOD, ran_at=morning - dt.timedelta(hours=1))
    sent = readiness.remind_for_upcoming_sessions(now=morning)
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert sent >= 1 and "cnttxa" in recipients
    assert not notices.about(central).exists()  # it passed
    assert readiness.remind_for_upcoming_sessions(now=morning + dt.timedelta(minutes=15)) == 0
    note = Notification.objects.get(recipient__username="cnttxa")
    assert note.link == f"/lich-tiep/{session.pk}/diem-cau/"


def test_a_reminder_sent_before_the_board_moved_to_scheduling_still_opens_it(session, province_points, official, client):
    client.force_login(official("bantcd"))
    response = client.get(f"/diem-cau/phien/{session.pk}/")
    assert response.status_code == 301 and response["Location"] == f"/lich-tiep/{session.pk}/diem-cau/"
