"""The verbs of the live room. Every state change happens here: one transaction, one audit record,
one ``RoomEvent``, and (after commit) a fresh snapshot pushed to every connected point.

The signalling consumer, the console's HTTP views and the tests all call these functions.
"""
from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tiepdan.core import audit, policy
from tiepdan.scheduling import services as scheduling

from . import realtime, rules
from .backends import get_backend
from .janus.client import JanusError
from .models import (
    POINT_TRANSITIONS,
    ROOM_TRANSITIONS,
    Backend,
    EventKind,
    JoinLink,
    LiveRoom,
    PointRole,
    PointStatus,
    DeviceRole,
    RoomDevice,
    RoomEvent,
    RoomPoint,
    RoomState,
    hash_token,
)

def _default_link_validity() -> dt.timedelta:
    return dt.timedelta(hours=settings.LIVE_JOIN_LINK_HOURS)


class LiveError(ValidationError):
    """A refusal a person can act on (Vietnamese message)."""


def _event(room: LiveRoom, kind: str, *, point: RoomPoint | None = None, actor=None, agenda_item=None, **data) -> RoomEvent:
    event = RoomEvent(room=room, at=timezone.now(), kind=kind, point=point, actor=actor if getattr(actor, "pk", None) else None, data=data)
    if agenda_item is not None:
        event.agenda_item = agenda_item
    event.save()
    if kind in MUTE_EVENTS:
        transaction.on_commit(lambda: enforce_mutes(room))
    return event


def _after_commit(room: LiveRoom, *points) -> None:
    """Push the room once committed; ``points``: the only points changed (else the room may have changed anywhere)."""
    room_id = room.pk
    point_ids = [p if isinstance(p, int) else p.pk for p in points if p] or realtime.EVERY_POINT
    transaction.on_commit(lambda: realtime.push_snapshot(room_id, point_ids))


def _locked_room(room: LiveRoom) -> LiveRoom:
    return LiveRoom.objects.select_for_update().select_related("province_committee").get(pk=room.pk)


def _locked_point(point: RoomPoint) -> RoomPoint:
    return RoomPoint.objects.select_for_update().select_related("room", "room__province_committee", "organisation").get(pk=point.pk)


# --- Room ----------------------------------------------------------------------------------
def fallback_backend(point_count: int) -> str:
    """The no-services topology for this many points: what a room uses without the SFU."""
    return Backend.MESH if rules.topology_for(point_count) == "mesh" else Backend.STAR


def choose_backend(point_count: int) -> str:
    """The SFU when it is configured (JANUS_ENABLED) and answers now; else the no-services path."""
    if settings.JANUS_ENABLED and get_backend(Backend.JANUS).healthy():
        return Backend.JANUS
    return fallback_backend(point_count)


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
        _event(room, EventKind.OPENED, actor=by, backend=room.backend, points=len(points))
        audit.record(actor=by, action="live.open", obj=room, changes={"backend": room.backend, "points": len(points)})
    _after_commit(room)
    return room


def _transition_room(room: LiveRoom, to: str) -> None:
    if to not in ROOM_TRANSITIONS[room.state]:
        raise LiveError(f"Phòng họp đang ở trạng thái “{room.get_state_display()}”, không thể chuyển sang “{RoomState(to).label}”.")
    room.state = to


@transaction.atomic
def start_session(*, by, room: LiveRoom) -> LiveRoom:
    room = _locked_room(room)
    policy.require(by, "live.chair", room)
    before = room.state
    _transition_room(room, RoomState.LIVE)
    scheduling.begin_reception(by=by, session=room.session)
    room.started_at = timezone.now()
    room.full_clean()
    room.save()
    _event(room, EventKind.STARTED, actor=by)
    audit.record(actor=by, action="live.start", obj=room, changes={"state": [before, room.state]})
    _after_commit(room)
    return room


@transaction.atomic
def close_room(*, by, room: LiveRoom, reason: str = "") -> LiveRoom:
    room = _locked_room(room)
    policy.require(by, "live.chair", room)
    before = room.state
    was_live = room.state == RoomState.LIVE
    _transition_room(room, RoomState.CLOSED)
    if was_live:
        scheduling.end_reception(by=by, session=room.session)
    if getattr(room, "current_item_id", None):
        _close_current_matter(room, by)
    room.closed_at = timezone.now()
    room.recording = False
    room.full_clean()
    room.save()
    get_backend(room.backend).close_room(room)
    _event(room, EventKind.CLOSED, actor=by, reason=reason)
    audit.record(actor=by, action="live.close", obj=room, reason=reason, changes={"state": [before, room.state]})
    _after_commit(room)
    return room


