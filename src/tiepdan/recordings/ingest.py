"""The verbs of taking a recording in: it starts and stops with the room, takes open and close, slices land.

**Nothing acknowledged is ever lost** (docs/MEDIA.md "Recording"): ``ingest_slice`` returns only once
the slice is in the store (written and fsynced, or put with its checksum verified) and its row is
committed; the browser deletes its copy only after that answer. A slice sent again with the same
hash is acknowledged and stored once; with another hash it is refused. A gap is reported on the take
and on the recording when the take closes, never filled in silently.

**A point uploads only its own stream, for a room it is admitted to**: the caller is the browser
(device cookie) that holds the point's media, signed in as an official who may sit there or on the
point's join link (``live.access.connection_refusal``, the same check as the room's WebSocket); the
central point's media browser may also upload its copy (``relay``) of another admitted point.

Auditing: track opens and closes, conflicts and refusals are audited; single slices are not. A room
of 25 points makes about 45,000 slices an hour, every audit entry takes its province's chain lock
(``core.audit``), and each slice's hash is already kept in its row and in the signed manifest.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, Sum
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from tiepdan.core import audit
from tiepdan.live.access import connection_refusal
from tiepdan.live.models import LiveRoom, PointRole, PointStatus, RoomDevice, RoomPoint, RoomState, hash_token

from . import rules, selectors
from .models import Recording, RecordingState, RetentionPolicy, Slice, Track, TrackSource
from .storage import StorageError, get_store

log = logging.getLogger(__name__)

GAP_SENTENCE = "Thiếu đoạn ghi hình"


class UploadRefused(Exception):
    """A refusal the browser shows or acts on: ``message`` in Vietnamese, ``status`` the HTTP answer."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.message, self.status = message, status


@dataclass(frozen=True)
class Uploader:
    """Who is uploading: the browser (its device cookie's hash), the official signed in with the second factor, the join links redeemed."""

    device_hash: str
    user: object | None = None
    link_ids: dict = field(default_factory=dict)   # {str(room_point_id): join_link_id}, as the session keeps them

    @classmethod
    def from_device_key(cls, device_key: str, *, user=None, link_ids=None) -> "Uploader":
        return cls(device_hash=hash_token(device_key) if device_key else "", user=user, link_ids=dict(link_ids or {}))

    def link_for(self, point: RoomPoint) -> int | None:
        return self.link_ids.get(str(point.pk))


@dataclass(frozen=True)
class SliceResult:
    seq: int
    sha256: str
    stored: bool          # True: this request stored it; False: it was already stored (a duplicate)

    @property
    def duplicate(self) -> bool:
        return not self.stored


# --- The recording follows the room (live.hooks) ----------------------------------------------------------
def retention_years(province_committee_id: int) -> int:
    years = RetentionPolicy.objects.filter(province_committee_id=province_committee_id).values_list("years", flat=True).first()
    return years or settings.RECORDINGS_RETENTION_YEARS


def _ensure_recording(room: LiveRoom) -> tuple[Recording, bool]:
    recording = Recording.objects.filter(room=room).first()
    if recording is not None:
        return recording, False
    started_at = room.started_at or timezone.now()
    years = retention_years(room.province_committee_id)
    recording = Recording(room=room, started_at=started_at, retention_until=rules.retention_until(timezone.localdate(started_at), years))
    try:
        with transaction.atomic():
            recording.save()
    except IntegrityError:  # made at the same moment by the hook or another upload
        return Recording.objects.get(room=room), False
    audit.record(actor=None, action="recordings.start", obj=recording, changes={"retention_until": recording.retention_until.isoformat(), "years": years})
    return recording, True


@transaction.atomic
def start_recording(room: LiveRoom) -> Recording:
    """``live.hooks.room_started``: the room's recording, in state «Đang ghi hình», kept for the province's period."""
    recording, _ = _ensure_recording(room)
    return recording


