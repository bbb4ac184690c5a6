"""The chair's commands on the points: admit, remove, mute, give the floor, show large, the timer."""
from __future__ import annotations

from django.db import transaction

from tiepdan.core import audit, policy

from .. import rules
from ..models import EventKind, LiveRoom, PointRole, PointStatus, RoomPoint
from ..workflow import POINT
from .common import LiveError, after_commit, chair_point, locked_room, record_event
from .media import revoke_media


@transaction.atomic
def admit(*, by, point: RoomPoint, as_observer: bool = False) -> RoomPoint:
    point = chair_point(by, point)
    participates = not as_observer and point.role != PointRole.OBSERVER
    point = POINT.apply(point, PointStatus.ADMITTED, by=by, changes={"participates": participates})
    point.participates = participates
    point.save(update_fields=["participates"])
    record_event(point.room, EventKind.ADMITTED, point=point, actor=by, as_observer=as_observer)
    after_commit(point.room, point)
    return point


@transaction.atomic
def remove(*, by, point: RoomPoint, reason: str) -> RoomPoint:
    """Mời ra: the point leaves the session, muted, its media grant revoked; the reason is required (``workflow.POINT``)."""
    point = chair_point(by, point)
    if point.role == PointRole.CENTRAL:
        raise LiveError("Không thể mời điểm cầu trung tâm ra khỏi phiên.")
    point = POINT.apply(point, PointStatus.REMOVED, by=by, reason=reason)
    room = point.room
    cleared = [f for f in ("spotlight_id", "floor_id") if getattr(room, f) == point.pk]
    for field in cleared:
        setattr(room, field, None)
    if cleared:
        room.save(update_fields=[f.removesuffix("_id") for f in cleared])
    revoke_media(room, point, reason)
    record_event(room, EventKind.REMOVED, point=point, actor=by, reason=reason)
    after_commit(room, point)
    return point


@transaction.atomic
def let_back(*, by, point: RoomPoint, reason: str) -> RoomPoint:
    """The chair lets a removed point come back: into the lobby, to be admitted again; the reason is required."""
    point = chair_point(by, point)
    point = POINT.apply(point, PointStatus.LOBBY, by=by, reason=reason)
    record_event(point.room, EventKind.LET_BACK, point=point, actor=by, reason=reason)
    after_commit(point.room, point)
    return point


@transaction.atomic
def set_muted(*, by, point: RoomPoint, muted: bool) -> RoomPoint:
    point = chair_point(by, point)
    if point.muted == muted:
        return point
    point.muted = muted
    point.save(update_fields=["muted"])
    room = point.room
    if muted and room.floor_id == point.pk:
        room.floor = None
        room.save(update_fields=["floor"])
    record_event(room, EventKind.MUTED if muted else EventKind.UNMUTED, point=point, actor=by)
    audit.record(actor=by, action="live.mute" if muted else "live.unmute", obj=point, changes={"muted": [not muted, muted]})
    after_commit(room, point)
    return point


@transaction.atomic
def give_floor(*, by, point: RoomPoint) -> RoomPoint:
    """Mời phát biểu: this point's microphone opens and it is shown large; the previous speaker's closes."""
    point = chair_point(by, point)
    if point.status != PointStatus.ADMITTED:
        raise LiveError(f"Điểm cầu “{point.name}” chưa vào phiên, chưa thể mời phát biểu.")
    if not rules.may_take_floor(point.participates, point.role):
        raise LiveError(f"Điểm cầu “{point.name}” chỉ tham dự theo dõi, không được mời phát biểu.")
    room = point.room
    previous = room.floor_id
    if previous and previous != point.pk:
        RoomPoint.objects.filter(pk=previous).update(muted=True)
    point.muted = False
    point.save(update_fields=["muted"])
    room.floor = point
    room.spotlight = point
    room.save(update_fields=["floor", "spotlight"])
    record_event(room, EventKind.FLOOR_GIVEN, point=point, actor=by, previous=previous)
    audit.record(actor=by, action="live.give_floor", obj=point, changes={"floor": [previous, point.pk]})
    after_commit(room, point, previous)
    return point


@transaction.atomic
def set_spotlight(*, by, room: LiveRoom, point: RoomPoint | None) -> LiveRoom:
    room = locked_room(room)
    policy.require(by, "live.chair", room)
    if point is not None and (point.room_id != room.pk or point.status != PointStatus.ADMITTED):
        raise LiveError("Chỉ hiển thị lớn được điểm cầu đã vào phiên.")
    before = room.spotlight_id
    room.spotlight = point
    room.save(update_fields=["spotlight"])
    record_event(room, EventKind.SPOTLIGHT, point=point, actor=by, previous=before)
    audit.record(actor=by, action="live.spotlight", obj=room, changes={"spotlight": [before, point.pk if point else None]})
    after_commit(room)
    return room


@transaction.atomic
def set_timer(*, by, room: LiveRoom, minutes: int) -> LiveRoom:
    room = locked_room(room)
    policy.require(by, "live.chair", room)
    if not 1 <= int(minutes) <= 180:
        raise LiveError("Thời gian cho một vụ việc phải từ 1 đến 180 phút.")
    before = room.matter_allotted_s
    room.matter_allotted_s = int(minutes) * 60
    room.save(update_fields=["matter_allotted_s"])
    audit.record(actor=by, action="live.set_timer", obj=room, changes={"matter_allotted_s": [before, room.matter_allotted_s]})
    after_commit(room)
    return room


@transaction.atomic
def note_screen_share(*, by, room: LiveRoom, on: bool) -> None:
    """The central point shares its screen (or a document) in place of its camera: kept in the trail."""
    policy.require(by, "live.chair", room)
    record_event(room, EventKind.SCREEN_SHARED, actor=by, on=on)
    audit.record(actor=by, action="live.screen_share", obj=room, changes={"on": on})
