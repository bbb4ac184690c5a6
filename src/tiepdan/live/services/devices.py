"""Presence: the browsers (devices) at a point, their roles, and who publishes the point's media."""
from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from tiepdan.core import audit

from .. import rules
from ..access import default_device_role, is_minute_taker_here, may_chair_here
from ..models import DeviceRole, EventKind, PointStatus, RoomDevice, RoomPoint, hash_token
from ..workflow import POINT
from .common import LiveError, after_commit, after_commit_devices, chair_point, locked_point, record_event


@transaction.atomic
def device_connected(*, point: RoomPoint, channel_name: str, user=None, link_id: int | None = None, device_key: str = "", asks: str = "") -> tuple[RoomPoint, RoomDevice]:
    """A browser at ``point`` opened its WebSocket: one more device there, with the role the rule gives it.

    The same browser (its device cookie) coming back replaces its own earlier device, told so;
    another browser gets its own place and cuts nobody off. Returns the point and the device,
    whose ``note`` says (in Vietnamese) why it got less than it asked for.
    """
    point = locked_point(point)
    now = timezone.now()
    user = user if user is not None and getattr(user, "is_authenticated", False) else None
    device_hash = hash_token(device_key) if device_key else ""
    active = list(point.devices.select_for_update().filter(left_at__isnull=True))
    notify = {}
    for old in active:
        if device_hash and old.device_hash == device_hash:
            old.left_at, old.media = now, False
            old.save(update_fields=["left_at", "media"])
            notify[old.channel_name] = {"type": "device.replaced"}
    others = [d for d in active if d.left_at is None]
    asks = asks if asks in DeviceRole.values else default_device_role(user=user, point=point)
    decision = rules.device_role(asks=asks, may_chair_here=may_chair_here(user, point), is_minute_taker_here=is_minute_taker_here(user, point),
                                 media_taken=any(d.media for d in others))
    conn = uuid.uuid4().hex[:16]
    device = RoomDevice(point=point, conn=conn, channel_name=channel_name, device_hash=device_hash, user=user, link_id=link_id or None,
                        role=decision.role, media=decision.media, media_requested_at=now if decision.requests_media else None, connected_at=now)
    device.full_clean()
    device.save()
    device.note = decision.note
    before = point.status
    came_back = decision.media and point.status == PointStatus.ADMITTED and point.last_seen_at is not None
    if rules.admitted_on_arrival(point.role, before == PointStatus.ADMITTED):
        arrives_in = PointStatus.ADMITTED
    elif before == PointStatus.AWAITED:
        arrives_in = PointStatus.LOBBY
    else:
        arrives_in = before
    if arrives_in != before:
        # The system's move, on arrival (workflow.POINT); who arrived, on which device, is audited below.
        POINT.apply(point, arrives_in, by=None, changes={"device": device.pk})
    if decision.media:
        # The point's connection is its media device's: the media code and the other points read it.
        point.connected, point.conn, point.channel_name = True, conn, channel_name
        if came_back:
            point.reconnects += 1
    point.last_seen_at = now
    point.save()
    kind = (EventKind.RECONNECTED if came_back else EventKind.JOINED) if decision.media or before != point.status else EventKind.DEVICE_JOINED
    record_event(point.room, kind, point=point, actor=user, status=point.status, device=device.pk, role=device.role)
    if decision.requests_media:
        record_event(point.room, EventKind.MEDIA_REQUESTED, point=point, actor=user, device=device.pk)
    audit.record(actor=user, action=f"live.point_{kind}", obj=point,
                 changes={"status": [before, point.status], "conn": conn, "device": device.pk, "role": [asks, device.role], "media": device.media})
    after_commit(point.room, point)
    after_commit_devices(point.room_id, notify=notify)
    return point, device


