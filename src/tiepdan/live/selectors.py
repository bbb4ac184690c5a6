"""Read queries of the live room shared by the consumer, the views and the console."""
from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from tiepdan.bridges.models import BridgePoint, ReadinessTest
from tiepdan.core import policy
from tiepdan.scheduling.models import AgendaItem

from .access import may_connect
from .backends import get_backend
from .models import EventKind, LiveRoom, MatterMinutes, PointStatus, RoomDevice, RoomPoint


def rooms_for(user):
    """Rooms the user may see: their province's, or those with a point of their organisation."""
    qs = LiveRoom.objects.select_related("session", "province_committee").order_by("-opened_at")
    if not policy.can(user, "live.view"):
        return qs.none()
    root = policy.jurisdiction_root_path(user)
    if not root:
        return qs
    return qs.filter(Q(province_committee__path__startswith=root) | Q(points__organisation__path__startswith=root)).distinct()


def points_for(user, room: LiveRoom) -> list[RoomPoint]:
    """The points of ``room`` this official may connect as."""
    return [p for p in room.points.select_related("organisation", "room__province_committee") if may_connect(user=user, point=p)]


def agenda_items(room: LiveRoom) -> list:
    """The session's agenda in order (scheduling.AgendaItem)."""
    return list(AgendaItem.objects.filter(session_id=room.session_id).select_related("matter").order_by("position", "pk"))


def item_label(item) -> str:
    """An agenda item as the room names it: the matter's own number (the one every other page shows), then its summary."""
    if item is None:
        return ""
    matter = getattr(item, "matter", None)
    if matter is None:
        return f"Mục {item.position} của chương trình"
    return f"{matter}" + (f": {matter.summary[:120]}" if matter.summary else "")


# No measured quality here: the snapshot goes to every point, and a point's quality is only for the
# chair and that point (``room_quality``; live.hub sends each new measure to them alone).
_POINT_COLUMNS = ("pk", "name", "role", "status", "participates", "muted", "connected", "conn", "reconnects", "channel_name")
_CONNECTED, _CHANNEL = _POINT_COLUMNS.index("connected"), _POINT_COLUMNS.index("channel_name")
_STATUS_LABELS = {value: str(label) for value, label in PointStatus.choices}
_EVENT_LABELS = {value: str(label) for value, label in EventKind.choices}


def room_snapshot(room_id: int, only: set[str] | None = None) -> tuple[dict, dict]:
    """What every point's browser needs to draw the room, and the points' channel names (server only).

    ``only``: read just these points (the pusher knows which ones a service changed); the
    room's own fields and its latest events are always read.
    """
    room = LiveRoom.objects.select_related("province_committee").get(pk=room_id)
    current = room.current_item if room.current_item_id else None
    # Plain rows, not model instances: the room is read on every push, and a thousand RoomPoint
    # objects cost ~35 ms where these cost a few (benchmarks/live.py, fan-out).
    rows = room.points.order_by("pk")
    if only is not None:
        rows = rows.filter(pk__in=[int(pk) for pk in only])
    points = list(rows.values_list(*_POINT_COLUMNS))
    backend = get_backend(room.backend)
    snapshot = {
        "room": {
            "id": room.pk,
            "state": room.state,
            "state_label": room.get_state_display(),
            "backend": room.backend,
            "module": backend.client_module,
            "spotlight": str(room.spotlight_id) if room.spotlight_id else None,
            "floor": str(room.floor_id) if room.floor_id else None,
            "recording": room.recording,
            "current_item": {"id": current.pk, "label": item_label(current)} if current is not None else None,
            "matter_started_at": room.matter_started_at.isoformat() if room.matter_started_at else None,
            "matter_allotted_s": room.matter_allotted_s,
        },
        "points": [
            {
                "id": str(pk), "name": name, "role": role, "status": status, "status_label": _STATUS_LABELS.get(status, status),
                "participates": participates, "muted": muted, "connected": connected, "conn": conn,
                "reconnects": reconnects,
            }
            for pk, name, role, status, participates, muted, connected, conn, reconnects, _ in points
        ],
        "events": [
            {"at": timezone.localtime(at).isoformat(), "kind": kind, "label": _EVENT_LABELS.get(kind, kind), "point": point_name or ""}
            for at, kind, point_name in room.events.order_by("-at", "-pk").values_list("at", "kind", "point__name")[:15]
        ],
    }
    channels = {str(row[0]): row[_CHANNEL] for row in points if row[_CONNECTED] and row[_CHANNEL]}
    return snapshot, channels


