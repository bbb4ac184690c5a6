"""Receiving the agenda's matters one after another: each opens its minutes and calls its commune's point."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tiepdan.core import audit, policy

from .. import rules
from ..models import EventKind, LiveRoom, MatterMinutes, PointRole, PointStatus, RoomPoint, RoomState
from ..selectors import agenda_items
from .common import LiveError, after_commit, locked_room, record_event


def _point_for_item(room: LiveRoom, item) -> RoomPoint | None:
    """The room point where the item's citizen sits (the commune's point), if the agenda names it."""
    for attr in ("session_point_id", "point_id"):
        sp_id = getattr(item, attr, None)
        if sp_id:
            return room.points.filter(session_point_id=sp_id).first()
    for attr in ("commune_point", "bridge_point"):
        bp = getattr(item, attr, None)
        org_id = getattr(bp, "organisation_id", None)
        if org_id:
            return room.points.filter(organisation_id=org_id).first()
    matter = getattr(item, "matter", None)
    unit_id = getattr(matter, "commune_id", None)
    if unit_id:
        return room.points.filter(organisation__unit_id=unit_id).first()
    return None


def close_current_matter(room: LiveRoom, by) -> None:
    item = room.current_item
    duration_s = int((timezone.now() - room.matter_started_at).total_seconds()) if room.matter_started_at else 0
    record_event(room, EventKind.MATTER_CLOSED, actor=by, agenda_item=item, duration_s=duration_s)
    audit.record(actor=by, action="live.close_matter", obj=room, changes={"agenda_item": item.pk if item else None, "duration_s": duration_s})
    if room.floor_id:
        RoomPoint.objects.filter(pk=room.floor_id).exclude(role=PointRole.CENTRAL).update(muted=True)
    room.current_item = None
    room.matter_started_at = None
    room.floor = None
    room.spotlight = None


@transaction.atomic
def start_matter(*, by, room: LiveRoom, item) -> LiveRoom:
    """Begin receiving one agenda item: its minutes open, its commune point is called (shown large, given the floor)."""
    room = locked_room(room)
    policy.require(by, "live.chair", room)
    if room.state != RoomState.LIVE:
        raise LiveError("Phiên chưa bắt đầu. Bấm “Bắt đầu phiên” trước khi tiếp vụ việc.")
    if item.session_id != room.session_id:
        raise LiveError("Vụ việc này không thuộc chương trình của phiên.")
    if room.current_item_id == item.pk:
        return room
    if room.current_item_id:
        close_current_matter(room, by)
    room.current_item = item
    room.matter_started_at = timezone.now()
    MatterMinutes.objects.get_or_create(agenda_item=item, defaults={"room": room})
    point = _point_for_item(room, item)
    if point is not None and point.status == PointStatus.ADMITTED and rules.may_take_floor(point.participates, point.role):
        point.muted = False
        point.save(update_fields=["muted"])
        room.floor = point
        room.spotlight = point
    room.save()
    record_event(room, EventKind.MATTER_STARTED, actor=by, agenda_item=item, point=point)
    audit.record(actor=by, action="live.start_matter", obj=room, changes={"agenda_item": item.pk, "called_point": point.pk if point else None})
    after_commit(room)
    return room


@transaction.atomic
def close_matter(*, by, room: LiveRoom) -> LiveRoom:
    room = locked_room(room)
    policy.require(by, "live.chair", room)
    if not room.current_item_id:
        raise LiveError("Không có vụ việc nào đang được tiếp.")
    close_current_matter(room, by)
    room.save()
    after_commit(room)
    return room


def next_item(room: LiveRoom):
    """The first agenda item not yet received in this room, in agenda order."""
    current = getattr(room, "current_item_id", None)
    done = set(room.events.filter(kind=EventKind.MATTER_CLOSED).values_list("agenda_item_id", flat=True))
    for item in agenda_items(room):
        if item.pk not in done and item.pk != current:
            return item
    return None


@transaction.atomic
def call_next(*, by, room: LiveRoom) -> LiveRoom:
    """The next item in agenda order; the room is locked first, so two quick clicks do not both call the same matter."""
    room = locked_room(room)
    item = next_item(room)
    if item is None:
        raise LiveError("Đã tiếp hết các vụ việc trong chương trình phiên.")
    return start_matter(by=by, room=room, item=item)
