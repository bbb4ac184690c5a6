import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tiepdan.core.models import AuditEntry
from tiepdan.live import services
from tiepdan.live.models import EventKind, PointStatus, RoomEvent, RoomPoint, RoomState
from tiepdan.live.workflow import POINT, ROOM


def _point(room, role="component", index=0):
    return list(room.points.filter(role=role).order_by("pk"))[index]


def test_opening_a_room_makes_one_point_per_session_point_muted_except_central(room):
    points = list(room.points.order_by("pk"))
    assert len(points) == 4
    assert room.backend == "mesh"
    assert [p.muted for p in points if p.role == "component"] == [True, True, True]
    assert room.central_point().muted is False
    assert RoomEvent.objects.filter(room=room, kind=EventKind.OPENED).count() == 1
    assert AuditEntry.objects.filter(action="live.open", object_id=str(room.pk)).exists()


def test_six_points_open_as_a_star(make_session, official):
    room = services.open_room(by=official("bantcd"), session=make_session(communes=5))
    assert room.backend == "star"


def test_opening_is_refused_to_a_commune_officer_and_to_another_province(make_session, official, make_official, other_province):
    session = make_session()
    with pytest.raises(PermissionDenied):
        services.open_room(by=official("canboxa"), session=session)
    stranger = make_official("board_officer", other_province["board"])
    with pytest.raises(PermissionDenied):
        services.open_room(by=stranger, session=session)


def test_a_commune_point_waits_in_the_lobby_until_admitted_then_rejoins_directly(room, official):
    commune = _point(room)
    point, device = services.device_connected(point=commune, channel_name="c1")
    assert point.status == PointStatus.LOBBY
    services.admit(by=official("bantcd"), point=point)
    services.device_disconnected(conn=device.conn)
    point, _ = services.device_connected(point=point, channel_name="c2")
    assert point.status == PointStatus.ADMITTED
    assert point.reconnects == 1
    kinds = list(RoomEvent.objects.filter(room=room, point=point).values_list("kind", flat=True))
    assert kinds == ["joined", "admitted", "left", "reconnected"]


def test_a_stale_disconnect_after_a_reload_does_not_mark_the_point_gone(room):
    central = room.central_point()
    # The same browser (its device cookie) reloads: the new connection replaces its own old one.
    _, old = services.device_connected(point=central, channel_name="a", device_key="browser-of-the-hall-1")
    point, new = services.device_connected(point=central, channel_name="b", device_key="browser-of-the-hall-1")
    services.device_disconnected(conn=old.conn)
    point.refresh_from_db()
    assert point.connected is True and point.conn == new.conn


def test_giving_the_floor_opens_one_microphone_and_closes_the_previous(room, official):
    chair = official("bantcd")
    first, second = _point(room, index=0), _point(room, index=1)
    for p in (first, second):
        services.device_connected(point=p, channel_name=str(p.pk))
        services.admit(by=chair, point=p)
    services.give_floor(by=chair, point=first)
    services.give_floor(by=chair, point=second)
    first.refresh_from_db(); second.refresh_from_db(); room.refresh_from_db()
    assert (first.muted, second.muted) == (True, False)
    assert room.floor_id == second.pk and room.spotlight_id == second.pk


def test_an_observer_point_is_not_given_the_floor(make_session, official):
    chair = official("bantcd")
    room = services.open_room(by=chair, session=make_session(communes=1, observer=True))
    observer = room.points.get(role="observer")
    services.device_connected(point=observer, channel_name="o")
    services.admit(by=chair, point=observer, as_observer=True)
    with pytest.raises(ValidationError, match="chỉ tham dự theo dõi"):
        services.give_floor(by=chair, point=observer)


