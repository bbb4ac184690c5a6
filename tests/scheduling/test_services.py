"""Sessions: generation, ad hoc, the status machine, chair and minute-taker, invitations of points, change notices, policy."""
import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from tiepdan.core.models import AuditEntry
from tiepdan.core.roles import Role
from tiepdan.notifications import selectors as notices
from tiepdan.scheduling import selectors, services
from tiepdan.scheduling.models import AdHocReason, ChangeNotice, ParticipantKind, PointRole, SessionKind, SessionStatus

D = dt.date
pytestmark = pytest.mark.django_db


def test_periodic_sessions_are_generated_on_the_provinces_day_in_its_window(sessions, official):
    assert [s.date for s in sessions] == [D(2026, 11, 16), D(2026, 12, 15), D(2027, 1, 15)]
    first = sessions[0]
    assert first.kind == SessionKind.PERIODIC and first.status == SessionStatus.PLANNED
    assert (first.online_starts_at.hour, first.online_ends_at.hour) == (14, 17)
    assert first.capacity_seats == 15
    assert first.chair == official("chutich")
    central = first.points.get(role=PointRole.CENTRAL)
    assert central.participants.get(kind=ParticipantKind.CHAIR).user == official("chutich")


def test_generating_again_creates_nothing_new(sessions, demo, today):
    assert services.generate_periodic_sessions(by=None, province_committee=demo["committee"], today=today, months=3) == []
    more = services.generate_periodic_sessions(by=None, province_committee=demo["committee"], today=today, months=4)
    assert [s.date for s in more] == [D(2027, 2, 15)]  # Tết 2027 (4-10 Feb) is over by the 15th, a Monday


def test_a_month_whose_day_has_passed_is_skipped(demo):
    created = services.generate_periodic_sessions(by=None, province_committee=demo["committee"], today=D(2026, 11, 20), months=2)
    assert [s.date for s in created] == [D(2026, 12, 15), D(2027, 1, 15)]


def test_generation_follows_the_provinces_settings(demo, official, today):
    services.update_settings(by=official("bantcd"), province_committee=demo["committee"], day_of_month=31, capacity_seats=12)
    created = services.generate_periodic_sessions(by=official("bantcd"), province_committee=demo["committee"], today=today, months=2)
    assert [s.date for s in created] == [D(2026, 11, 30), D(2026, 12, 31)]
    assert created[0].capacity_seats == 12


def test_settings_refuse_fewer_notice_days_than_the_decree(demo, official):
    with pytest.raises(ValidationError):
        services.update_settings(by=official("bantcd"), province_committee=demo["committee"], notice_working_days=3)


def test_ad_hoc_session_records_its_legal_ground_and_why(demo, official, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: D(2026, 11, 2))
    session = services.create_ad_hoc_session(
        by=official("chutich"), province_committee=demo["committee"], date=D(2026, 11, 5), starts=dt.time(8), ends=dt.time(11),
        reason=AdHocReason.SERIOUS_HARM, note="Đoàn 40 hộ dân xã Hữu Lũng tụ tập, nguy cơ mất an ninh trật tự",
    )
    assert session.kind == SessionKind.AD_HOC and session.ad_hoc_reason == AdHocReason.SERIOUS_HARM
    entry = AuditEntry.objects.filter(action="scheduling.create_ad_hoc").get()
    assert "nguy cơ mất an ninh" in entry.reason


def test_ad_hoc_session_without_the_facts_is_refused(demo, official):
    with pytest.raises(ValidationError) as err:
        services.create_ad_hoc_session(by=official("bantcd"), province_committee=demo["committee"], date=D(2099, 1, 5), starts=dt.time(8), ends=dt.time(11), reason=AdHocReason.URGENT_COMPLEX, note=" ")
    assert "vì sao" in str(err.value)


def test_ad_hoc_session_by_a_deputy_without_authorisation_is_refused(demo, make_official):
    deputy = make_official(Role.PROVINCE_DEPUTY, demo["committee"])
    with pytest.raises(PermissionDenied):
        services.create_ad_hoc_session(by=deputy, province_committee=demo["committee"], date=D(2099, 1, 5), starts=dt.time(8), ends=dt.time(11), reason=AdHocReason.URGENT_COMPLEX, note="Vụ việc phức tạp")


