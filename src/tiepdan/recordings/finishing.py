"""Finishing a recording after its room closed: from numbered slices to files a player seeks in, signed.

``finish(recording)`` runs the steps in order; each step skips what an earlier run already did, so a
run stopped half-way (a restart, a crash) resumes where it stopped (``tasks.finish_recording``):

1. **Takes**: each take's slices joined in order (slice 0 holds the WebM header) and remuxed without
   re-encoding (``media.remux``), so the take file has its true duration and cues. Janus's own
   recordings become takes too (``janus_recording.collect``).
2. **Points**: each point's takes placed on the server's clock (``Track.started_at``) and joined into one
   per-point file, the central point's copy filling what the point's own takes lack
   (``rules.point_timeline``); a stretch nobody recorded stays empty and is reported in
   ``Recording.problems``. The file's offset from the recording's start is kept with it.
3. **Chapters** from the room's ``matter_started`` / ``matter_closed`` events, each with a thumbnail
   from the central point's file at its start.
4. **Manifest**, signed (``manifest.seal``): the recording is ``finished`` from here; playback starts.
5. **Composed export** (``compose``), re-encoded and slow, made afterwards; the manifest is sealed
   again to list it.
"""
from __future__ import annotations

import dataclasses
import logging
import shutil
import statistics
import tempfile
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from tiepdan.core import audit
from tiepdan.live.models import EventKind, PointRole

from . import manifest, media, rules
from .models import Chapter, PointFile, Recording, RecordingState, Slice, Track, TrackSource
from .storage import get_store

log = logging.getLogger(__name__)

NOMINAL_SLICE_S = 2.0  # MediaRecorder's timeslice in the browser (docs/MEDIA.md «Recording»)
# How finishing's own sentences in Recording.problems begin (the others are ingest's and stay).
OWN_SENTENCES = ("Điểm cầu «", "Chương «", "Janus đã ghi", "Không tạo được tệp tổng hợp", "Hoàn thiện bị dừng", "Bản kê chưa ký số")


def key_of(recording: Recording, *parts: str) -> str:
    return "/".join(["recordings", str(recording.pk), *parts])


@dataclasses.dataclass
class PointResult:
    """A finished per-point file, as the manifest lists it and ``PointFile`` keeps it."""

    point_id: int
    key: str
    sha256: str
    size_bytes: int
    duration_s: float
    offset_s: float
    has_video: bool
    has_audio: bool
    stretches: list
    gaps: list

    @classmethod
    def of(cls, row: PointFile) -> PointResult:
        sources = row.sources or {}
        return cls(row.point_id, row.file.name, row.sha256, row.size_bytes, row.duration_s or 0.0, row.offset_s, row.has_video, row.has_audio,
                   sources.get("stretches", []), sources.get("gaps", []))

    def save(self, recording: Recording) -> None:
        PointFile.objects.update_or_create(recording=recording, point_id=self.point_id, defaults={
            "file": self.key, "sha256": self.sha256, "size_bytes": self.size_bytes, "duration_s": self.duration_s, "offset_s": self.offset_s,
            "has_video": self.has_video, "has_audio": self.has_audio, "sources": {"stretches": self.stretches, "gaps": self.gaps},
        })


