"""What every verb of the room shares: the refusal, the locks, the room's trail, the push after commit.

A verb locks what it changes (``locked_room``, ``locked_point``), checks the policy, writes its
``RoomEvent`` (``record_event``) and its audit entry, and queues the push of the room's new
state to every connected browser for after the commit (``after_commit``), so a rolled-back
change is never shown.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tiepdan.core import policy

from .. import realtime
from ..backends import get_backend
from ..janus.client import JanusError
from ..models import EventKind, LiveRoom, RoomEvent, RoomPoint, RoomState


class LiveError(ValidationError):
    """A refusal a person can act on (Vietnamese message)."""


def record_event(room: LiveRoom, kind: str, *, point: RoomPoint | None = None, actor=None, agenda_item=None, **data) -> RoomEvent:
    """One row of the room's append-only trail; ``actor`` None (a join link, the system) is kept as nobody."""
    event = RoomEvent(room=room, at=timezone.now(), kind=kind, point=point, actor=actor if getattr(actor, "pk", None) else None, data=data)
    if agenda_item is not None:
        event.agenda_item = agenda_item
    event.save()
    if kind in MUTE_EVENTS:
        transaction.on_commit(lambda: enforce_mutes(room))
    return event


def after_commit(room: LiveRoom, *points) -> None:
    """Push the room once committed; ``points``: the only points changed (else the room may have changed anywhere)."""
    room_id = room.pk
    point_ids = [p if isinstance(p, int) else p.pk for p in points if p] or realtime.EVERY_POINT
    transaction.on_commit(lambda: realtime.push_snapshot(room_id, point_ids))


def locked_room(room: LiveRoom) -> LiveRoom:
    return LiveRoom.objects.select_for_update().select_related("province_committee").get(pk=room.pk)


def locked_point(point: RoomPoint) -> RoomPoint:
    return RoomPoint.objects.select_for_update().select_related("room", "room__province_committee", "organisation").get(pk=point.pk)


def chair_point(by, point: RoomPoint) -> RoomPoint:
    """The point locked for a chair's command: the chair's policy on its room, and the room still open."""
    point = locked_point(point)
    policy.require(by, "live.chair", point.room)
    if point.room.state == RoomState.CLOSED:
        raise LiveError("Phiên đã kết thúc.")
    return point


def after_commit_devices(room_id: int, *, notify: dict | None = None) -> None:
    """Once committed: the chair's consoles get the devices list; ``notify`` ({channel: message}) tells devices of their change."""
    def send():
        realtime.push_devices(room_id)
        for channel, message in (notify or {}).items():
            if channel:
                realtime.tell_device(channel, message)

    transaction.on_commit(send)


# The events after which some point's microphone may have changed (Decree 154 Art. 21): the SFU is told after commit.
MUTE_EVENTS = {EventKind.MUTED, EventKind.UNMUTED, EventKind.FLOOR_GIVEN, EventKind.MATTER_STARTED, EventKind.MATTER_CLOSED, EventKind.REMOVED, EventKind.ADMITTED}


def enforce_mutes(room: LiveRoom) -> None:
    """Where a server carries the media, it silences what the room holds muted (Janus: moderation of the
    publisher's audio), so a browser that ignores its mute is not heard. Without a server, every
    receiving browser does it (media/backend.js ``enforceMutes``)."""
    enforce = getattr(get_backend(LiveRoom.objects.only("backend").get(pk=room.pk).backend), "enforce_mutes", None)
    if enforce is None:
        return
    try:
        enforce(room)
    except JanusError:
        pass  # the SFU is down: it forwards nothing, and the health check moves the room