def test_status_follows_the_table(sessions, official):
    session = sessions[0]
    board = official("bantcd")
    with pytest.raises(ValidationError) as err:
        services.transition(by=board, session=session, to=SessionStatus.READY)
    assert err.value.messages == ["Không thể chuyển phiên từ «Đã lên lịch» sang «Sẵn sàng»: cần gửi giấy mời trước."]
    services.transition(by=board, session=session, to=SessionStatus.INVITATIONS_SENT)
    services.transition(by=board, session=session, to=SessionStatus.READY)
    services.transition(by=board, session=session, to=SessionStatus.LIVE)
    services.transition(by=board, session=session, to=SessionStatus.CLOSED)
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED
    with pytest.raises(ValidationError):
        services.transition(by=board, session=session, to=SessionStatus.CANCELLED, reason="x")
    assert AuditEntry.objects.filter(action__startswith="scheduling.status.", object_id=str(session.pk)).count() == 4


def test_a_closed_session_is_never_reopened_and_says_so(sessions, official):
    session = sessions[0]
    board = official("bantcd")
    for to in (SessionStatus.INVITATIONS_SENT, SessionStatus.READY, SessionStatus.LIVE, SessionStatus.CLOSED):
        services.transition(by=board, session=session, to=to)
    with pytest.raises(ValidationError) as err:
        services.transition(by=board, session=session, to=SessionStatus.LIVE)
    assert err.value.messages == ["Không thể chuyển phiên từ «Đã kết thúc» sang «Đang diễn ra»: phiên đã kết thúc, không thay đổi được nữa."]


def test_a_role_the_table_does_not_name_cannot_move_a_session(sessions, official):
    with pytest.raises(PermissionDenied) as err:
        services.transition(by=official("canboxa"), session=sessions[0], to=SessionStatus.INVITATIONS_SENT)
    assert "Vai trò của bạn không được" in str(err.value)
    sessions[0].refresh_from_db()
    assert sessions[0].status == SessionStatus.PLANNED


def test_the_chair_starts_a_session_not_marked_ready_only_saying_why(sessions, official):
    session = sessions[0]
    chair = official("chutich")
    with pytest.raises(ValidationError) as err:
        services.begin_reception(by=chair, session=session)
    assert "chưa được Ban Tiếp công dân đánh dấu «Sẵn sàng»" in err.value.message_dict["reason"][0]
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED
    services.begin_reception(by=chair, session=session, reason="Vụ việc phức tạp, các điểm cầu đã kết nối trước giờ tiếp")
    session.refresh_from_db()
    assert session.status == SessionStatus.LIVE
    entry = AuditEntry.objects.get(action="scheduling.status.live", object_id=str(session.pk))
    assert entry.reason.startswith("Vụ việc phức tạp") and entry.changes == {"status": ["planned", "live"], "was_ready": False}
    services.begin_reception(by=chair, session=session)  # a second start changes nothing
    assert AuditEntry.objects.filter(action="scheduling.status.live", object_id=str(session.pk)).count() == 1


def test_a_ready_session_starts_without_a_reason_and_a_cancelled_one_never(sessions, official):
    board, chair = official("bantcd"), official("chutich")
    ready = sessions[0]
    services.transition(by=board, session=ready, to=SessionStatus.INVITATIONS_SENT)
    services.transition(by=board, session=ready, to=SessionStatus.READY)
    services.begin_reception(by=chair, session=ready)
    assert AuditEntry.objects.get(action="scheduling.status.live", object_id=str(ready.pk)).changes["was_ready"] is True
    cancelled = services.cancel_session(by=board, session=sessions[1], reason="Trùng lịch họp của UBND tỉnh")
    with pytest.raises(ValidationError) as err:
        services.begin_reception(by=chair, session=cancelled, reason="Vẫn tiếp")
    assert "từ «Đã hủy» sang «Đang diễn ra»" in err.value.messages[0]


def test_the_session_page_offers_only_the_plain_moves(sessions):
    assert services.next_statuses(sessions[0]) == [SessionStatus.INVITATIONS_SENT]