@transaction.atomic
def stop_recording(room: LiveRoom) -> Recording | None:
    """``live.hooks.room_closed``: the recording ends with the room; its open takes close, the finishing job is queued."""
    recording = Recording.objects.select_for_update().filter(room=room).first()
    if recording is None or recording.state != RecordingState.RECORDING:
        return recording
    now = timezone.now()
    for track in Track.objects.select_for_update().filter(recording=recording, closed_at__isnull=True).select_related("point"):
        _close(track, last_seq=None, at=now)
    recording.ended_at = room.closed_at or now
    recording.state = RecordingState.FINISHING
    recording.bytes_total = Track.objects.filter(recording=recording).aggregate(total=Sum("bytes_total"))["total"] or 0
    recording.problems = _problems_with_gaps(recording)
    recording.save(update_fields=["ended_at", "state", "bytes_total", "problems"])
    audit.record(actor=None, action="recordings.stop", obj=recording, changes={"state": [RecordingState.RECORDING, RecordingState.FINISHING], "bytes_total": recording.bytes_total})
    recording_id = recording.pk
    transaction.on_commit(lambda: enqueue_finishing(recording_id))
    return recording


def enqueue_finishing(recording_id: int) -> None:
    """Queue REC-FINISH's ``recordings.tasks.finish_recording``, after the grace late slices still have to arrive."""
    try:
        from . import tasks  # why: the finishing job lives in its own module (ffmpeg, signing), loaded only when a recording ends
    except ImportError:
        log.warning("recordings.tasks is missing: recording %s waits unfinished", recording_id)
        return
    task = tasks.finish_recording
    schedule = getattr(task, "schedule", None)
    if schedule is not None and settings.RECORDINGS_LATE_SLICE_S > 0:
        schedule(args=(recording_id,), delay=settings.RECORDINGS_LATE_SLICE_S)
    else:
        task(recording_id)


# --- Who may upload ---------------------------------------------------------------------------------------
def _room_refusal(room: LiveRoom, recording: Recording | None, *, late_ok: bool) -> str | None:
    if room.state == RoomState.LIVE:
        return None
    if room.state == RoomState.CLOSED and late_ok and recording is not None and recording.state in (RecordingState.RECORDING, RecordingState.FINISHING):
        # The last slice of every browser is cut after the chair closed the room: it still belongs to the session.
        if rules.late_slice_accepted(closed_at=room.closed_at, now=timezone.now(), grace_s=settings.RECORDINGS_LATE_SLICE_S):
            return None
    if room.state == RoomState.CLOSED:
        return "Phiên tiếp đã kết thúc: không nhận thêm bản ghi hình."
    return "Phiên tiếp chưa bắt đầu: chỉ ghi hình khi người chủ trì đã bắt đầu phiên."


def _point_refusal(point: RoomPoint) -> str | None:
    if point.status == PointStatus.REMOVED:
        return "Điểm cầu đã bị mời ra khỏi phiên: không nhận bản ghi hình của điểm cầu này."
    if point.status != PointStatus.ADMITTED:
        return "Điểm cầu chưa được cho vào phiên: chỉ ghi hình các điểm cầu đã vào phiên."
    return None


def recorder_point(point: RoomPoint, source: str) -> RoomPoint:
    """The point whose browser records ``point``'s stream from ``source``: itself, or the central point for a relay."""
    if source == TrackSource.OWN:
        return point
    central = RoomPoint.objects.select_related("organisation", "room").filter(room_id=point.room_id, role=PointRole.CENTRAL).first()
    if central is None:
        raise UploadRefused("Phòng họp không có điểm cầu trung tâm.")
    return central


def _caller_refusal(by: Uploader, at_point: RoomPoint) -> str | None:
    """The room's own check (the WebSocket's): this official may sit at ``at_point``, or this browser holds its join link."""
    if not by.device_hash:
        return "Trình duyệt chưa được nhận diện tại điểm cầu. Vui lòng tải lại trang phòng họp."
    return connection_refusal(user=by.user, link_id=by.link_for(at_point), point=at_point)


def _media_device(at_point: RoomPoint) -> RoomDevice | None:
    return RoomDevice.objects.filter(point=at_point, media=True, left_at__isnull=True).first()