def test_removing_a_point_needs_a_reason_and_clears_its_spotlight(room, official):
    chair = official("bantcd")
    p = _point(room)
    services.device_connected(point=p, channel_name="x")
    services.admit(by=chair, point=p)
    services.give_floor(by=chair, point=p)
    with pytest.raises(ValidationError, match="lý do"):
        services.remove(by=chair, point=p, reason=" ")
    services.remove(by=chair, point=p, reason="Gây mất trật tự")
    p.refresh_from_db(); room.refresh_from_db()
    assert p.status == PointStatus.REMOVED and p.muted
    assert room.spotlight_id is None and room.floor_id is None
    entry = AuditEntry.objects.get(action="live.point.removed", object_id=str(p.pk))
    assert entry.reason == "Gây mất trật tự" and entry.changes["status"] == ["admitted", "removed"]


def test_the_central_point_cannot_be_removed(room, official):
    with pytest.raises(ValidationError):
        services.remove(by=official("bantcd"), point=room.central_point(), reason="thử")


def test_room_state_machine_refuses_to_start_a_closed_room(room, official):
    chair = official("bantcd")
    services.start_session(by=chair, room=room)
    services.close_room(by=chair, room=room, reason="Hết giờ")
    with pytest.raises(ValidationError) as exc:
        services.start_session(by=chair, room=room)
    assert exc.value.messages == ["Không thể chuyển phòng họp từ «Đã kết thúc» sang «Đang tiếp công dân»: phòng họp đã kết thúc, không thay đổi được nữa."]


def test_a_deputy_chairs_only_with_an_authorisation_in_force(room, official):
    deputy = official("phochutich")
    services.start_session(by=deputy, room=room)  # the demo grants an authorisation for 90 days
    from tiepdan.organisations.models import DelegationOfAuthority

    DelegationOfAuthority.objects.filter(deputy=deputy).update(revoked_at=timezone.now())
    with pytest.raises(PermissionDenied, match="ủy quyền"):
        services.close_room(by=deputy, room=room)


def test_room_events_are_append_only(room):
    event = RoomEvent.objects.filter(room=room).first()
    event.data = {"changed": True}
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


def test_a_join_link_binds_the_first_browser_and_is_stored_only_as_hashes(room, official):
    link, token = services.issue_join_link(by=official("bantcd"), point=_point(room))
    assert token not in link.token_hash
    assert services.redeem_join_link(token=token, device_key="may-xa-na-duong-0001").pk == link.pk
    link.refresh_from_db()
    assert link.device_hash and "may-xa-na-duong-0001" not in link.device_hash
    # The same browser comes back (a reload, a crash): let in again; another browser: refused.
    assert services.redeem_join_link(token=token, device_key="may-xa-na-duong-0001").pk == link.pk
    with pytest.raises(PermissionDenied, match="đã được mở trên một máy khác"):
        services.redeem_join_link(token=token, device_key="may-khac-0002")


def test_revoked_and_expired_links_are_refused(room, official):
    board = official("bantcd")
    link, token = services.issue_join_link(by=board, point=_point(room))
    services.revoke_join_link(by=board, link=link, reason="Gửi nhầm")
    with pytest.raises(PermissionDenied, match="thu hồi"):
        services.redeem_join_link(token=token, device_key="may-xa-0001")
    _, token2 = services.issue_join_link(by=board, point=_point(room), valid_for=dt.timedelta(seconds=-1))
    with pytest.raises(PermissionDenied, match="hết hạn"):
        services.redeem_join_link(token=token2, device_key="may-xa-0001")


def test_who_may_connect_as_which_point(room, official, make_official, other_province, demo):
    commune = room.points.get(organisation=demo["commune"])
    central = room.central_point()
    assert services.connection_refusal(user=official("bantcd"), link_id=None, point=central) is None
    assert services.connection_refusal(user=official("chutichxa"), link_id=None, point=commune) is None
    assert "không thuộc đơn vị" in services.connection_refusal(user=official("bantcd"), link_id=None, point=commune)
    assert "ngoài phạm vi" in services.connection_refusal(user=official("sonnmt"), link_id=None, point=commune)
    assert "ngoài phạm vi" in services.connection_refusal(user=official("chutichxa"), link_id=None, point=central)
    stranger = make_official("commune_chairman", other_province["commune"])
    assert "ngoài phạm vi" in services.connection_refusal(user=stranger, link_id=None, point=commune)
    assert "đăng nhập" in services.connection_refusal(user=None, link_id=None, point=commune)