def test_cancel_needs_a_reason_and_tells_everyone(sessions, official, demo):
    session = sessions[0]
    services.invite_organisation(by=official("bantcd"), session=session, organisation=demo["Sở NN&MT"])
    with pytest.raises(ValidationError):
        services.cancel_session(by=official("bantcd"), session=session, reason="")
    services.cancel_session(by=official("bantcd"), session=session, reason="Chủ tịch đi công tác Trung ương")
    notice = ChangeNotice.objects.get(session=session)
    names = {r["name"] for r in notice.recipients}
    assert "Hồ Tiến Thiệu" in names and "Lương Thị Hạnh" in names


def test_a_deputy_chairs_only_with_an_authorisation_in_force_on_the_day(sessions, official, demo, make_official):
    from tiepdan.organisations.models import DelegationOfAuthority

    session = sessions[0]
    deputy = make_official(Role.PROVINCE_DEPUTY, demo["committee"])
    with pytest.raises(ValidationError) as err:
        services.assign_chair(by=official("bantcd"), session=session, chair=deputy)
    assert "ủy quyền" in str(err.value)
    DelegationOfAuthority.objects.create(chairman=official("chutich"), deputy=deputy, valid_from=session.date, valid_until=session.date)
    services.assign_chair(by=official("bantcd"), session=session, chair=deputy)
    session.refresh_from_db()
    assert session.chair == deputy
    assert session.points.get(role=PointRole.CENTRAL).participants.get(kind=ParticipantKind.CHAIR).user == deputy
    with pytest.raises(ValidationError):  # the authorisation ends the day before the next session
        services.assign_chair(by=official("bantcd"), session=sessions[1], chair=deputy)
    with pytest.raises(ValidationError):
        services.assign_chair(by=official("bantcd"), session=session, chair=official("sonnmt"))


def test_minute_taker_is_a_named_board_officer(sessions, official):
    session = services.assign_minute_taker(by=official("bantcd"), session=sessions[0], minute_taker=official("bantcd"))
    assert session.minute_taker == official("bantcd")
    assert session.points.get(role=PointRole.CENTRAL).participants.filter(kind=ParticipantKind.MINUTE_TAKER, user=official("bantcd")).exists()
    with pytest.raises(ValidationError):
        services.assign_minute_taker(by=official("bantcd"), session=sessions[0], minute_taker=official("canboxa"))


def test_invited_points_seat_the_commune_chairman_and_the_central_board(sessions, official, demo):
    session = sessions[0]
    commune = services.invite_organisation(by=official("bantcd"), session=session, organisation=demo["commune"])
    assert commune.participants.get().user == official("chutichxa")
    central_board = services.invite_organisation(by=official("bantcd"), session=session, organisation=demo["central_board"], role=PointRole.OBSERVER)
    assert central_board.participants.get().kind == ParticipantKind.CENTRAL_BOARD
    citizen = services.seat_citizen(session=session, organisation=demo["commune"], name="Hoàng Thị Lan")
    assert citizen.point == commune
    assert [p.role for p in selectors.session_points(session)] == [PointRole.CENTRAL, PointRole.COMPONENT, PointRole.OBSERVER]


def test_invited_commune_sees_the_session_but_not_the_others(sessions, official, demo):
    services.invite_organisation(by=official("bantcd"), session=sessions[0], organisation=demo["commune"])
    assert list(selectors.visible_sessions(official("chutichxa"))) == [sessions[0]]
    assert selectors.visible_sessions(official("bantcd")).count() == 3


def test_another_province_neither_sees_nor_plans_our_sessions(sessions, other_province, make_official):
    foreign_board = make_official(Role.BOARD_OFFICER, other_province["board"])
    assert selectors.visible_sessions(foreign_board).count() == 0
    with pytest.raises(PermissionDenied):
        services.assign_minute_taker(by=foreign_board, session=sessions[0], minute_taker=foreign_board)
    with pytest.raises(PermissionDenied):
        services.cancel_session(by=foreign_board, session=sessions[0], reason="x")
    with pytest.raises(PermissionDenied):
        services.invite_organisation(by=foreign_board, session=sessions[0], organisation=other_province["commune"])


def test_only_the_board_plans(sessions, official):
    for username in ("sonnmt", "chutichxa", "cntt", "trunguong"):
        with pytest.raises(PermissionDenied):
            services.transition(by=official(username), session=sessions[0], to=SessionStatus.INVITATIONS_SENT)


