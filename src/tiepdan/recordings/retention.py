"""How long a recording is kept, and its deletion once that time has passed (never before).

Decree 154/2026 Art. 24: the recording is kept as electronic archives; how long is for the archives law (Luật Lưu trữ
2024 and its lists of retention periods: docs/LEGAL.md, **verify** the period for citizen-reception records). So the
period is a setting per province (``RetentionPolicy``; ``settings.RECORDINGS_RETENTION_YEARS`` until it sets one),
``Recording.retention_until`` is fixed from it, and ``deletion_refusal`` refuses every deletion before that day. A
deletion after it leaves a tombstone (``DeletedRecording``: what was deleted, its signed manifest's hash, by whom)
and an audit entry, so the archive can show that a recording ended by the rule and not by someone's hand.
"""
from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tiepdan.core import audit, policy

from .ingest import retention_years
from .models import DeletedRecording, Recording, RecordingState
from .storage import get_store

log = logging.getLogger(__name__)


class RetentionError(Exception):
    """A deletion the rule refuses; the message is Vietnamese."""


def years_for(province_committee) -> int:
    """The province's retention period in years (its ``RetentionPolicy``, else the setting)."""
    return retention_years(province_committee.pk)


def deletion_refusal(*, state: str, retention_until: dt.date | None, today: dt.date) -> str | None:
    """Luật Lưu trữ 2024 (its lists of retention periods; **verify** the period for citizen-reception records):
    an archive is not destroyed before its retention period ends. So: never before the day after ``retention_until``,
    never without a retention date, never while the recording is still being made or finished."""
    if state in (RecordingState.RECORDING, RecordingState.FINISHING):
        return "Bản ghi hình đang được ghi hoặc hoàn thiện, không được xóa."
    if retention_until is None:
        return "Bản ghi hình chưa có thời hạn lưu trữ, không được xóa."
    if today <= retention_until:
        return f"Bản ghi hình phải được lưu trữ đến hết ngày {retention_until:%d/%m/%Y} (theo pháp luật về lưu trữ), chưa được xóa."
    return None


def _keys_of(recording: Recording) -> list[str]:
    """Every key in the store that belongs to ``recording``: slices, take files, point files, thumbnails, manifest, export."""
    keys = []
    for track in recording.tracks.all():
        keys += list(track.slices.values_list("storage_key", flat=True))
        if track.file:
            keys.append(track.file.name)
    for point_file in recording.point_files.all():
        if point_file.file:
            keys.append(point_file.file.name)
    for chapter in recording.chapters.all():
        if chapter.thumbnail:
            keys.append(chapter.thumbnail.name)
    for field in (recording.manifest, recording.signature, recording.composed):
        if field:
            keys.append(field.name)
    return [k for k in keys if k]


def _delete_keys(keys: list[str]) -> None:
    store = get_store()
    for key in keys:
        try:
            store.delete(key)
        except Exception:  # a file left behind is kept, not lost: logged for the operator to remove
            log.exception("recording file %s was not deleted", key)


@transaction.atomic
def delete_recording(*, by, recording: Recording, reason: str, today: dt.date | None = None) -> DeletedRecording:
    """Delete a recording whose retention has ended; its tombstone and the audit entry stay. ``by`` None: the nightly job."""
    if by is not None:
        policy.require(by, "recordings.delete_expired", recording)
    recording = Recording.objects.select_for_update().select_related("room__session", "room__province_committee").get(pk=recording.pk)
    refusal = deletion_refusal(state=recording.state, retention_until=recording.retention_until, today=today or timezone.localdate())
    if refusal:
        raise RetentionError(refusal)
    if not reason.strip():
        raise RetentionError("Cần nêu căn cứ xóa bản ghi hình (hết thời hạn lưu trữ theo ...).")
    keys = _keys_of(recording)
    stored = recording.tracks.aggregate(n=Sum("bytes_total"))["n"] or 0
    tombstone = DeletedRecording.objects.create(
        room=recording.room, session_title=str(recording.room.session), province_committee=recording.room.province_committee,
        started_at=recording.started_at, ended_at=recording.ended_at, retention_until=recording.retention_until,
        bytes_deleted=max(recording.bytes_total, stored), manifest_sha256=recording.manifest_sha256,
        deleted_at=timezone.now(), deleted_by=by, reason=reason.strip(),
    )
    audit.record(actor=by, action="recordings.delete_expired", obj=tombstone, reason=reason.strip(),
                 changes={"recording": recording.pk, "retention_until": str(recording.retention_until), "files": len(keys),
                          "manifest_sha256": recording.manifest_sha256})
    recording.delete()
    transaction.on_commit(lambda: _delete_keys(keys))  # the rows go first: a file left behind is kept, never lost
    return tombstone


def expired(today: dt.date | None = None):
    """Recordings whose retention ended before ``today`` (and that are not being made or finished)."""
    today = today or timezone.localdate()
    return Recording.objects.filter(retention_until__lt=today).exclude(state__in=[RecordingState.RECORDING, RecordingState.FINISHING])


def delete_expired(*, by=None, today: dt.date | None = None) -> list[DeletedRecording]:
    """Delete every expired recording, one transaction each (one that fails leaves the others deleted)."""
    done = []
    for recording in expired(today):
        reason = f"Hết thời hạn lưu trữ (lưu trữ đến hết ngày {recording.retention_until:%d/%m/%Y}, theo thời hạn của tỉnh)."
        try:
            done.append(delete_recording(by=by, recording=recording, reason=reason, today=today))
        except (RetentionError, PermissionDenied) as exc:
            log.warning("recording %s not deleted: %s", recording.pk, exc)
    return done


@db_periodic_task(crontab(hour="2", minute="40"))
def delete_expired_recordings_nightly():
    """Every night: the recordings past their retention go, each leaving its tombstone and audit entry."""
    return [t.pk for t in delete_expired(by=None)]