def _refuse(message: str, *, status: int = 403, by: Uploader, obj, action: str = "recordings.upload_refused", **changes):
    """Audit the refusal (outside any upload transaction, so it stays) and raise it."""
    with transaction.atomic():
        audit.record(actor=by.user, action=action, obj=obj, reason=message, changes=changes)
    raise UploadRefused(message, status)


# --- Takes ------------------------------------------------------------------------------------------------
def open_track(*, room: LiveRoom, point: RoomPoint, source: str, take, mime_type: str, client_now_ms: int | None, by: Uploader) -> tuple[Track, bool]:
    """Open (or find again, for the same take) one take of ``point``'s stream; returns (track, created)."""
    if source not in (TrackSource.OWN, TrackSource.RELAY):
        raise UploadRefused("Nguồn ghi phải là «own» (điểm cầu tự ghi) hoặc «relay» (bản sao tại điểm cầu trung tâm).", 400)
    try:
        take = uuid.UUID(str(take))
    except ValueError:
        raise UploadRefused("Mã lượt ghi (take) phải là một UUID.", 400) from None
    mime_type = (mime_type or "").strip()
    if not mime_type or len(mime_type) > 100 or rules.slice_extension(mime_type) == "bin":
        raise UploadRefused("Định dạng ghi hình không được hỗ trợ (cần video/webm, video/mp4 hoặc audio/ogg).", 400)
    if point.room_id != room.pk:
        raise UploadRefused("Điểm cầu không thuộc phòng họp này.", 404)
    recording = Recording.objects.filter(room=room).first()
    refusal = _room_refusal(room, recording, late_ok=False) or _point_refusal(point)
    at_point = recorder_point(point, source)
    if refusal is None and source == TrackSource.RELAY and point.pk == at_point.pk:
        refusal = "Điểm cầu trung tâm tự ghi luồng của mình (nguồn «own»), không ghi bản sao của chính mình."
    refusal = refusal or _caller_refusal(by, at_point)
    device = _media_device(at_point) if refusal is None else None
    if refusal is None and (device is None or not device.device_hash or not secrets.compare_digest(device.device_hash, by.device_hash)):
        refusal = "Chỉ thiết bị đang truyền hình ảnh của điểm cầu mới được tải bản ghi hình lên."
    if refusal:
        _refuse(refusal, by=by, obj=point, source=source, take=str(take))

    with transaction.atomic():
        if recording is None:
            recording, _ = _ensure_recording(room)
        existing = Track.objects.filter(recording=recording, take=take).first()
        if existing is not None:
            if existing.point_id != point.pk or existing.source != source or not secrets.compare_digest(existing.device_hash, by.device_hash):
                raise UploadRefused("Mã lượt ghi này đã được dùng cho một luồng khác; vui lòng bắt đầu lượt ghi mới.", 409)
            return existing, False
        offset = int(timezone.now().timestamp() * 1000) - int(client_now_ms) if client_now_ms is not None else 0
        track = Track(recording=recording, point=point, source=source, take=take, device=device, device_hash=by.device_hash,
                      user=by.user if getattr(by.user, "pk", None) else None, mime_type=mime_type, clock_offset_ms=offset)
        try:
            with transaction.atomic():
                track.save()
        except IntegrityError:  # the same take opened twice at once (a retried request)
            return Track.objects.get(recording=recording, take=take), False
        audit.record(actor=by.user, action="recordings.track_open", obj=track,
                     changes={"source": source, "take": str(take), "mime_type": mime_type, "clock_offset_ms": offset})
    return track, True