def test_starting_and_closing_the_room_moves_the_session_to_live_then_closed(room, official):
    from tiepdan.core.models import AuditEntry

    chair = official("bantcd")
    services.start_session(by=chair, room=room)
    room.session.refresh_from_db()
    assert room.session.status == "live" and room.session.get_status_display() == "Đang diễn ra"
    services.close_room(by=chair, room=room, reason="Hết giờ")
    room.session.refresh_from_db()
    assert room.session.status == "closed" and not room.session.is_open
    assert list(AuditEntry.objects.filter(object_id=str(room.session.pk), action__startswith="scheduling.status.").values_list("action", flat=True).order_by("pk")) == [
        "scheduling.status.live", "scheduling.status.closed"]
    with pytest.raises(ValidationError, match="đã kết thúc"):
        services.open_room(by=chair, session=room.session)  # a held session is not reopened


def test_a_session_not_marked_ready_may_be_started_and_the_audit_says_so(make_session, official, client):
    from tiepdan.core.models import AuditEntry

    session = make_session(communes=1)
    session.status = "invitations_sent"
    session.save(update_fields=["status"])
    chair = official("bantcd")
    room = services.open_room(by=chair, session=session)
    client.force_login(chair)
    console = client.get(f"/phong-truc-tuyen/{room.pk}/diem/{room.central_point().pk}/").content.decode()
    assert "chưa xác nhận «Sẵn sàng»" in console and "data-reason-prompt=" in console
    with pytest.raises(ValidationError) as exc:  # the chair's override is a row of the session's table that needs a reason
        services.start_session(by=chair, room=room)
    assert "cần nêu lý do" in exc.value.message_dict["reason"][0]
    services.start_session(by=chair, room=room, reason="Điểm cầu xã kiểm tra muộn nhưng đã kết nối được")
    entry = AuditEntry.objects.get(object_id=str(session.pk), action="scheduling.status.live")
    assert entry.changes == {"status": ["invitations_sent", "live"], "was_ready": False}
    assert entry.reason == "Điểm cầu xã kiểm tra muộn nhưng đã kết nối được"


def test_a_room_closed_before_it_started_leaves_the_session_open(room, official):
    services.close_room(by=official("bantcd"), room=room, reason="Mở nhầm")
    room.session.refresh_from_db()
    assert room.session.status == "ready"


# --- The room's and the point's tables (live.workflow): each refused move says why --------------------


def test_starting_a_room_twice_is_refused_as_already_live(room, official):
    chair = official("bantcd")
    services.start_session(by=chair, room=room)
    with pytest.raises(ValidationError) as exc:
        services.start_session(by=chair, room=room)
    assert exc.value.messages == ["Không thể chuyển phòng họp từ «Đang tiếp công dân» sang «Đang tiếp công dân»: phòng họp đã ở trạng thái này."]


def test_closing_a_closed_room_is_refused(room, official):
    chair = official("bantcd")
    services.start_session(by=chair, room=room)
    services.close_room(by=chair, room=room)
    with pytest.raises(ValidationError) as exc:
        services.close_room(by=chair, room=room, reason="Lần nữa")
    assert exc.value.messages == ["Không thể chuyển phòng họp từ «Đã kết thúc» sang «Đã kết thúc»: phòng họp đã ở trạng thái này."]


def test_closing_a_room_that_never_went_live_needs_the_chairs_reason(room, official):
    chair = official("bantcd")
    with pytest.raises(ValidationError) as exc:
        services.close_room(by=chair, room=room, reason="  ")
    assert "kết thúc phòng họp khi chưa tiếp công dân nào cần nêu lý do" in exc.value.message_dict["reason"][0]
    room.refresh_from_db()
    assert room.state == RoomState.OPEN and room.closed_at is None
    services.close_room(by=chair, room=room, reason="Hoãn phiên do mất điện tại hội trường")
    room.refresh_from_db()
    assert room.state == RoomState.CLOSED and room.closed_at is not None
    entry = AuditEntry.objects.get(action="live.room.closed", object_id=str(room.pk))
    assert entry.reason == "Hoãn phiên do mất điện tại hội trường" and entry.changes["state"] == ["open", "closed"]