@contextmanager
def _workdir():
    folder = Path(tempfile.mkdtemp(prefix="tiepdan-finish-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def since_start(recording: Recording, at: datetime | None) -> float | None:
    return None if at is None else (at - recording.started_at).total_seconds()


# --- 1. takes ---------------------------------------------------------------------------------------


def take_holes(slices: list[Slice], missing: list[list[int]]) -> list[tuple[float, float]]:
    """Where the missing slices lie in the take's time, from the browser's clock at each slice's start."""
    t0 = next((s.client_time_ms for s in slices if s.seq == 0 and s.client_time_ms is not None), None)
    times = {s.seq: (s.client_time_ms - t0) / 1000 for s in slices if s.client_time_ms is not None and t0 is not None}
    steps = [times[b] - times[a] for a, b in zip(sorted(times), sorted(times)[1:]) if b == a + 1 and times[b] > times[a]]
    step = statistics.median(steps) if steps else NOMINAL_SLICE_S
    holes = []
    for a, b in missing:
        start = times.get(a, times[a - 1] + step if a - 1 in times else a * step)
        end = times.get(b + 1, start + (b - a + 1) * step)
        holes.append((start, max(start, end)))
    return holes


def finish_take(track: Track, *, workdir: Path, problems: list[str]) -> bool:
    """The take's file, joined from its slices and remuxed (once: a take already finished is kept as it is)."""
    store = get_store()
    if track.file and track.file_sha256 and store.exists(track.file.name):
        return True
    slices = list(track.slices.order_by("seq"))
    if not slices or slices[0].seq != 0:
        problems.append(f"{_who(track)}: thiếu đoạn đầu (đoạn số 0 mang phần đầu tệp WebM), không dựng được lượt ghi này.")
        return False
    parts = [store.local_path(s.storage_key) for s in slices]
    joined = workdir / f"take-{track.pk}-joined.{rules.slice_extension(track.mime_type)}"
    try:
        media.join_bytes(parts, joined)
        out = workdir / f"take-{track.pk}{media.extension_for(media.probe(joined))}"
        media.remux(joined, out)
        info = media.probe(out)
    except media.MediaError as exc:
        problems.append(f"{_who(track)}: không hoàn thiện được lượt ghi ({exc}).")
        return False
    key = key_of(track.recording, "tracks", str(track.pk), f"take-{track.pk}{out.suffix}")  # names unique, so a download may lie flat
    store.put_file(key, out)
    track.file.name = key
    track.file_sha256 = media.sha256_file(out)
    track.duration_s = max(0.0, info.start_s) + (info.duration_s or 0.0)
    track.save(update_fields=["file", "file_sha256", "duration_s"])
    joined.unlink(missing_ok=True)
    return True


def _who(track: Track) -> str:
    return f"Điểm cầu «{track.point.name}», lượt ghi {str(track.take)[:8]} ({track.get_source_display().lower()})"


def take_span(recording: Recording, track: Track) -> rules.Span:
    """The take on the recording's timeline (server clock), less the stretches of its missing slices."""
    started = track.started_at
    if started is None:
        first = track.slices.order_by("seq").first()
        started = first.received_at if first else recording.started_at
    offset = since_start(recording, started)
    holes = ()
    if track.source != TrackSource.SERVER:
        slices = list(track.slices.order_by("seq"))
        seqs = [s.seq for s in slices]
        missing = rules.missing_ranges(seqs, max([track.last_seq if track.last_seq is not None else -1, *seqs]))
        holes = tuple((offset + a, offset + b) for a, b in take_holes(slices, missing))
    return rules.Span(str(track.pk), track.source, offset, offset + (track.duration_s or 0.0), holes)


# --- 2. points --------------------------------------------------------------------------------------


def pieces_for(timeline: rules.PointTimeline, spans: dict[str, rules.Span], paths: dict[str, Path]) -> list[media.Piece]:
    """Each chosen stretch as a piece of its take's file: cut only where the stretch does not reach the take's own edge."""
    pieces = []
    for stretch in timeline.stretches:
        span = spans[stretch.take]
        inpoint = stretch.start_s - span.start_s if stretch.start_s - span.start_s > rules.TOLERANCE_S / 10 else None
        outpoint = stretch.end_s - span.start_s if span.end_s - stretch.end_s > rules.TOLERANCE_S / 10 else None
        pieces.append(media.Piece(paths[stretch.take], at_s=stretch.start_s if inpoint is not None else span.start_s,
                                  inpoint_s=inpoint, outpoint_s=outpoint))
    return pieces


def _gap_sentences(point, gaps) -> list[str]:
    return [f"Điểm cầu «{point.name}»: không có hình và tiếng từ {_clock(start)} đến {_clock(end)} ({end - start:.0f} giây), "
            "không lượt ghi nào có đoạn này; khoảng trống được giữ nguyên." for start, end in gaps]


def finish_point(recording: Recording, point, tracks: list[Track], *, workdir: Path, problems: list[str]) -> PointResult | None:
    store = get_store()
    usable = [t for t in tracks if t.file and t.file_sha256]
    if not usable:
        if tracks:
            problems.append(f"Điểm cầu «{point.name}»: không có lượt ghi nào dựng được thành tệp.")
        return None
    spans = {str(t.pk): take_span(recording, t) for t in usable}
    paths = {str(t.pk): store.local_path(t.file.name) for t in usable}
    timeline = rules.point_timeline(list(spans.values()))
    problems.extend(_gap_sentences(point, timeline.gaps))
    pieces = pieces_for(timeline, spans, paths)
    suffix = ".mkv" if any(p.path.suffix == ".mkv" for p in pieces) else ".webm"
    out = workdir / f"point-{point.pk}{suffix}"
    whole = len(pieces) == 1 and pieces[0].inpoint_s is None and pieces[0].outpoint_s is None
    try:
        if whole:
            out = pieces[0].path  # one take from start to end: the take's file is the point's, as it is
        else:
            media.join_pieces(pieces, out)
        info = media.probe(out)
    except media.MediaError as exc:
        problems.append(f"Điểm cầu «{point.name}»: không ghép được tệp của điểm cầu ({exc}).")
        return None
    key = key_of(recording, "points", f"{point.pk}{suffix}")
    store.put_file(key, out)
    fills = [s for s in timeline.stretches if s.source == TrackSource.RELAY]
    if fills and any(s.source != TrackSource.RELAY for s in timeline.stretches):
        total = sum(s.end_s - s.start_s for s in fills)
        log.info("point %s: %.0f s taken from the central point's copy", point.pk, total)
    return PointResult(
        point_id=point.pk, key=key, sha256=media.sha256_file(out), size_bytes=out.stat().st_size,
        duration_s=max(0.0, info.start_s) + (info.duration_s or 0.0), offset_s=pieces[0].at_s,
        has_video=info.video is not None, has_audio=info.audio is not None,
        stretches=[{"take": s.take, "source": s.source, "start_s": round(s.start_s, 3), "end_s": round(s.end_s, 3)} for s in timeline.stretches],
        gaps=[[round(a, 3), round(b, 3)] for a, b in timeline.gaps],
    )


# --- 3. chapters ------------------------------------------------------------------------------------


def chapter_spans(recording: Recording) -> list[tuple]:
    """(agenda item, start_s, end_s) from the room's matter events; a matter left open ends with the recording."""
    end_s = since_start(recording, recording.ended_at or recording.room.closed_at or timezone.now())
    events = recording.room.events.filter(kind__in=[EventKind.MATTER_STARTED, EventKind.MATTER_CLOSED]).select_related("agenda_item").order_by("at", "pk")
    spans, open_item, open_at = [], None, None
    for event in events:
        at = max(0.0, since_start(recording, event.at))
        if event.kind == EventKind.MATTER_STARTED:
            if open_item is not None:
                spans.append((open_item, open_at, at))
            open_item, open_at = event.agenda_item, at
        elif open_item is not None and (event.agenda_item_id is None or event.agenda_item_id == open_item.pk):
            spans.append((open_item, open_at, max(open_at, at)))
            open_item = None
    if open_item is not None:
        spans.append((open_item, open_at, max(open_at, end_s)))
    return spans


def finish_chapters(recording: Recording, points: dict[int, PointResult], *, workdir: Path, problems: list[str]) -> list[Chapter]:
    store = get_store()
    central = recording.room.points.filter(role=PointRole.CENTRAL).first()
    picture = points.get(central.pk) if central else None
    if picture is None or not picture.has_video:
        picture = next((p for p in points.values() if p.has_video), None)
    recording.chapters.all().delete()  # made again from the events on every run: the events are the truth
    chapters = []
    for n, (item, start_s, end_s) in enumerate(chapter_spans(recording), start=1):
        chapter = Chapter(recording=recording, agenda_item=item, title=str(item)[:300], start_s=round(start_s, 3), end_s=round(end_s, 3))
        if picture is not None:
            out = workdir / f"chapter-{n}.jpg"
            at = min(max(0.0, start_s - picture.offset_s), max(0.0, picture.duration_s - 0.5))
            try:
                media.thumbnail(store.local_path(picture.key), at, out)
                key = key_of(recording, "chapters", f"{n:03d}.jpg")
                store.put_file(key, out)
                chapter.thumbnail.name = key
            except media.MediaError as exc:
                problems.append(f"Chương «{chapter.title}»: không lấy được ảnh đại diện ({exc}).")
        chapter.save()
        chapters.append(chapter)
    return chapters


# --- the whole ------------------------------------------------------------------------------------


def _set_state(recording: Recording, state: str, **fields) -> None:
    with transaction.atomic():
        locked = Recording.objects.select_for_update().get(pk=recording.pk)
        before = locked.state
        locked.state = state
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=["state", *fields])
        audit.record(actor=None, action=f"recordings.{state}", obj=locked, changes={"state": [before, state], **{
            k: v for k, v in fields.items() if k == "problems"}})
    recording.refresh_from_db()


def finish_points(recording: Recording, *, workdir: Path, problems: list[str]) -> dict[int, PointResult]:
    """Steps 1 and 2: every take's file, then every point's (what the benchmark times)."""
    from . import janus_recording  # why: only the Janus step needs live.janus's rows; imported where used

    janus_recording.collect(recording, workdir=workdir, problems=problems)
    tracks = list(recording.tracks.select_related("point", "recording").order_by("point_id", "started_at", "pk"))
    for track in tracks:
        if track.source != TrackSource.SERVER:
            finish_take(track, workdir=workdir, problems=problems)
    results = {}
    by_point: dict = {}
    for track in tracks:
        by_point.setdefault(track.point, []).append(track)
    done = {row.point_id: row for row in recording.point_files.all()}
    store = get_store()
    for point, point_tracks in sorted(by_point.items(), key=lambda kv: kv[0].pk):
        row = done.get(point.pk)
        if row is not None and row.sha256 and store.exists(row.file.name):
            results[point.pk] = PointResult.of(row)  # made by an earlier run that stopped later on
            problems.extend(_gap_sentences(point, results[point.pk].gaps))
            continue
        result = finish_point(recording, point, point_tracks, workdir=workdir, problems=problems)
        if result is not None:
            result.save(recording)
            results[point.pk] = result
    return results


def finish(recording: Recording, *, compose: bool = True) -> Recording:
    """Carry a closed recording through to ``finished``: files, chapters, the signed manifest, then the export.

    Safe to call again: a finished recording is left alone (except a missing export, made now); a
    ``finishing`` or ``failed`` one resumes, reusing the take files already made."""
    recording.refresh_from_db()
    if recording.state == RecordingState.FINISHED:
        if compose and not recording.composed:
            compose_export(recording)
        return recording
    if recording.state == RecordingState.RECORDING:
        _set_state(recording, RecordingState.FINISHING, ended_at=recording.ended_at or recording.room.closed_at or timezone.now())
    # What ingest reported (its gap sentences) stays; finishing's own sentences are made again on each run.
    problems: list[str] = [p for p in recording.problems or [] if not p.startswith(OWN_SENTENCES)]
    try:
        with _workdir() as workdir:
            points = finish_points(recording, workdir=workdir, problems=problems)
            chapters = finish_chapters(recording, points, workdir=workdir, problems=problems)
            recording.bytes_total = sum(t.bytes_total for t in recording.tracks.all())
            recording.save(update_fields=["bytes_total"])
            sealed = manifest.seal(recording, points=points, chapters=chapters, problems=problems)
    except Exception as exc:
        log.exception("finishing recording %s failed", recording.pk)
        _set_state(recording, RecordingState.FAILED, problems=[*problems, f"Hoàn thiện bị dừng: {exc}. Chạy lại để tiếp tục."])
        raise
    _set_state(recording, RecordingState.FINISHED, finished_at=timezone.now(), problems=sealed.problems)
    if compose:
        compose_export(recording, points=points)
    return recording


def compose_export(recording: Recording, *, points: dict[int, PointResult] | None = None) -> None:
    """Step 5: every point's picture side by side and their sound mixed, one file; the manifest sealed again to list it."""
    store = get_store()
    points = points if points is not None else {row.point_id: PointResult.of(row) for row in recording.point_files.all()}
    if not points:
        return
    tiles = [media.Tile(store.local_path(p.key), p.offset_s, p.has_video, p.has_audio) for p in sorted(points.values(), key=lambda p: p.point_id)]
    total_s = max(p.offset_s + p.duration_s for p in points.values())
    problems = list(recording.problems)
    with _workdir() as workdir:
        out = workdir / "composed.mp4"
        try:
            media.compose(tiles, out, total_s=total_s)
        except media.MediaError as exc:
            problems.append(f"Không tạo được tệp tổng hợp để xuất ({exc}); các tệp của từng điểm cầu vẫn đầy đủ.")
            Recording.objects.filter(pk=recording.pk).update(problems=problems)
            return
        key = key_of(recording, "composed.mp4")
        store.put_file(key, out)
    with transaction.atomic():
        recording.composed.name = key
        recording.save(update_fields=["composed"])
        audit.record(actor=None, action="recordings.composed", obj=recording, changes={"composed": key})
    manifest.seal(recording, points=points, chapters=list(recording.chapters.all()), problems=[
        p for p in problems if p != manifest.UNSIGNED])