def _upload_refusal(track: Track, by: Uploader) -> str | None:
    """Every slice asks again: the take's own browser, still allowed at its point, the room still live."""
    room = track.recording.room
    refusal = _room_refusal(room, track.recording, late_ok=True)
    if refusal:
        return refusal
    if track.source == TrackSource.OWN:
        refusal = _point_refusal(track.point)
        if refusal:
            return refusal
    if not by.device_hash or not secrets.compare_digest(track.device_hash, by.device_hash):
        return "Lượt ghi này không phải của trình duyệt này: mỗi điểm cầu chỉ tải lên luồng của mình."
    if room.state == RoomState.CLOSED:
        # The grace after the close: the room's checks all say «ended»; the take's own browser (its device
        # cookie, checked in full when the take opened) may still hand in what it recorded before.
        return None
    at_point = track.point if track.source == TrackSource.OWN else recorder_point(track.point, track.source)
    refusal = _caller_refusal(by, at_point)
    if refusal and _closed_since_loaded(track):
        # The chair closed the room while this slice was in flight: the caller's checks read the room again
        # (the central point's for a relay, the join link's) and say «ended»; the late-slice window decides.
        return None
    return refusal


def _closed_since_loaded(track: Track) -> bool:
    """The room ``track`` was loaded with looked live, but it is closed now and its late-slice window still open."""
    room, recording = track.recording.room, track.recording
    room.refresh_from_db(fields=["state", "closed_at"])
    recording.refresh_from_db(fields=["state"])
    return room.state == RoomState.CLOSED and _room_refusal(room, recording, late_ok=True) is None


def check_uploader(track: Track, by: Uploader, **context) -> None:
    """Refuse (audited) unless ``by`` may upload into ``track`` now; asked first, before the body is looked at."""
    refusal = _upload_refusal(track, by)
    if refusal:
        _refuse(refusal, by=by, obj=track, **context)


def track_for_upload(track_id: int) -> Track | None:
    """One query for everything a slice's checks read (the upload is hot: 50 at once in the bench)."""
    return (Track.objects.select_related("recording", "recording__room", "recording__room__province_committee", "point", "point__organisation", "point__room")
            .filter(pk=track_id).first())


def slice_key(track: Track, seq: int, sha256_hex: str) -> str:
    """The hash is in the key: two uploads of one number with different bodies never overwrite each other's file."""
    return f"recordings/{track.recording_id}/tracks/{track.pk}/{seq:06d}-{sha256_hex}.{rules.slice_extension(track.mime_type)}"


