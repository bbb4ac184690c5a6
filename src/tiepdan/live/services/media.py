"""The media path of a room (engineer F): the one place that decides it, and falls back when the SFU fails.

A room starts on Janus when it is configured and answers (``choose_backend``); otherwise, and
whenever Janus stops answering, on the no-services path (mesh up to four points, else a star
through the central point's browser). Every change of path is a ``switch_backend``: a RoomEvent
and an audit entry with the reason.
"""
from __future__ import annotations

from django.conf import settings
from django.db import transaction

from tiepdan.core import audit, policy

from .. import rules
from ..backends import get_backend
from ..janus.client import JanusError
from ..models import Backend, EventKind, LiveRoom, RoomPoint, RoomState
from .common import LiveError, after_commit, locked_room, record_event


def fallback_backend(point_count: int) -> str:
    """The no-services topology for this many points: what a room uses without the SFU."""
    return Backend.MESH if rules.topology_for(point_count) == "mesh" else Backend.STAR


def choose_backend(point_count: int) -> str:
    """The SFU when it is configured (JANUS_ENABLED) and answers now; else the no-services path."""
    if settings.JANUS_ENABLED and get_backend(Backend.JANUS).healthy():
        return Backend.JANUS
    return fallback_backend(point_count)


@transaction.atomic
def switch_backend(*, by, room: LiveRoom, backend: str, reason: str) -> LiveRoom:
    """Change the media path (e.g. the SFU failed: fall back to the no-services path). ``by`` None: the system."""
    room = locked_room(room)
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
    record_event(room, EventKind.BACKEND_SWITCHED, actor=by, before=before, after=backend, reason=reason)
    audit.record(actor=by, action="live.switch_backend", obj=room, reason=reason, changes={"backend": [before, backend]})
    after_commit(room)
    return room


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


def revoke_media(room: LiveRoom, point: RoomPoint, reason: str) -> None:
    """A removed point loses its media grant too (the SFU revokes its token and kicks it)."""
    revoke = getattr(get_backend(room.backend), "revoke_point", None)
    if revoke is None:
        return
    try:
        revoke(room, point, reason)
    except JanusError:
        pass  # the SFU is down: nothing to revoke there, and the health check moves the room
