"""The chair marks a stretch of the recording as restricted, and ends it (Decree 154/2026 Art. 4(1)(c)).

A citizen names a denouncer, or speaks of a state secret: the chair protects them. The stretch is still
recorded (nothing is cut from the archive, the signed manifest lists it), but only ``recordings.view_restricted``
plays it (``access.windows``). The stretch row is the trail: who marked it, when, why, during which matter.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tiepdan.core import audit, policy
from tiepdan.live.models import LiveRoom, RoomState

from .models import Recording, RecordingState, RestrictedStretch


class RestrictionError(ValidationError):
    """A mark the room's state refuses; the message is Vietnamese and says what to do."""


def open_stretch(recording: Recording) -> RestrictedStretch | None:
    return RestrictedStretch.objects.filter(recording=recording, ended_at__isnull=True).first()


@transaction.atomic
def mark_restricted(*, by, room: LiveRoom, reason: str) -> RestrictedStretch:
    """From now on, until the chair ends it, the recording of ``room`` is restricted; the reason is required."""
    policy.require(by, "recordings.mark_restricted", room)
    room = LiveRoom.objects.select_for_update().get(pk=room.pk)
    reason = (reason or "").strip()
    if not reason:
        raise RestrictionError("Cần nêu lý do hạn chế xem đoạn ghi hình (ví dụ: công dân nêu tên người tố cáo).")
    recording = Recording.objects.filter(room=room).first()
    if room.state != RoomState.LIVE or recording is None or recording.state != RecordingState.RECORDING:
        raise RestrictionError("Phiên chưa bắt đầu hoặc đã kết thúc: chỉ đánh dấu được khi đang ghi hình.")
    current = open_stretch(recording)
    if current is not None:
        return current
    stretch = RestrictedStretch(recording=recording, started_at=timezone.now(), reason=reason, marked_by=by, agenda_item=room.current_item)
    stretch.full_clean()
    stretch.save()
    audit.record(actor=by, action="recordings.mark_restricted", obj=stretch, reason=reason,
                 changes={"agenda_item": room.current_item_id, "started_at": stretch.started_at.isoformat()})
    return stretch


@transaction.atomic
def end_restricted(*, by, stretch: RestrictedStretch) -> RestrictedStretch:
    """The restricted stretch ends now (also when the room closes with one still open: ``close_open_stretches``)."""
    policy.require(by, "recordings.mark_restricted", stretch.recording.room)
    stretch = RestrictedStretch.objects.select_for_update().get(pk=stretch.pk)
    if stretch.ended_at is not None:
        return stretch
    stretch.ended_at, stretch.ended_by = timezone.now(), by
    stretch.save(update_fields=["ended_at", "ended_by"])
    audit.record(actor=by, action="recordings.end_restricted", obj=stretch, changes={"ended_at": stretch.ended_at.isoformat()})
    return stretch


def close_open_stretches(room: LiveRoom) -> None:
    """A room closed with a stretch still restricted: it ends when the room closed (``live.hooks.room_closed``)."""
    recording = Recording.objects.filter(room=room).first()
    if recording is None:
        return
    with transaction.atomic():
        for stretch in RestrictedStretch.objects.select_for_update().filter(recording=recording, ended_at__isnull=True):
            stretch.ended_at = room.closed_at or timezone.now()
            stretch.save(update_fields=["ended_at"])
            audit.record(actor=None, action="recordings.end_restricted", obj=stretch, reason="Phiên kết thúc khi đoạn hạn chế chưa được bỏ đánh dấu.")