@transaction.atomic
def switch_backend(*, by, room: LiveRoom, backend: str, reason: str) -> LiveRoom:
    """Change the media path (e.g. the SFU failed: fall back to the no-services path). ``by`` None: the system."""
    room = _locked_room(room)
    if by is not None:
        policy.require(by, "live.chair", room)
    if backend not in Backend.values:
        raise LiveError("Phương thức truyền hình không hợp lệ.")
    if not reason.strip():
        raise LiveError("Vui lòng ghi lý do đổi phương thức truyền hình.")
    before = room.backend
    if before == backend:
        return room
    room.backend = backend
    room.save(update_fields=["backend"])
    get_backend(backend).open_room(room)
    _event(room, EventKind.BACKEND_SWITCHED, actor=by, before=before, after=backend, reason=reason)
    audit.record(actor=by, action="live.switch_backend", obj=room, reason=reason, changes={"backend": [before, backend]})
    _after_commit(room)
    return room


# --- The SFU and its fallback (engineer F): the one place that decides the media path --------------
SFU_UNREACHABLE = "Không kết nối được máy chủ chuyển tiếp hình ảnh (Janus)"


def open_media(room: LiveRoom, *, by=None) -> LiveRoom:
    """Prepare the room's media back end; if the SFU cannot be reached, fall back to the no-services path.

    Called inside the caller's transaction (``open_room``). The fall-back is a
    ``switch_backend`` like any other: a RoomEvent and an audit record with the reason.
    """
    try:
        get_backend(room.backend).open_room(room)
    except JanusError as exc:
        if room.backend != Backend.JANUS:
            raise
        return switch_backend(by=None, room=room, backend=fallback_backend(room.points.count()), reason=f"{SFU_UNREACHABLE} khi mở phòng: {exc.reason}. Phiên chuyển sang kết nối không qua máy chủ.")
    return room


@transaction.atomic
def sfu_failed(*, room: LiveRoom, reason: str, point: RoomPoint | None = None) -> LiveRoom:
    """A browser lost the SFU, or the health check failed: switch to the no-services path if Janus is really down.

    One point losing its own connection does not move everyone: the server asks
    Janus itself (``healthy()``, within JANUS_HEALTH_TIMEOUT_S) before switching.
    """
    room = LiveRoom.objects.get(pk=room.pk)
    if room.backend != Backend.JANUS or room.state == RoomState.CLOSED:
        return room
    janus = get_backend(Backend.JANUS)
    if janus.healthy():
        return room
    detail = f" (báo từ điểm cầu “{point.name}”: {reason})" if point is not None else (f" ({reason})" if reason else "")
    room = switch_backend(by=None, room=room, backend=fallback_backend(room.points.count()), reason=f"{SFU_UNREACHABLE}{detail}. Phiên tự động chuyển sang kết nối không qua máy chủ.")
    janus.close_room(room)  # forget the dead room's grants; Janus lost it anyway
    return room


def check_sfu_rooms() -> list[LiveRoom]:
    """The server's own health check: every room still on the SFU falls back if Janus does not answer.

    Run every few seconds by ``manage.py run_janus`` beside Janus, so a hung SFU
    (browsers still connected, nothing forwarded) is caught even when no browser reports it.
    Returns the rooms it moved.
    """
    rooms = list(LiveRoom.objects.filter(backend=Backend.JANUS).exclude(state=RoomState.CLOSED))
    if not rooms or get_backend(Backend.JANUS).healthy():
        return []
    return [sfu_failed(room=room, reason="máy chủ không trả lời kiểm tra định kỳ") for room in rooms]


# The events after which some point's microphone may have changed (Decree 154 Art. 21).
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


def revoke_media(room: LiveRoom, point: RoomPoint, reason: str) -> None:
    """A removed point loses its media grant too (the SFU revokes its token and kicks it)."""
    revoke = getattr(get_backend(room.backend), "revoke_point", None)
    if revoke is None:
        return
    try:
        revoke(room, point, reason)
    except JanusError:
        pass  # the SFU is down: nothing to revoke there, and the health check moves the room


