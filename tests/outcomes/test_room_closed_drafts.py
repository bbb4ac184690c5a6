"""Closing the live room drafts the session's conclusion notice (live.hooks.room_closed, run on commit): one item
per matter received, filled from its minutes; closing again or drafting from the session page makes no second one."""
from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tiepdan.live import hooks as live_hooks
from tiepdan.live import services as live
from tiepdan.live.models import LiveRoom, RoomState
from tiepdan.outcomes import services
from tiepdan.outcomes.models import ConclusionNotice, NoticeState
from tiepdan.scheduling.models import AgendaItem, ReceptionSession, SessionPoint, SessionStatus


def test_closing_the_room_drafts_the_notice_from_each_matters_minutes(closed_session, django_capture_on_commit_callbacks):
    minutes = [
        {"citizen_presentation": "Đề nghị cấp giấy chứng nhận quyền sử dụng đất cho thửa số 112", "agencies_opinions": "Sở NN&MT: hồ sơ còn thiếu trích đo địa chính",
         "conclusion": "Giao UBND xã hướng dẫn công dân bổ sung hồ sơ", "settlement_time_limit": "15 ngày làm việc", "contact_person": "Ông Hà Văn Quý, công chức địa chính xã"},
        {"citizen_presentation": "Hỏi về trợ cấp cho thân nhân liệt sĩ", "conclusion": "Đã giải thích chế độ theo Pháp lệnh ưu đãi người có công", "answered_at_once": True},
    ]
    assert not ConclusionNotice.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        session = closed_session(minutes=minutes)  # ends with live.close_room: the hooks run on its commit

    assert session.status == SessionStatus.CLOSED
    notice = ConclusionNotice.objects.get(session=session)
    assert notice.state == NoticeState.DRAFT and notice.version == 1 and notice.drafted_by is None
    assert notice.owner.username == "bantcd" and notice.due_at is not None  # the session's minute-taker must act
    first, second = notice.items.order_by("position")
    assert [first.agenda_item_id, second.agenda_item_id] == list(AgendaItem.objects.filter(session=session).order_by("position").values_list("pk", flat=True))
    assert first.citizen_summary.startswith("Ông (bà) Nguyễn Thị Hường") and second.citizen_summary.startswith("Ông (bà) Lục Văn Điềm")
    assert first.matter_id != second.matter_id and first.matter_id == first.agenda_item.matter_id
    assert first.request == "Đề nghị cấp giấy chứng nhận quyền sử dụng đất cho thửa số 112"
    assert first.agencies_opinions == "Sở NN&MT: hồ sơ còn thiếu trích đo địa chính"
    assert first.conclusion == "Giao UBND xã hướng dẫn công dân bổ sung hồ sơ" and not first.answered_at_once
    assert first.time_limit == "15 ngày làm việc" and first.contact_person == "Ông Hà Văn Quý, công chức địa chính xã"
    assert second.answered_at_once and second.conclusion == "Đã giải thích chế độ theo Pháp lệnh ưu đãi người có công"
    assert second.time_limit == "" and second.contact_person == ""


def test_closing_again_or_drafting_from_the_session_page_makes_no_second_notice(closed_session, django_capture_on_commit_callbacks, client_as, official):
    with django_capture_on_commit_callbacks(execute=True):
        session = closed_session()
    notice = ConclusionNotice.objects.get(session=session)
    room = LiveRoom.objects.get(session=session)
    assert room.state == RoomState.CLOSED

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ValidationError):
            live.close_room(by=official("bantcd"), room=room)  # a closed room stays closed
        live_hooks.run("room_closed", room)  # the hooks delivered twice (a retried close): still one notice
    assert ConclusionNotice.objects.filter(session=session).count() == 1

    board = client_as("bantcd")
    page = board.get(f"/lich-tiep/{session.pk}/").content.decode()
    assert "Lập dự thảo thông báo" not in page and f'href="/ket-qua/{notice.pk}/"' in page  # the panel links the draft
    response = board.post(f"/ket-qua/phien/{session.pk}/lap/")  # the button, posted from a stale page
    assert response.status_code == 302 and response["Location"] == f"/ket-qua/{notice.pk}/"
    assert ConclusionNotice.objects.filter(session=session).count() == 1
    assert notice.items.count() == 2


def test_closing_a_room_that_never_went_live_drafts_nothing(demo, official, django_capture_on_commit_callbacks, caplog):
    """The session was not held (the room closed before it began, with a reason): nothing to conclude, and no error."""
    board = official("bantcd")
    now = timezone.now()
    session = ReceptionSession.objects.create(
        province_committee=demo["committee"], kind="periodic", date=timezone.localdate(), period_month=dt.date(2031, 1, 1),
        online_starts_at=now, online_ends_at=now + dt.timedelta(hours=3), location="Trụ sở Ban Tiếp công dân tỉnh",
        capacity_seats=15, status="ready", minute_taker=board, chair=official("chutich"),
    )
    SessionPoint.objects.create(session=session, organisation=demo["board"], role="central")
    room = live.open_room(by=board, session=session)
    assert services.draft_after_room_closed in live_hooks.room_closed
    with django_capture_on_commit_callbacks(execute=True), caplog.at_level(logging.ERROR):
        live.close_room(by=board, room=room, reason="Mất điện tại điểm cầu trung tâm, hoãn phiên")
    # The hooks run robustly (a failure is only logged): the drafting hook must not fail on an unheld session.
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [r.getMessage() for r in caplog.records]
    session.refresh_from_db()
    assert session.status != SessionStatus.CLOSED
    assert not ConclusionNotice.objects.filter(session=session).exists()