def room_quality(room_id: int, *, point_id: int | None = None) -> dict[str, dict]:
    """The points' last measured quality, by point id: all of them for the chair, one point's for that point."""
    rows = RoomPoint.objects.filter(room_id=room_id)
    if point_id is not None:
        rows = rows.filter(pk=point_id)
    return {str(pk): quality for pk, quality in rows.values_list("pk", "quality") if quality}


def room_devices(room_id: int) -> list[dict]:
    """Every browser connected at every point of the room: its role, who, since when (the chair's console)."""
    rows = (RoomDevice.objects.filter(point__room_id=room_id, left_at__isnull=True)
            .select_related("point", "user").order_by("point_id", "connected_at", "pk"))
    return [
        {
            "id": str(d.pk), "point": str(d.point_id), "point_name": d.point.name, "role": d.role, "role_label": d.get_role_display(),
            "media": d.media, "who": (d.user.get_full_name() or d.user.username) if d.user else "Máy mở bằng đường dẫn tham gia",
            "since": timezone.localtime(d.connected_at).isoformat(), "requests_media": d.media_requested_at is not None,
        }
        for d in rows
    ]


def recent_events(room: LiveRoom, limit: int = 30) -> list:
    return list(room.events.select_related("point", "actor").order_by("-at", "-pk")[:limit])


def received_item_ids(room: LiveRoom) -> set[int]:
    return set(room.events.filter(kind=EventKind.MATTER_CLOSED).values_list("agenda_item_id", flat=True))


def admitted_points(room: LiveRoom):
    return room.points.filter(status=PointStatus.ADMITTED)


def last_readiness(point: RoomPoint):
    """The point's last readiness test (bridges), shown before entering; None when it has none.

    The bridge point is the one the session named for this seat, else the organisation's point
    in this province's registry: the Central Board has a point in every province's registry,
    so looking by organisation alone could show another province's test.
    """
    bridge = point.session_point.bridge_point
    if bridge is None:
        bridge = (BridgePoint.objects.filter(organisation_id=point.organisation_id, province_committee_id=point.room.province_committee_id, is_active=True)
                  .order_by("pk").first())
    if bridge is None:
        return None
    return ReadinessTest.objects.filter(point=bridge).order_by("-ran_at").first()


def minutes_for(room: LiveRoom, item_id=None):
    """The minutes of ``item_id`` (or of the matter being received now) in this room."""
    item_id = item_id or getattr(room, "current_item_id", None)
    if not item_id:
        return None
    return MatterMinutes.objects.select_related("room__session", "room__province_committee").filter(room=room, agenda_item_id=item_id).first()


def minutes_payload(record, *, editable: bool, refusal: str | None) -> dict:
    return {
        "item": record.agenda_item_id,
        "version": record.version,
        # The time as the province reads it (settings.TIME_ZONE), not the clock of the browser that shows it.
        "updated_at": timezone.localtime(record.updated_at).isoformat() if record.updated_at else None,
        "saved_at": f"{timezone.localtime(record.updated_at):%H:%M:%S}" if record.updated_at else None,
        "fields": {name: getattr(record, name) for name in MatterMinutes.FIELDS},
        "editable": editable,
        "refusal": refusal,
    }