def ingest_slice(*, track: Track, seq: int, data: bytes, sha256_hex: str, client_time_ms: int | None, by_device: Uploader) -> SliceResult:
    """Take in slice ``seq`` of ``track``: checked, stored durably, recorded; only then acknowledged."""
    by = by_device
    check_uploader(track, by, seq=seq)
    size_problem = rules.slice_size_problem(len(data), limit_bytes=settings.RECORDINGS_MAX_SLICE_BYTES)
    if size_problem:
        _refuse(size_problem, status=413 if data else 400, by=by, obj=track, seq=seq, size_bytes=len(data))
    claimed = (sha256_hex or "").strip().lower()
    actual = hashlib.sha256(data).hexdigest()
    if not secrets.compare_digest(claimed, actual):
        _refuse("Mã băm SHA-256 của đoạn không khớp với dữ liệu nhận được: đoạn bị hỏng trên đường truyền, sẽ được gửi lại.", status=400,
                by=by, obj=track, seq=seq, claimed=claimed[:64], actual=actual)
    highest = Track.objects.filter(pk=track.pk).values_list("last_seq", flat=True).first()
    seq_problem = rules.seq_problem(seq, highest=highest, max_ahead=settings.RECORDINGS_MAX_SEQ_AHEAD)
    if seq_problem:
        _refuse(seq_problem, status=422, by=by, obj=track, seq=seq)

    existing = Slice.objects.filter(track=track, seq=seq).values_list("sha256", flat=True).first()
    if existing is not None:
        return _same_or_conflict(track, seq, existing, actual, by)

    key = slice_key(track, seq, actual)
    store = get_store()
    try:
        store.put_atomic(key, data)
    except (StorageError, OSError) as exc:
        log.exception("slice %s of track %s not stored", seq, track.pk)
        raise UploadRefused("Máy chủ chưa lưu được đoạn ghi hình; trình duyệt sẽ gửi lại.", 503) from exc
    now = timezone.now()
    started_at = None
    if client_time_ms is not None and (seq == 0 or track.started_at is None):
        started_at = dt.datetime.fromtimestamp((int(client_time_ms) + track.clock_offset_ms) / 1000, tz=dt.timezone.utc)
    try:
        with transaction.atomic():
            Slice.objects.create(track=track, seq=seq, sha256=actual, size_bytes=len(data), received_at=now,
                                 client_time_ms=client_time_ms, storage_key=key)
            changes = {"slices_count": F("slices_count") + 1, "bytes_total": F("bytes_total") + len(data),
                       "last_seq": Greatest(Coalesce(F("last_seq"), -1), seq)}
            if started_at is not None:
                changes["started_at"] = started_at
            Track.objects.filter(pk=track.pk).update(**changes)
    except IntegrityError:
        # Another upload of the same number committed first (a retry racing its original).
        existing = Slice.objects.filter(track=track, seq=seq).values_list("sha256", flat=True).first()
        if existing is None:
            store.delete(key)
            raise
        return _same_or_conflict(track, seq, existing, actual, by, our_key=key)
    except OperationalError as exc:
        # The database could not take the row now (SQLite's one writer busy past its timeout under a burst of
        # uploads): a plain 500 would read as a fault; this says "not kept yet, send again", and the browser's
        # queue does. The stored bytes are under their hash, so the retry finds them or writes them again.
        log.warning("slice %s of track %s not recorded: %s", seq, track.pk, exc)
        raise UploadRefused("Máy chủ đang bận, chưa ghi nhận được đoạn ghi hình; trình duyệt sẽ gửi lại.", 503) from exc
    if Track.objects.filter(pk=track.pk, closed_at__isnull=False).exists():
        # A late slice of a take already closed (sent again after a reload, or in flight when the room's close
        # closed the take): its gaps shrink. Read again, not from ``track``: the close may have come after this
        # request loaded it (seen when a slice retried after a server restart landed just after the chair's close).
        with transaction.atomic():
            locked = Track.objects.select_for_update().select_related("point").get(pk=track.pk)
            if locked.closed_at is not None:
                refresh_gaps(locked)
    return SliceResult(seq=seq, sha256=actual, stored=True)


def _same_or_conflict(track: Track, seq: int, existing: str, actual: str, by: Uploader, *, our_key: str = "") -> SliceResult:
    if secrets.compare_digest(existing, actual):
        return SliceResult(seq=seq, sha256=actual, stored=False)
    if our_key:
        get_store().delete(our_key)  # a different key from the stored slice's (the hash is in it): theirs stays
    _refuse(f"Đoạn số {seq} đã được lưu với nội dung khác; không ghi đè bản đã lưu.", status=409, by=by, obj=track,
            action="recordings.slice_conflict", seq=seq, stored_sha256=existing, offered_sha256=actual)


def _gap_sentence(track: Track, gaps: list[list[int]]) -> str:
    ranges = ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in gaps)
    return f"{GAP_SENTENCE} {ranges} của điểm cầu {track.point} ({track.get_source_display().lower()}, lượt ghi {str(track.take)[:8]})."


def _problems_with_gaps(recording: Recording) -> list[str]:
    """The recording's problems with the gap sentences made again from its closed takes; others' sentences kept."""
    kept = [p for p in (recording.problems or []) if not p.startswith(GAP_SENTENCE)]
    tracks = Track.objects.filter(recording=recording, closed_at__isnull=False).exclude(gaps=[]).select_related("point").order_by("point_id", "opened_at", "pk")
    return kept + [_gap_sentence(t, t.gaps) for t in tracks if t.gaps]


def refresh_gaps(track: Track) -> Track:
    """Compute a closed take's gaps again (inside the caller's transaction) and the recording's gap sentences."""
    track.gaps = selectors.missing_ranges(track)
    track.save(update_fields=["gaps"])
    recording = Recording.objects.select_for_update().get(pk=track.recording_id)
    recording.problems = _problems_with_gaps(recording)
    recording.save(update_fields=["problems"])
    return track


