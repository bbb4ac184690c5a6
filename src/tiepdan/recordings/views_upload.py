"""The upload API the room page's recorder calls (JSON; errors ``{"error": "<Vietnamese>"}``). Thin: ``recordings.ingest`` decides.

Identity is the room's own: the official signed in (the second factor passed: ``SecondFactorMiddleware``
has already sent a password-only session away, and ``second_factor_missing`` is asked again here), or
the join link this browser redeemed (kept in the session), and always the browser's device cookie,
which names the device holding the point's media. The browser's ``fetch`` sends the CSRF token
header as the console's does (``X-CSRFToken`` from the ``csrftoken`` cookie).
"""
from __future__ import annotations

import json

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tiepdan.live.consumers import DEVICE_COOKIE
from tiepdan.live.models import LiveRoom, RoomPoint
from tiepdan.organisations.authentication import second_factor_missing

from . import ingest, selectors
from .ingest import UploadRefused, Uploader

READ_CHUNK = 256 * 1024


def _uploader(request) -> Uploader:
    user = request.user if request.user.is_authenticated and not second_factor_missing(request.user) else None
    return Uploader.from_device_key(request.COOKIES.get(DEVICE_COOKIE, ""), user=user, link_ids=request.session.get("live_links", {}))


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})


def _json_body(request) -> dict:
    if len(request.body) > 4096:
        raise UploadRefused("Yêu cầu quá lớn.", 413)
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise UploadRefused("Nội dung yêu cầu không phải JSON hợp lệ.", 400) from None
    if not isinstance(data, dict):
        raise UploadRefused("Nội dung yêu cầu phải là một đối tượng JSON.", 400)
    return data


def _int_or_none(value, what: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise UploadRefused(f"{what} phải là một số nguyên.", 400) from None


def _track_or_404(track_id: int):
    track = ingest.track_for_upload(track_id)
    if track is None:
        raise UploadRefused("Không tìm thấy lượt ghi này.", 404)
    return track


def _answers(view):
    """Turn a refusal into its JSON answer, whatever the view."""
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except UploadRefused as exc:
            return _error(exc.message, exc.status)
    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return wrapped


@require_POST
@_answers
def open_track(request, room_id: int):
    """POST /ghi-hinh/phong/<room>/luong/: open one take (the same take again: the same track)."""
    data = _json_body(request)
    room = LiveRoom.objects.select_related("province_committee").filter(pk=room_id).first()
    point_id = _int_or_none(data.get("point"), "Điểm cầu")
    point = RoomPoint.objects.select_related("room", "room__province_committee", "organisation").filter(pk=point_id, room_id=room_id).first() if point_id else None
    if room is None or point is None:
        return _error("Không tìm thấy phòng họp hoặc điểm cầu này.", 404)
    track, created = ingest.open_track(room=room, point=point, source=str(data.get("source", "")), take=data.get("take", ""),
                                       mime_type=str(data.get("mime_type", "")), client_now_ms=_int_or_none(data.get("client_now_ms"), "Giờ trình duyệt"),
                                       by=_uploader(request))
    return JsonResponse({"track": track.pk, "take": str(track.take), "next_seq": 0 if created else selectors.next_seq(track),
                         "server_now_ms": int(timezone.now().timestamp() * 1000)}, status=201 if created else 200)


def _read_body(request, limit: int) -> bytes:
    """The body, read in chunks and stopped one byte past ``limit`` (``ingest`` then refuses it as too large)."""
    parts, size = [], 0
    while size <= limit:
        chunk = request.read(min(READ_CHUNK, limit + 1 - size))
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts)


@require_http_methods(["PUT"])
@_answers
def put_slice(request, track_id: int, seq: int):
    """PUT /ghi-hinh/luong/<track>/doan/<seq>/: store one slice; 201 stored, 200 a duplicate, 409 another body."""
    track = _track_or_404(track_id)
    by = _uploader(request)
    limit = settings.RECORDINGS_MAX_SLICE_BYTES
    declared = request.META.get("CONTENT_LENGTH") or ""
    if declared.isdigit() and int(declared) > limit:  # refused without reading it, once the caller is known
        ingest.check_uploader(track, by, seq=seq)
        raise UploadRefused(f"Đoạn ghi hình {int(declared):,} byte vượt quá giới hạn {limit:,} byte.".replace(",", "."), 413)
    data = _read_body(request, limit)
    result = ingest.ingest_slice(track=track, seq=seq, data=data, sha256_hex=request.headers.get("X-Slice-SHA256", ""),
                                 client_time_ms=_int_or_none(request.headers.get("X-Client-Time-Ms"), "Giờ trình duyệt"), by_device=by)
    if result.duplicate:
        return JsonResponse({"seq": result.seq, "sha256": result.sha256, "stored": True, "duplicate": True}, status=200)
    return JsonResponse({"seq": result.seq, "sha256": result.sha256, "stored": True}, status=201)


@require_POST
@_answers
def close_track(request, track_id: int):
    """POST /ghi-hinh/luong/<track>/ket-thuc/: the take ended; its gaps come back."""
    track = _track_or_404(track_id)
    data = _json_body(request)
    track = ingest.close_take(track=track, last_seq=_int_or_none(data.get("last_seq"), "Số thứ tự đoạn cuối"), by=_uploader(request))
    return JsonResponse({"track": track.pk, "last_seq": track.last_seq, "gaps": track.gaps, "closed": True})


@require_POST
@_answers
def track_clock(request, track_id: int):
    """POST /ghi-hinh/luong/<track>/dong-ho/ ``{"sent_ms", "server_now_ms", "received_ms"}``: the open's round trip,
    measured by the browser, so the take's clock offset is corrected (``rules.clock_offset_ms``)."""
    track = _track_or_404(track_id)
    data = _json_body(request)
    values = [_int_or_none(data.get(k), "Giờ đo đồng hồ") for k in ("sent_ms", "server_now_ms", "received_ms")]
    if None in values:
        raise UploadRefused("Thiếu giờ đo đồng hồ (sent_ms, server_now_ms, received_ms).", 400)
    sent_ms, server_ms, received_ms = values
    track = ingest.correct_clock(track=track, sent_ms=sent_ms, server_ms=server_ms, received_ms=received_ms, by=_uploader(request))
    return JsonResponse({"track": track.pk, "clock_offset_ms": track.clock_offset_ms, "uncertainty_ms": (received_ms - sent_ms + 1) // 2})


@require_GET
@_answers
def track_state(request, track_id: int):
    """GET /ghi-hinh/luong/<track>/: what the server holds, so a reloaded page sends only what is missing."""
    track = _track_or_404(track_id)
    return JsonResponse(ingest.track_state(track=track, by=_uploader(request)))