def test_a_live_room_does_not_go_back_to_the_lobby():
    assert ROOM.refusal(RoomState.LIVE, RoomState.OPEN) == "Không thể chuyển phòng họp từ «Đang tiếp công dân» sang «Đã mở phòng chờ»: phiên đã bắt đầu tiếp, không trở lại phòng chờ."


@pytest.mark.parametrize("to", [RoomState.OPEN, RoomState.LIVE])
def test_a_closed_room_moves_nowhere(to):
    assert ROOM.refusal(RoomState.CLOSED, to).endswith("phòng họp đã kết thúc, không thay đổi được nữa.")


def test_admitting_a_point_twice_is_refused(room, official):
    chair = official("bantcd")
    p = _point(room)
    services.admit(by=chair, point=p)
    with pytest.raises(ValidationError) as exc:
        services.admit(by=chair, point=p)
    assert exc.value.messages == ["Không thể chuyển điểm cầu từ «Đã vào phiên» sang «Đã vào phiên»: điểm cầu đã ở trạng thái này."]


def test_a_removed_point_is_not_admitted_straight_back(room, official):
    chair = official("bantcd")
    p = _point(room)
    services.admit(by=chair, point=p)
    services.remove(by=chair, point=p, reason="Gây mất trật tự")
    with pytest.raises(ValidationError) as exc:
        services.admit(by=chair, point=p)
    assert exc.value.messages == ["Không thể chuyển điểm cầu từ «Đã bị mời ra» sang «Đã vào phiên»: điểm cầu đã bị mời ra chỉ trở lại qua phòng chờ."]


def test_a_point_that_never_arrived_is_not_removed(room, official):
    with pytest.raises(ValidationError) as exc:
        services.remove(by=official("bantcd"), point=_point(room), reason="Không đến")
    assert exc.value.messages == ["Không thể chuyển điểm cầu từ «Chưa vào phòng» sang «Đã bị mời ra»: điểm cầu chưa vào phòng họp, không có gì để mời ra."]
    assert not AuditEntry.objects.filter(action="live.point.removed").exists()


def test_removing_twice_is_refused(room, official):
    chair = official("bantcd")
    p = _point(room)
    services.admit(by=chair, point=p)
    services.remove(by=chair, point=p, reason="Gây mất trật tự")
    with pytest.raises(ValidationError) as exc:
        services.remove(by=chair, point=p, reason="Lần nữa")
    assert exc.value.messages == ["Không thể chuyển điểm cầu từ «Đã bị mời ra» sang «Đã bị mời ra»: điểm cầu đã ở trạng thái này."]


@pytest.mark.parametrize("frm, to", [
    (PointStatus.LOBBY, PointStatus.AWAITED), (PointStatus.ADMITTED, PointStatus.AWAITED), (PointStatus.REMOVED, PointStatus.AWAITED),
    (PointStatus.ADMITTED, PointStatus.LOBBY),
])
def test_a_point_never_moves_back_to_not_arrived_nor_from_the_session_to_the_lobby(frm, to):
    assert POINT.refusal(frm, to).endswith("bước này không có trong quy trình.")


def test_only_the_chair_admits_from_the_lobby_not_the_system(room, official):
    p = _point(room)
    point, _ = services.device_connected(point=p, channel_name="c1")
    assert point.status == PointStatus.LOBBY
    with pytest.raises(PermissionDenied):
        POINT.apply(point, PointStatus.ADMITTED, by=None)
    with pytest.raises(PermissionDenied):
        POINT.apply(point, PointStatus.ADMITTED, by=official("canboxa"))  # a commune officer may join, not chair
    point.refresh_from_db()
    assert point.status == PointStatus.LOBBY