@transaction.atomic
def set_recording(*, by, room: LiveRoom, on: bool, reason: str = "") -> LiveRoom:
    """The hook for the recording issue: drives the “đang ghi hình” indicator on every point."""
    room = _locked_room(room)
    if room.recording == on:
        return room
    room.recording = on
    room.save(update_fields=["recording"])
    _event(room, EventKind.RECORDING, actor=by, on=on, reason=reason)
    audit.record(actor=by, action="live.recording", obj=room, reason=reason, changes={"recording": [not on, on]})
    _after_commit(room)
    return room


# --- Join links ----------------------------------------------------------------------------------
@transaction.atomic
def issue_join_link(*, by, point: RoomPoint, valid_for: dt.timedelta | None = None) -> tuple[JoinLink, str]:
    """A one-time link for a point's PC (a commune hall needs no official's password). Returns the link and
    the token, which is shown once and stored only as a hash."""
    policy.require(by, "live.issue_link", point)
    if point.room.state == RoomState.CLOSED:
        raise LiveError("Phiên đã kết thúc, không cấp đường dẫn tham gia.")
    token = secrets.token_urlsafe(32)
    link = JoinLink(point=point, token_hash=hash_token(token), issued_by=by, expires_at=timezone.now() + (valid_for if valid_for is not None else _default_link_validity()))
    link.full_clean()
    link.save()
    audit.record(actor=by, action="live.issue_link", obj=link, changes={"point": point.pk, "expires_at": link.expires_at.isoformat()})
    return link, token


@transaction.atomic
def revoke_join_link(*, by, link: JoinLink, reason: str) -> JoinLink:
    policy.require(by, "live.issue_link", link)
    if not reason.strip():
        raise LiveError("Vui lòng ghi lý do thu hồi đường dẫn.")
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = by
        link.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(actor=by, action="live.revoke_link", obj=link, reason=reason)
        # A browser already inside on this link is refused from now on.
        point = link.point
        if point.connected:
            realtime.kick_after_commit(point.room_id, point.pk)
    return link


@transaction.atomic
def redeem_join_link(*, token: str, device_key: str) -> JoinLink:
    """Open a link: the first browser to open it is bound to it (its device cookie, ``device_key``) and
    holds the grant in its session. That browser may open it again while it is valid (a reload,
    a crash, a restarted PC); any other browser is refused."""
    link = JoinLink.objects.select_for_update().select_related("point__room").filter(token_hash=hash_token(token)).first()
    if link is None:
        raise PermissionDenied("Đường dẫn tham gia không đúng. Vui lòng kiểm tra lại đường dẫn trong giấy mời hoặc liên hệ Ban Tiếp công dân.")
    refusal = link.refusal(timezone.now())
    if refusal:
        raise PermissionDenied(refusal)
    if not device_key:
        raise PermissionDenied("Trình duyệt chưa cho lưu cookie nên không ghi nhận được máy này. Vui lòng cho phép cookie rồi mở lại đường dẫn.")
    if link.used_at is not None:
        if link.device_hash and secrets.compare_digest(link.device_hash, hash_token(device_key)):
            audit.record(actor=None, action="live.reopen_link", obj=link, changes={"point": link.point_id})
            return link
        raise PermissionDenied("Đường dẫn tham gia này đã được mở trên một máy khác. Mỗi đường dẫn chỉ dùng trên một máy; vui lòng liên hệ Ban Tiếp công dân để được cấp đường dẫn mới.")
    link.used_at = timezone.now()
    link.device_hash = hash_token(device_key)
    link.save(update_fields=["used_at", "device_hash"])
    audit.record(actor=None, action="live.redeem_link", obj=link, changes={"point": link.point_id})
    return link