def test_changing_the_time_tells_everyone_by_notice_and_email_and_is_audited(sessions, official, demo, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: D(2026, 11, 2))
    session = sessions[1]
    services.invite_organisation(by=official("bantcd"), session=session, organisation=demo["commune"])
    with django_capture_on_commit_callbacks(execute=True):
        session, notice = services.change_time_or_place(
            by=official("bantcd"), session=session, date=D(2026, 12, 16), starts=dt.time(8), ends=dt.time(11), location="Hội trường UBND tỉnh", reason="Trùng kỳ họp HĐND tỉnh"
        )
    assert session.date == D(2026, 12, 16) and session.online_starts_at.hour == 8
    assert "14:00 – 17:00 ngày 15/12/2026" in notice.summary and "08:00 – 11:00 ngày 16/12/2026" in notice.summary
    assert "Hội trường UBND tỉnh" in notice.summary
    assert sorted(m.to[0] for m in mail.outbox) == ["chutich@demo.tiepdan.local", "chutichxa@demo.tiepdan.local"]
    assert "Trùng kỳ họp HĐND tỉnh" in mail.outbox[0].body
    notice.refresh_from_db()
    assert notice.emails_sent == 2  # counted after the e-mails went
    assert {n.recipient.username for n in notices.about(session)} == {"chutich", "chutichxa"}  # and in their list in the app
    entry = AuditEntry.objects.get(action="scheduling.change_notice")
    assert entry.reason == "Trùng kỳ họp HĐND tỉnh" and "time" in entry.changes


def test_changing_the_time_without_a_reason_is_refused(sessions, official):
    with pytest.raises(ValidationError) as err:
        services.change_time_or_place(by=official("bantcd"), session=sessions[2], date=D(2027, 1, 18), starts=dt.time(14), ends=dt.time(17), location="", reason="")
    assert "lý do" in str(err.value)


def test_the_nightly_job_generates_for_every_province(demo, other_province):
    from tiepdan.scheduling.tasks import generate_coming_periodic_sessions

    result = generate_coming_periodic_sessions.call_local()
    assert set(result) == {demo["committee"].pk, other_province["committee"].pk}
    assert generate_coming_periodic_sessions.call_local() == {}


def test_a_change_of_time_is_issued_as_a_change_notice_document(sessions, official, monkeypatch):
    from tiepdan.documents.models import DocumentKind

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: D(2026, 11, 2))
    _, notice = services.change_time_or_place(by=official("bantcd"), session=sessions[1], date=D(2026, 12, 16), starts=dt.time(14), ends=dt.time(17), location="Trụ sở Ban Tiếp công dân tỉnh", reason="Trùng lịch họp")
    assert notice.document.kind == DocumentKind.CHANGE_NOTICE and notice.document.pdf.size > 0
    assert notice.document.title.startswith("Thông báo Về việc thay đổi lịch")


def test_a_session_is_ready_only_when_every_point_has_passed_its_test(demo, official, today):
    from tiepdan.bridges.models import BridgePoint, ReadinessTest

    central = BridgePoint.objects.create(province_committee=demo["committee"], name="Điểm cầu trung tâm Ban TCD tỉnh", kind="province", organisation=demo["board"],
                                         is_central=True, required_uplink_kbps=30_000, required_downlink_kbps=30_000)
    session = services.generate_periodic_sessions(by=None, province_committee=demo["committee"], today=today, months=1)[0]
    assert session.central_point == central
    board = official("bantcd")
    services.transition(by=board, session=session, to=SessionStatus.INVITATIONS_SENT)
    with pytest.raises(ValidationError) as err:
        services.transition(by=board, session=session, to=SessionStatus.READY)
    assert "Điểm cầu trung tâm Ban TCD tỉnh" in str(err.value)
    ReadinessTest.objects.create(point=central, ran_by=official("cntt"), ran_at=session.online_starts_at - dt.timedelta(days=1), passed=True, verdict="Đạt",
                                 required_uplink_kbps=30_000, required_downlink_kbps=30_000, uplink_kbps=40_000, downlink_kbps=40_000, camera_ok=True, microphone_ok=True)
    services.transition(by=board, session=session, to=SessionStatus.READY)
    assert session.status == SessionStatus.READY
