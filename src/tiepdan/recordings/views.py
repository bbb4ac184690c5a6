"""Thin views of playback, downloads, storage and the restricted-stretch button (REC-CORE's upload API is views_upload).

Every channel asks the same questions (``recordings.access``): the page, each point's file or clip, a thumbnail,
the download. What lies outside the viewer's matters does not exist for them (404); the audit is written by
``recordings.playback``.
"""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tiepdan.core import policy
from tiepdan.core.views_helpers import run_and_redirect
from tiepdan.live.models import LiveRoom
from tiepdan.organisations.models import Organisation

from . import access, playback, retention, services_restricted
from .models import PointFile, Recording, RecordingState, RestrictedStretch
from .ranged import ranged_response
from .storage import get_store


def _chapter_or_none(user, recording, raw: str):
    if not raw.isdigit():
        return None
    return access.visible_chapters(user, recording).filter(pk=int(raw)).first()


@login_required
@require_GET
def player(request, pk):
    """Every point's picture side by side, the sound of one chosen, the chapters; ``?chuong=<id>`` lands on a matter."""
    recording = access.get_recording(request.user, pk)
    chapter = _chapter_or_none(request.user, recording, request.GET.get("chuong", ""))
    segments = playback.segments(request.user, recording) if recording.state == RecordingState.FINISHED else []
    whole = access.plays_everything(request.user, recording)
    playback.record_viewing(by=request.user, recording=recording, chapter=chapter, whole=whole)
    chapters = list(access.visible_chapters(request.user, recording).order_by("start_s"))
    hidden = access.restricted_windows(recording) if not policy.can(request.user, "recordings.view_restricted", recording) else []
    start_s = chapter.start_s if chapter else (segments[0]["start_s"] if segments else 0)
    return render(request, "recordings/player.html", {
        "recording": recording, "session": recording.room.session, "points": access.point_files(recording),
        "chapters": chapters, "chapter": chapter, "hidden": hidden, "whole": whole, "sees_all": access.sees_whole(request.user),
        "may_download": access.may_download(request.user, recording) is None and policy.can(request.user, "recordings.download", recording),
        "player": {"segments": segments, "start_s": start_s, "length_s": access.recording_length_s(recording),
                   "restricted": [[w.start_s, w.end_s] for w in hidden]},
    })


def _stream(request, pf: PointFile, key: str, window):
    store = get_store()
    if request.headers.get("Range", "bytes=0-").strip() in ("bytes=0-", ""):
        playback.record_stream(by=request.user, point_file=pf, window=window)
    return ranged_response(request, store.open(key), size=store.size(key), content_type="video/webm")


@login_required
@require_GET
def point_file(request, pk, pf_id):
    """A point's whole file: only for a viewer who may play all of it (nothing in it is hidden from them)."""
    recording = access.get_recording(request.user, pk)
    pf = get_object_or_404(PointFile.objects.select_related("point", "recording"), pk=pf_id, recording=recording)
    if not access.plays_everything(request.user, recording):
        raise Http404("Bạn chỉ được xem một phần bản ghi hình này.")
    return _stream(request, pf, pf.file.name, None)


@login_required
@require_GET
def clip(request, pk, pf_id, window_key):
    """A point's file cut to one window the viewer may play (their own matter's chapter, minus restricted stretches)."""
    recording = access.get_recording(request.user, pk)
    pf = get_object_or_404(PointFile.objects.select_related("point", "recording"), pk=pf_id, recording=recording)
    window = playback.window_from_key(request.user, recording, window_key)
    if window is None:
        raise Http404("Đoạn này không thuộc phần bạn được xem.")
    try:
        key = playback.clip_for(pf, window)
    except playback.PlaybackError as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    return _stream(request, pf, key, window)


@login_required
@require_GET
def thumbnail(request, pk, chapter_id):
    recording = access.get_recording(request.user, pk)
    chapter = access.visible_chapters(request.user, recording).filter(pk=chapter_id).first()
    if chapter is None or not chapter.thumbnail:
        raise Http404("Không có ảnh của chương này.")
    store = get_store()
    return ranged_response(request, store.open(chapter.thumbnail.name), size=store.size(chapter.thumbnail.name), content_type="image/jpeg")


@login_required
@require_http_methods(["GET", "POST"])
def download(request, pk):
    """GET: the notice (who downloads, that it is logged and written in the file's name); POST: the export file."""
    recording = access.get_recording(request.user, pk)
    refusal = access.may_download(request.user, recording)
    if refusal:
        raise PermissionDenied(refusal)
    now = timezone.now()
    if request.method == "GET":
        return render(request, "recordings/download.html", {"recording": recording, "session": recording.room.session,
                                                            "name": playback.download_name(recording, request.user, now)})
    if not recording.composed:
        raise Http404("Bản ghi hình chưa có tệp tổng hợp để tải về.")
    name = playback.record_download(by=request.user, recording=recording, at=now)
    store = get_store()
    return ranged_response(request, store.open(recording.composed.name), size=store.size(recording.composed.name),
                           content_type="video/mp4", filename=name, attachment=True)


@login_required
@require_GET
def storage_page(request):
    """The IT operator's page: storage per session and in total, each recording's retention."""
    policy.require(request.user, "recordings.manage_storage")
    recordings = policy.visible(request.user, "recordings.manage_storage", Recording.objects.select_related("room__session", "room__province_committee"))
    rows = list(recordings.annotate(takes=Count("tracks")).order_by("-started_at")[:200])
    for row in rows:
        row.hours = access.recording_length_s(row) / 3600
    totals = recordings.aggregate(bytes=Sum("bytes_total"), n=Count("pk"))
    committees = policy.visible(request.user, "recordings.manage_storage", Organisation.objects.filter(kind=Organisation.Kind.PROVINCE_COMMITTEE))
    deleted = policy.visible(request.user, "recordings.manage_storage", retention.DeletedRecording.objects.all()).order_by("-deleted_at")[:50]
    return render(request, "recordings/storage.html", {
        "rows": rows, "total_bytes": totals["bytes"] or 0, "total_count": totals["n"],
        "total_hours": sum(r.hours for r in rows),
        "periods": [(c, retention.years_for(c)) for c in committees], "deleted": deleted,
    })


def _console(room: LiveRoom) -> tuple:
    """Back to the chair's console (the central point's page), where the button is."""
    central = room.central_point()
    return ("live:point", room.pk, central.pk) if central else ("live:room", room.pk)


@login_required
@require_POST
def mark_restricted(request, room_id):
    room = policy.get_visible_or_404(request.user, "recordings.mark_restricted", LiveRoom.objects, pk=room_id)
    return run_and_redirect(request, lambda: services_restricted.mark_restricted(by=request.user, room=room, reason=request.POST.get("reason", "")),
                            success="Đã đánh dấu hạn chế xem đoạn ghi hình từ lúc này.", redirect_to=_console(room), refusals=True)


@login_required
@require_POST
def end_restricted(request, stretch_id):
    stretch = get_object_or_404(RestrictedStretch.objects.select_related("recording__room"), pk=stretch_id)
    policy.get_visible_or_404(request.user, "recordings.mark_restricted", LiveRoom.objects, pk=stretch.recording.room_id)
    return run_and_redirect(request, lambda: services_restricted.end_restricted(by=request.user, stretch=stretch),
                            success="Đã bỏ hạn chế xem: từ lúc này ghi hình bình thường.", redirect_to=_console(stretch.recording.room), refusals=True)