# --- Who may sit at a point ------------------------------------------------------------------------
def connection_refusal(*, user, link_id: int | None, point: RoomPoint) -> str | None:
    """Why this browser may not connect as ``point`` (None: it may). Checked at the WebSocket."""
    now = timezone.now()
    if point.room.state == RoomState.CLOSED:
        return "Phiên tiếp công dân này đã kết thúc."
    if point.status == PointStatus.REMOVED and not (user and user.is_authenticated and policy.can(user, "live.chair", point.room)):
        return "Điểm cầu của bạn đã được người chủ trì mời ra khỏi phiên. Vui lòng liên hệ Ban Tiếp công dân."
    if user is not None and user.is_authenticated:
        reason = _official_refusal(user, point)
        if reason is None:
            return None
        if not link_id:
            return reason
    if link_id:
        link = JoinLink.objects.select_related("point__room").filter(pk=link_id).first()
        if link is None or link.point_id != point.pk:
            return "Đường dẫn tham gia không dành cho điểm cầu này."
        return link.refusal(now)
    return "Bạn cần đăng nhập hoặc mở đường dẫn tham gia được cấp cho điểm cầu."


def _official_refusal(user, point: RoomPoint) -> str | None:
    if not policy.can(user, "live.join", point):
        reason = "Điểm cầu này nằm ngoài phạm vi quản lý của đơn vị bạn." if policy.can(user, "live.join") else f"Vai trò của bạn không được {policy.ACTION_LABELS['live.join']}."
        return reason
    if point.role == PointRole.CENTRAL and policy.can(user, "live.chair", point.room):
        return None
    if _is_minute_taker_here(user, point):
        return None  # the named minute-taker's PC sits in the central hall, whatever their unit
    org_path = user.organisation.path if user.organisation_id else "/nowhere/"
    if org_path.startswith(point.organisation.path):
        return None
    return "Bạn không thuộc đơn vị ngồi tại điểm cầu này. Vui lòng vào điểm cầu của đơn vị mình."


def may_connect(*, user, point: RoomPoint) -> bool:
    return user is not None and user.is_authenticated and _official_refusal(user, point) is None


# --- Presence: the devices at a point -----------------------------------------------------------
def _may_chair_here(user, point: RoomPoint) -> bool:
    return user is not None and user.is_authenticated and point.role == PointRole.CENTRAL and policy.can(user, "live.chair", point.room)


def _is_minute_taker_here(user, point: RoomPoint) -> bool:
    return (user is not None and point.role == PointRole.CENTRAL
            and rules.may_take_minutes(user_id=user.pk, minute_taker_id=point.room.session.minute_taker_id))


def default_device_role(*, user, point: RoomPoint) -> str:
    return rules.default_device_role(may_chair_here=_may_chair_here(user, point), is_minute_taker_here=_is_minute_taker_here(user, point))


def device_choices(*, user, point: RoomPoint) -> list[tuple[str, str]]:
    """The roles this official's browser may ask for at ``point`` (the page offers them), default first."""
    first = default_device_role(user=user, point=point)
    return [(role, DeviceRole(role).label) for role in dict.fromkeys([first, DeviceRole.OBSERVER])]


def _after_commit_devices(room_id: int, *, notify: dict | None = None) -> None:
    """Once committed: the chair's consoles get the devices list; ``notify`` ({channel: message}) tells devices of their change."""
    def send():
        realtime.push_devices(room_id)
        for channel, message in (notify or {}).items():
            if channel:
                realtime.tell_device(channel, message)

    transaction.on_commit(send)


