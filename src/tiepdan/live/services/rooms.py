"""The room itself: opened for a session, started, closed; its recording indicator.

The room's state moves only through its table (``workflow.ROOM``); the session's own state is
scheduling's, moved by its services (``begin_reception``, ``end_reception``).
"""
from __future__ import annotations

from django.db import transaction

from tiepdan.core import audit, policy
from tiepdan.scheduling import services as scheduling

from .. import hooks, rules
from ..backends import get_backend
from ..models import EventKind, LiveRoom, PointRole, RoomPoint, RoomState
from ..workflow import ROOM
from .common import LiveError, after_commit, locked_room, record_event
from .matters import close_current_matter
from .media import choose_backend, open_media


@transaction.atomic
def open_room(*, by, session) -> LiveRoom:
    """Open (or return) the room of a session, with one RoomPoint per SessionPoint."""
    policy.require(by, "live.open", session)
    if not session.is_open:
        raise LiveError("Phiên tiếp này đã kết thúc hoặc đã bị hủy, không thể mở phòng họp.")
    if getattr(session, "in_person_only", False):
        raise LiveError("Phiên này chỉ tiếp trực tiếp (không có công dân đăng ký tiếp trực tuyến), không mở phòng họp trực tuyến.")
    room = LiveRoom.objects.filter(session=session).first()
    created = room is None
    if created:
        room = LiveRoom(session=session, province_committee=session.province_committee, opened_by=by)
    points = list(session.points.select_related("organisation").all())
    if not any(p.role == PointRole.CENTRAL for p in points):
        raise LiveError("Phiên chưa có điểm cầu trung tâm. Vui lòng bổ sung điểm cầu trung tâm trong chương trình phiên trước khi mở phòng.")
    if created:
        room.backend = choose_backend(len(points))
        room.full_clean()
        room.save()
    existing = set(room.points.values_list("session_point_id", flat=True))
    for sp in points:
        if sp.pk in existing:
            continue
        RoomPoint.objects.create(
            room=room, session_point=sp, organisation=sp.organisation, name=str(sp.organisation), role=sp.role,
            muted=rules.microphone_starts_muted(sp.role), participates=sp.role != PointRole.OBSERVER,
        )
    if created:
        room = open_media(room, by=by)
        record_event(room, EventKind.OPENED, actor=by, backend=room.backend, points=len(points))
        audit.record(actor=by, action="live.open", obj=room, changes={"backend": room.backend, "points": len(points)})
    after_commit(room)
    return room


@transaction.atomic
def start_session(*, by, room: LiveRoom, reason: str = "") -> LiveRoom:
    """The chair starts the reception; a session the Board has not marked ready needs the chair's reason (scheduling's table)."""
    room = ROOM.apply(room, RoomState.LIVE, by=by)
    scheduling.begin_reception(by=by, session=room.session, reason=reason)
    record_event(room, EventKind.STARTED, actor=by)
    # Decree 154/2026 Art. 24: the session is recorded from its start; the recorder starts on commit.
    room = set_recording(by=by, room=room, on=True)
    hooks.run("room_started", room)
    after_commit(room)
    return room


@transaction.atomic
def close_room(*, by, room: LiveRoom, reason: str = "") -> LiveRoom:
    """The chair ends the session; closing a room that never went live must say why (``workflow.ROOM``)."""
    room = locked_room(room)
    policy.require(by, "live.chair", room)
    was_live, was_recording = room.state == RoomState.LIVE, room.recording
    if room.current_item_id:
        close_current_matter(room, by)
        room.save()
    room = ROOM.apply(room, RoomState.CLOSED, by=by, reason=reason)
    if was_live:
        scheduling.end_reception(by=by, session=room.session)
    get_backend(room.backend).close_room(room)
    record_event(room, EventKind.CLOSED, actor=by, reason=reason)
    if was_recording:  # the close switched the indicator off (workflow.ROOM): the trail says the recording stopped
        record_event(room, EventKind.RECORDING, actor=by, on=False, reason="Kết thúc phiên")
    hooks.run("room_closed", room)
    after_commit(room)
    return room


@transaction.atomic
def set_recording(*, by, room: LiveRoom, on: bool, reason: str = "") -> LiveRoom:
    """Drives the “đang ghi hình” indicator on every point; the recording itself starts and stops with the room.

    Nobody switches it off while the session is live (Decree 154/2026 Art. 24: the session is recorded).
    """
    room = locked_room(room)
    if not on and room.state == RoomState.LIVE:
        raise LiveError("Không thể tắt ghi hình khi phiên đang diễn ra: phiên tiếp trực tuyến phải được ghi hình từ đầu đến cuối (Nghị định 154/2026, Điều 24).")
    if room.recording == on:
        return room
    room.recording = on
    room.save(update_fields=["recording"])
    record_event(room, EventKind.RECORDING, actor=by, on=on, reason=reason)
    audit.record(actor=by, action="live.recording", obj=room, reason=reason, changes={"recording": [not on, on]})
    after_commit(room)
    return room