def test_each_move_of_a_point_is_audited_with_who_and_what_went_with_it(room, official):
    chair = official("bantcd")
    p = _point(room)
    services.device_connected(point=p, channel_name="c1")  # the system's move, on arrival
    services.admit(by=chair, point=p, as_observer=True)
    moves = list(AuditEntry.objects.filter(object_id=str(p.pk), action__startswith="live.point.").order_by("pk").values_list("action", "actor__username", "changes"))
    assert [(a, u, c["status"]) for a, u, c in moves] == [("live.point.lobby", None, ["awaited", "lobby"]), ("live.point.admitted", "bantcd", ["lobby", "admitted"])]
    assert moves[1][2]["participates"] is False


# --- Live writes only its own tables; the session's state is scheduling's, moved by its services ------------
_WRITE = re.compile(r'^\s*(?:INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', re.IGNORECASE)


def test_a_whole_session_in_the_room_writes_only_lives_tables_and_asks_scheduling_to_move_the_session(room, official, agenda, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tiepdan.scheduling import services as scheduling

    chair = official("bantcd")
    item = agenda(room, 1)[0]
    asked = []
    monkeypatch.setattr(scheduling, "begin_reception", lambda **kw: asked.append(("begin", kw["session"].pk)))
    monkeypatch.setattr(scheduling, "end_reception", lambda **kw: asked.append(("end", kw["session"].pk)))
    hall = _point(room)
    with CaptureQueriesContext(connection) as queries:
        link, token = services.issue_join_link(by=chair, point=hall)
        services.redeem_join_link(token=token, device_key="may-xa-na-duong-0001")
        _, device = services.device_connected(point=hall, channel_name="h", link_id=link.pk, device_key="may-xa-na-duong-0001")
        services.device_connected(point=room.central_point(), channel_name="c", user=chair)
        services.admit(by=chair, point=hall)
        services.start_session(by=chair, room=room)
        services.start_matter(by=chair, room=room, item=item)
        services.set_muted(by=chair, point=hall, muted=True)
        minutes = room.minutes.get(agenda_item=item)
        services.save_minutes(by=chair, minutes=minutes, base_version=minutes.version, conclusion="Giao Sở Tài nguyên và Môi trường kiểm tra lại.")
        services.close_matter(by=chair, room=room)
        services.remove(by=chair, point=hall, reason="Gây mất trật tự")
        services.device_disconnected(conn=device.conn)
        services.close_room(by=chair, room=room, reason="Hết chương trình")
    written = {m.group(1) for q in queries.captured_queries if (m := _WRITE.match(q["sql"]))}
    assert written and all(t.startswith("live_") or t.startswith("core_audit") for t in written), written
    assert asked == [("begin", room.session_id), ("end", room.session_id)]


def test_the_chair_lets_a_removed_point_back_into_the_lobby_only_with_a_reason(room, official):
    chair = official("bantcd")
    p = _point(room)
    services.device_connected(point=p, channel_name="x")
    services.admit(by=chair, point=p)
    services.remove(by=chair, point=p, reason="Gây mất trật tự")
    assert "mời ra khỏi phiên" in services.connection_refusal(user=None, link_id=None, point=RoomPoint.objects.get(pk=p.pk))
    with pytest.raises(ValidationError) as exc:
        services.let_back(by=chair, point=p, reason="")
    assert "cho trở lại phòng chờ cần nêu lý do" in exc.value.message_dict["reason"][0]
    with pytest.raises(PermissionDenied):
        services.let_back(by=official("canboxa"), point=p, reason="Tôi muốn vào lại")
    services.let_back(by=chair, point=p, reason="Công dân cam kết giữ trật tự")
    p.refresh_from_db()
    assert p.status == PointStatus.LOBBY and p.muted  # in the lobby, still silent, to be admitted again
    entry = AuditEntry.objects.get(action="live.point.lobby", object_id=str(p.pk), actor__username="bantcd")
    assert entry.reason == "Công dân cam kết giữ trật tự" and entry.changes["status"] == ["removed", "lobby"]
    assert RoomEvent.objects.filter(point=p, kind=EventKind.LET_BACK).exists()
    # Its browser may come in again, and waits for the chair.
    point, _ = services.device_connected(point=p, channel_name="y")
    assert point.status == PointStatus.LOBBY
    services.admit(by=chair, point=point)