@transaction.atomic
def device_connected(*, point: RoomPoint, channel_name: str, user=None, link_id: int | None = None, device_key: str = "", asks: str = "") -> tuple[RoomPoint, RoomDevice]:
    """A browser at ``point`` opened its WebSocket: one more device there, with the role the rule gives it.

    The same browser (its device cookie) coming back replaces its own earlier device, told so;
    another browser gets its own place and cuts nobody off. Returns the point and the device,
    whose ``note`` says (in Vietnamese) why it got less than it asked for.
    """
    point = _locked_point(point)
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
    decision = rules.device_role(asks=asks, may_chair_here=_may_chair_here(user, point), is_minute_taker_here=_is_minute_taker_here(user, point),
                                 media_taken=any(d.media for d in others))
    conn = uuid.uuid4().hex[:16]
    device = RoomDevice(point=point, conn=conn, channel_name=channel_name, device_hash=device_hash, user=user, link_id=link_id or None,
                        role=decision.role, media=decision.media, media_requested_at=now if decision.requests_media else None, connected_at=now)
    device.full_clean()
    device.save()
    device.note = decision.note
    before = point.status
    came_back = decision.media and point.status == PointStatus.ADMITTED and point.last_seen_at is not None
    if rules.admitted_on_arrival(point.role, point.status == PointStatus.ADMITTED):
        point.status = PointStatus.ADMITTED
    elif point.status in (PointStatus.AWAITED, PointStatus.REMOVED):
        point.status = PointStatus.LOBBY
    if decision.media:
        # The point's connection is its media device's: the media code and the other points read it.
        point.connected, point.conn, point.channel_name = True, conn, channel_name
        if came_back:
            point.reconnects += 1
    point.last_seen_at = now
    point.save()
    kind = (EventKind.RECONNECTED if came_back else EventKind.JOINED) if decision.media or before != point.status else EventKind.DEVICE_JOINED
    _event(point.room, kind, point=point, actor=user, status=point.status, device=device.pk, role=device.role)
    if decision.requests_media:
        _event(point.room, EventKind.MEDIA_REQUESTED, point=point, actor=user, device=device.pk)
    audit.record(actor=user, action=f"live.point_{kind}", obj=point,
                 changes={"status": [before, point.status], "conn": conn, "device": device.pk, "role": [asks, device.role], "media": device.media})
    _after_commit(point.room, point)
    _after_commit_devices(point.room_id, notify=notify)
    return point, device


@transaction.atomic
def device_disconnected(*, conn: str, user=None) -> None:
    """A browser's WebSocket closed. A device already replaced (a reload) is gone already: nothing to do."""
    device = RoomDevice.objects.filter(conn=conn).first()
    if device is None:
        return
    point = _locked_point(device.point)
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
        _event(point.room, EventKind.LEFT, point=point, actor=user, conn=conn)
    else:
        _event(point.room, EventKind.DEVICE_LEFT, point=point, actor=user, conn=conn, role=device.role)
    audit.record(actor=user, action="live.point_left", obj=point, changes={"conn": conn, "device": device.pk, "role": device.role})
    _after_commit(point.room, point)
    _after_commit_devices(point.room_id)


def _chair_device(by, device: RoomDevice) -> tuple[RoomPoint, RoomDevice]:
    point = _chair_point(by, device.point)
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
    _event(point.room, EventKind.MEDIA_GRANTED, point=point, actor=by, device=device.pk, previous=previous.pk if previous else None)
    audit.record(actor=by, action="live.grant_media", obj=point, changes={"media_device": [previous.pk if previous else None, device.pk]})
    _after_commit(point.room, point)
    _after_commit_devices(point.room_id, notify=notify)
    return device