def _close(track: Track, *, last_seq: int | None, at, actor=None) -> Track:
    if last_seq is not None:
        Track.objects.filter(pk=track.pk).update(last_seq=Greatest(Coalesce(F("last_seq"), -1), int(last_seq)))
    track.refresh_from_db(fields=["last_seq", "slices_count", "bytes_total", "started_at"])
    track.closed_at = at
    track.save(update_fields=["closed_at"])
    refresh_gaps(track)
    audit.record(actor=actor, action="recordings.track_close", obj=track,
                 changes={"last_seq": track.last_seq, "slices": track.slices_count, "bytes": track.bytes_total, "gaps": track.gaps})
    return track


def close_take(*, track: Track, last_seq: int | None, by: Uploader) -> Track:
    """The browser stopped this take (``last_seq``: the last number it made): its gaps computed and reported."""
    if last_seq is not None and (last_seq < -1 or last_seq > (track.last_seq if track.last_seq is not None else -1) + settings.RECORDINGS_MAX_SEQ_AHEAD):
        raise UploadRefused("Số thứ tự đoạn cuối không hợp lệ.", 400)
    refusal = _upload_refusal(track, by)
    if refusal:
        _refuse(refusal, by=by, obj=track, closing=True)
    with transaction.atomic():
        locked = Track.objects.select_for_update().select_related("point", "recording").get(pk=track.pk)
        if locked.closed_at is not None:
            if last_seq is not None and (locked.last_seq is None or last_seq > locked.last_seq):
                Track.objects.filter(pk=locked.pk).update(last_seq=last_seq)
                locked.refresh_from_db(fields=["last_seq"])
                refresh_gaps(locked)
            return locked
        return _close(locked, last_seq=last_seq, at=timezone.now(), actor=by.user)


def correct_clock(*, track: Track, sent_ms: int, server_ms: int, received_ms: int, by: Uploader) -> Track:
    """The take's clock offset measured again over the open's round trip (``rules.clock_offset_ms``): the offset
    taken at the open counts the request's delay; ``started_at``, if already set, moves by the difference."""
    if not by.device_hash or not secrets.compare_digest(track.device_hash, by.device_hash):
        _refuse("Lượt ghi này không phải của trình duyệt này: mỗi điểm cầu chỉ tải lên luồng của mình.", by=by, obj=track, clock=True)
    offset = rules.clock_offset_ms(sent_ms=sent_ms, server_ms=server_ms, received_ms=received_ms)
    opened_ms = int(track.opened_at.timestamp() * 1000)
    now_ms = int(timezone.now().timestamp() * 1000)
    # The server's reading is one an open of this take answered with; a correction of more than a minute is
    # not the request's delay but another clock (or a broken client): the offset measured at the open stays.
    if offset is None or not opened_ms - 1000 <= server_ms <= now_ms or abs(offset - track.clock_offset_ms) > 60_000:
        raise UploadRefused("Kết quả đo đồng hồ không hợp lệ; lượt ghi giữ chênh lệch đo lúc mở.", 400)
    with transaction.atomic():
        locked = Track.objects.select_for_update().get(pk=track.pk)
        delta = offset - locked.clock_offset_ms
        if delta:
            locked.clock_offset_ms = offset
            fields = ["clock_offset_ms"]
            if locked.started_at is not None:
                locked.started_at += dt.timedelta(milliseconds=delta)
                fields.append("started_at")
            locked.save(update_fields=fields)
            audit.record(actor=by.user, action="recordings.track_clock", obj=locked,
                         changes={"clock_offset_ms": [offset - delta, offset], "round_trip_ms": received_ms - sent_ms})
    return locked


def track_state(*, track: Track, by: Uploader) -> dict:
    """What a reloaded page needs to resend only what is missing."""
    if not by.device_hash or not secrets.compare_digest(track.device_hash, by.device_hash):
        raise UploadRefused("Lượt ghi này không phải của trình duyệt này: mỗi điểm cầu chỉ tải lên luồng của mình.")
    return {"track": track.pk, "take": str(track.take), "next_seq": selectors.next_seq(track), "missing": selectors.missing_ranges(track),
            "closed": track.closed_at is not None}
