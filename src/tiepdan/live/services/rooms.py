"""The room itself: opened for a session, started, closed; its recording indicator.

The room's state moves only here (``ROOM_TRANSITIONS``); the session's own state is
scheduling's, moved by its services (``begin_reception``, ``end_reception``).
"""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tiepdan.core import audit, policy
from tiepdan.scheduling import services as scheduling

from .. import rules
from ..backends import get_backend
from ..models import ROOM_TRANSITIONS, EventKind, LiveRoom, PointRole, RoomPoint, RoomState
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


def _transition_room(room: LiveRoom, to: str) -> None:
    if to not in ROOM_TRANSITIONS[room.state]:
        raise LiveError(f"Phòng họp đang ở trạng thái “{room.get_state_display()}”, không thể chuyển sang “{RoomState(to).label}”.")
    room.state = to


@transaction.atomic
def start_session(*, by, room: LiveRoom, reason: str = "") -> LiveRoom:
    """The chair starts the reception; a session the Board has not marked ready needs the chair's reason (scheduling's table)."""
    room = locked_room(room)
    policy.require(by, "live.chair", room)
    before = room.state
    _transition_room(room, RoomState.LIVE)
    scheduling.begin_reception(by=by, session=room.session, reason=reason)
    room.started_at = timezone.now()
    room.full_clean()
    room.save()
    record_event(room, EventKind.STARTED, actor=by)
    audit.record(actor=by, action="live.start", obj=room, changes={"state": [before, room.state]})
    after_commit(room)
    return room


@transaction.atomic
def close_room(*, by, room: LiveRoom, reason: str = "") -> LiveRoom:
    room = locked_room(room)
    policy.require(by, "live.chair", room)
    before = room.state
    was_live = room.state == RoomState.LIVE
    _transition_room(room, RoomState.CLOSED)
    if was_live:
        scheduling.end_reception(by=by, session=room.session)
    if getattr(room, "current_item_id", None):
        close_current_matter(room, by)
    room.closed_at = timezone.now()
    room.recording = False
    room.full_clean()
    room.save()
    get_backend(room.backend).close_room(room)
    record_event(room, EventKind.CLOSED, actor=by, reason=reason)
    audit.record(actor=by, action="live.close", obj=room, reason=reason, changes={"state": [before, room.state]})
    after_commit(room)
    return room


@transaction.atomic
def set_recording(*, by, room: LiveRoom, on: bool, reason: str = "") -> LiveRoom:
    """The hook for the recording issue: drives the “đang ghi hình” indicator on every point."""
    room = locked_room(room)
    if room.recording == on:
        return room
    room.recording = on
    room.save(update_fields=["recording"])
    record_event(room, EventKind.RECORDING, actor=by, on=on, reason=reason)
    audit.record(actor=by, action="live.recording", obj=room, reason=reason, changes={"recording": [not on, on]})
    after_commit(room)
    return room