@transaction.atomic
def deny_media(*, by, device: RoomDevice) -> RoomDevice:
    point, device = _chair_device(by, device)
    if device.media_requested_at is None:
        raise LiveError("Thiết bị này không đề nghị truyền hình ảnh.")
    device.media_requested_at = None
    device.save(update_fields=["media_requested_at"])
    _event(point.room, EventKind.MEDIA_DENIED, point=point, actor=by, device=device.pk)
    audit.record(actor=by, action="live.deny_media", obj=point, changes={"device": device.pk})
    _after_commit_devices(point.room_id, notify={device.channel_name: {
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


# --- The chair's commands -----------------------------------------------------------------------------
def _transition_point(point: RoomPoint, to: str) -> None:
    if to not in POINT_TRANSITIONS[point.status]:
        raise LiveError(f"Điểm cầu “{point.name}” đang “{point.get_status_display().lower()}”, không thể chuyển sang “{PointStatus(to).label.lower()}”.")
    point.status = to


def _chair_point(by, point: RoomPoint) -> RoomPoint:
    point = _locked_point(point)
    policy.require(by, "live.chair", point.room)
    if point.room.state == RoomState.CLOSED:
        raise LiveError("Phiên đã kết thúc.")
    return point


@transaction.atomic
def admit(*, by, point: RoomPoint, as_observer: bool = False) -> RoomPoint:
    point = _chair_point(by, point)
    before = point.status
    _transition_point(point, PointStatus.ADMITTED)
    point.participates = not as_observer and point.role != PointRole.OBSERVER
    point.save(update_fields=["status", "participates"])
    _event(point.room, EventKind.ADMITTED, point=point, actor=by, as_observer=as_observer)
    audit.record(actor=by, action="live.admit", obj=point, changes={"status": [before, point.status], "participates": point.participates})
    _after_commit(point.room, point)
    return point


@transaction.atomic
def remove(*, by, point: RoomPoint, reason: str) -> RoomPoint:
    point = _chair_point(by, point)
    if point.role == PointRole.CENTRAL:
        raise LiveError("Không thể mời điểm cầu trung tâm ra khỏi phiên.")
    if not reason.strip():
        raise LiveError("Vui lòng ghi lý do mời điểm cầu ra khỏi phiên.")
    before = point.status
    _transition_point(point, PointStatus.REMOVED)
    point.muted = True
    point.save(update_fields=["status", "muted"])
    room = point.room
    cleared = [f for f in ("spotlight_id", "floor_id") if getattr(room, f) == point.pk]
    for field in cleared:
        setattr(room, field, None)
    if cleared:
        room.save(update_fields=[f.removesuffix("_id") for f in cleared])
    revoke_media(room, point, reason)
    _event(room, EventKind.REMOVED, point=point, actor=by, reason=reason)
    audit.record(actor=by, action="live.remove", obj=point, reason=reason, changes={"status": [before, point.status]})
    _after_commit(room, point)
    return point


@transaction.atomic
def set_muted(*, by, point: RoomPoint, muted: bool) -> RoomPoint:
    point = _chair_point(by, point)
    if point.muted == muted:
        return point
    point.muted = muted
    point.save(update_fields=["muted"])
    room = point.room
    if muted and room.floor_id == point.pk:
        room.floor = None
        room.save(update_fields=["floor"])
    _event(room, EventKind.MUTED if muted else EventKind.UNMUTED, point=point, actor=by)
    audit.record(actor=by, action="live.mute" if muted else "live.unmute", obj=point, changes={"muted": [not muted, muted]})
    _after_commit(room, point)
    return point


@transaction.atomic
def give_floor(*, by, point: RoomPoint) -> RoomPoint:
    """Mời phát biểu: this point's microphone opens and it is shown large; the previous speaker's closes."""
    point = _chair_point(by, point)
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
    _event(room, EventKind.FLOOR_GIVEN, point=point, actor=by, previous=previous)
    audit.record(actor=by, action="live.give_floor", obj=point, changes={"floor": [previous, point.pk]})
    _after_commit(room, point, previous)
    return point


@transaction.atomic
def set_spotlight(*, by, room: LiveRoom, point: RoomPoint | None) -> LiveRoom:
    room = _locked_room(room)
    policy.require(by, "live.chair", room)
    if point is not None and (point.room_id != room.pk or point.status != PointStatus.ADMITTED):
        raise LiveError("Chỉ hiển thị lớn được điểm cầu đã vào phiên.")
    before = room.spotlight_id
    room.spotlight = point
    room.save(update_fields=["spotlight"])
    _event(room, EventKind.SPOTLIGHT, point=point, actor=by, previous=before)
    audit.record(actor=by, action="live.spotlight", obj=room, changes={"spotlight": [before, point.pk if point else None]})
    _after_commit(room)
    return room


@transaction.atomic
def set_timer(*, by, room: LiveRoom, minutes: int) -> LiveRoom:
    room = _locked_room(room)
    policy.require(by, "live.chair", room)
    if not 1 <= int(minutes) <= 180:
        raise LiveError("Thời gian cho một vụ việc phải từ 1 đến 180 phút.")
    before = room.matter_allotted_s
    room.matter_allotted_s = int(minutes) * 60
    room.save(update_fields=["matter_allotted_s"])
    audit.record(actor=by, action="live.set_timer", obj=room, changes={"matter_allotted_s": [before, room.matter_allotted_s]})
    _after_commit(room)
    return room


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


def _close_current_matter(room: LiveRoom, by) -> None:
    item = room.current_item
    duration_s = int((timezone.now() - room.matter_started_at).total_seconds()) if room.matter_started_at else 0
    _event(room, EventKind.MATTER_CLOSED, actor=by, agenda_item=item, duration_s=duration_s)
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
    room = _locked_room(room)
    policy.require(by, "live.chair", room)
    if room.state != RoomState.LIVE:
        raise LiveError("Phiên chưa bắt đầu. Bấm “Bắt đầu phiên” trước khi tiếp vụ việc.")
    if item.session_id != room.session_id:
        raise LiveError("Vụ việc này không thuộc chương trình của phiên.")
    if room.current_item_id == item.pk:
        return room
    if room.current_item_id:
        _close_current_matter(room, by)
    room.current_item = item
    room.matter_started_at = timezone.now()
    from .models import MatterMinutes

    MatterMinutes.objects.get_or_create(agenda_item=item, defaults={"room": room})
    point = _point_for_item(room, item)
    if point is not None and point.status == PointStatus.ADMITTED and rules.may_take_floor(point.participates, point.role):
        point.muted = False
        point.save(update_fields=["muted"])
        room.floor = point
        room.spotlight = point
    room.save()
    _event(room, EventKind.MATTER_STARTED, actor=by, agenda_item=item, point=point)
    audit.record(actor=by, action="live.start_matter", obj=room, changes={"agenda_item": item.pk, "called_point": point.pk if point else None})
    _after_commit(room)
    return room


@transaction.atomic
def close_matter(*, by, room: LiveRoom) -> LiveRoom:
    room = _locked_room(room)
    policy.require(by, "live.chair", room)
    if not room.current_item_id:
        raise LiveError("Không có vụ việc nào đang được tiếp.")
    _close_current_matter(room, by)
    room.save()
    _after_commit(room)
    return room


def next_item(room: LiveRoom):
    """The first agenda item not yet received in this room, in agenda order."""
    from .selectors import agenda_items

    current = getattr(room, "current_item_id", None)
    done = set(room.events.filter(kind=EventKind.MATTER_CLOSED).values_list("agenda_item_id", flat=True))
    for item in agenda_items(room):
        if item.pk not in done and item.pk != current:
            return item
    return None


def call_next(*, by, room: LiveRoom) -> LiveRoom:
    item = next_item(room)
    if item is None:
        raise LiveError("Đã tiếp hết các vụ việc trong chương trình phiên.")
    return start_matter(by=by, room=room, item=item)


# --- Minutes -------------------------------------------------------------------------------------------
def minutes_refusal(user, minutes) -> str | None:
    if not policy.can(user, "live.take_minutes", minutes):
        return f"Vai trò của bạn không được {policy.ACTION_LABELS['live.take_minutes']}."
    session = minutes.room.session
    if not rules.may_take_minutes(user_id=user.pk, minute_taker_id=session.minute_taker_id):
        return "Chỉ người được phân công ghi biên bản của phiên mới được ghi biên bản. Vui lòng liên hệ Ban Tiếp công dân nếu cần thay người ghi."
    return None


@transaction.atomic
def save_minutes(*, by, minutes, base_version: int, **fields):
    """Autosave: store what was typed. A save based on an older version is refused, never merged silently."""
    from .models import MatterMinutes

    minutes = MatterMinutes.objects.select_for_update().select_related("room__session", "room__province_committee").get(pk=minutes.pk)
    refusal = minutes_refusal(by, minutes)
    if refusal:
        raise PermissionDenied(refusal)
    if int(base_version) != minutes.version:
        raise LiveError(f"Biên bản đã được lưu ở phiên bản mới hơn ({minutes.version}) từ một cửa sổ khác. Tải lại để xem bản mới nhất trước khi sửa tiếp.", code="stale")
    changes = {}
    for name, value in fields.items():
        if name not in MatterMinutes.FIELDS:
            raise LiveError(f"Trường không hợp lệ: {name}")
        if name == "answered_at_once":
            value = value in (True, "1", "true", "on")
        if getattr(minutes, name) != value:
            changes[name] = [getattr(minutes, name), value]
            setattr(minutes, name, value)
    if not changes:
        return minutes
    minutes.version += 1
    minutes.updated_at = timezone.now()
    minutes.updated_by = by
    minutes.full_clean()
    minutes.save()
    audit.record(actor=by, action="live.save_minutes", obj=minutes, changes={"version": minutes.version, "fields": sorted(changes)})
    return minutes


@transaction.atomic
def note_screen_share(*, by, room: LiveRoom, on: bool) -> None:
    """The central point shares its screen (or a document) in place of its camera: kept in the trail."""
    policy.require(by, "live.chair", room)
    _event(room, EventKind.SCREEN_SHARED, actor=by, on=on)
    audit.record(actor=by, action="live.screen_share", obj=room, changes={"on": on})