@transaction.atomic
def device_disconnected(*, conn: str, user=None) -> None:
    """A browser's WebSocket closed. A device already replaced (a reload) is gone already: nothing to do."""
    device = RoomDevice.objects.filter(conn=conn).first()
    if device is None:
        return
    point = locked_point(device.point)
    device = RoomDevice.objects.select_for_update().get(pk=device.pk)
    if device.left_at is not None:
        return
    now = timezone.now()
    held_media = device.media
    device.left_at, device.media = now, False
    device.save(update_fields=["left_at", "media"])
    if held_media and point.conn == conn and point.connected:
        point.connected = False
        point.channel_name = ""
        point.last_seen_at = now
        point.save(update_fields=["connected", "channel_name", "last_seen_at"])
        record_event(point.room, EventKind.LEFT, point=point, actor=user, conn=conn)
    else:
        record_event(point.room, EventKind.DEVICE_LEFT, point=point, actor=user, conn=conn, role=device.role)
    audit.record(actor=user, action="live.point_left", obj=point, changes={"conn": conn, "device": device.pk, "role": device.role})
    after_commit(point.room, point)
    after_commit_devices(point.room_id)


def _chair_device(by, device: RoomDevice) -> tuple[RoomPoint, RoomDevice]:
    point = chair_point(by, device.point)
    device = RoomDevice.objects.select_for_update().get(pk=device.pk)
    if device.point_id != point.pk or device.left_at is not None:
        raise LiveError("Thiết bị này đã rời phòng họp.")
    return point, device


@transaction.atomic
def grant_media(*, by, device: RoomDevice) -> RoomDevice:
    """The chair lets this device publish its point's camera and microphone; the one that did becomes an observer, told so."""
    point, device = _chair_device(by, device)
    if device.media:
        return device
    notify = {}
    previous = point.devices.select_for_update().filter(left_at__isnull=True, media=True).exclude(pk=device.pk).first()
    if previous is not None:
        previous.media = False
        if previous.role == DeviceRole.MEDIA:
            previous.role = DeviceRole.OBSERVER
        previous.save(update_fields=["media", "role"])
        notify[previous.channel_name] = {"type": "device.changed", "role": previous.role, "media": False,
                                         "note": "Người chủ trì đã chuyển việc truyền hình ảnh, âm thanh của điểm cầu sang một thiết bị khác; máy này tiếp tục theo dõi."}
    device.role, device.media, device.media_requested_at = DeviceRole.MEDIA, True, None
    device.full_clean()
    device.save(update_fields=["role", "media", "media_requested_at"])
    notify[device.channel_name] = {"type": "device.changed", "role": device.role, "media": True, "note": "Người chủ trì đã cho phép máy này truyền hình ảnh, âm thanh của điểm cầu."}
    point.connected, point.conn, point.channel_name = True, device.conn, device.channel_name
    point.save(update_fields=["connected", "conn", "channel_name"])
    record_event(point.room, EventKind.MEDIA_GRANTED, point=point, actor=by, device=device.pk, previous=previous.pk if previous else None)
    audit.record(actor=by, action="live.grant_media", obj=point, changes={"media_device": [previous.pk if previous else None, device.pk]})
    after_commit(point.room, point)
    after_commit_devices(point.room_id, notify=notify)
    return device


@transaction.atomic
def deny_media(*, by, device: RoomDevice) -> RoomDevice:
    point, device = _chair_device(by, device)
    if device.media_requested_at is None:
        raise LiveError("Thiết bị này không đề nghị truyền hình ảnh.")
    device.media_requested_at = None
    device.save(update_fields=["media_requested_at"])
    record_event(point.room, EventKind.MEDIA_DENIED, point=point, actor=by, device=device.pk)
    audit.record(actor=by, action="live.deny_media", obj=point, changes={"device": device.pk})
    after_commit_devices(point.room_id, notify={device.channel_name: {
        "type": "device.changed", "role": device.role, "media": False,
        "note": "Người chủ trì chưa cho máy này truyền hình ảnh, âm thanh; máy này tiếp tục theo dõi."}})
    return device


def report_quality(*, point: RoomPoint, conn: str, quality: dict) -> dict | None:
    """A point's own measure of its connections (getStats). A measurement, not a state change: not audited."""
    clean = {}
    for key in ("rtt_ms", "loss_pct", "bitrate_kbps", "fps", "frames_decoded", "peers"):
        value = quality.get(key)
        if isinstance(value, (int, float)) and value >= 0:
            clean[key] = round(float(value), 1)
    clean["at"] = timezone.now().isoformat()
    updated = RoomPoint.objects.filter(pk=point.pk, conn=conn).update(quality=clean, last_seen_at=timezone.now())
    return clean if updated else None
