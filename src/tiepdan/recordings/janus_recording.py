"""Janus's own recording of a room, turned into takes (``Track`` rows, source ``server``) at finishing.

With the SFU, the server records every publisher itself (the room is created with ``record`` on and its
own ``rec_dir``, ``JANUS_REC_DIR/room-<id>``, under the data directory: Janus refuses protected system
folders). For each publish Janus writes one ``.mjr`` file per stream, named
``videoroom-<room>-user-<publisher id>-<µs>-<audio|video>-<mindex>.mjr``; the publisher id is the
point's id (``live.backends.janus``), so each file belongs to a ``RoomPoint`` of the room.

At finishing each publish becomes a take: its ``.mjr`` files kept as they are in the store (the
originals, listed in the manifest as the take's slices and hashed like them), ``janus-pp-rec`` turns them
into WebM (VP8) and Opus, and ffmpeg muxes them (no re-encoding) into the take's file, picture and sound
placed by the time Janus wrote their first packet (the header's ``u``: the server's clock).
"""
from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tiepdan.live.models import Backend, RoomPoint

from . import media
from .models import Recording, Slice, Track, TrackSource
from .storage import get_store

MJR = re.compile(r"^videoroom-(?P<room>\d+)-user-(?P<user>\d+)-(?P<at>\d+)-(?P<kind>audio|video|data)-(?P<mindex>\d+)\.mjr$")
TAKE_NAMESPACE = uuid.UUID("6f1c1b52-6d0e-4f0a-9a55-8f3a9d1e2c10")
MIME = "video/webm;codecs=vp8,opus"


def room_rec_dir(room) -> Path:
    """Where Janus writes one room's recordings (given to Janus when the room is created)."""
    return Path(settings.JANUS_REC_DIR) / f"room-{room.pk}"


PUBLISH_WINDOW_US = 2_000_000  # one publish opens its streams' recorders within moments of each other


def publishes(folder: Path) -> dict[tuple[int, int], dict[str, Path]]:
    """The .mjr files of a folder grouped by publish: (publisher id, Janus's µs of its first file) → {"audio": path, "video": path}.

    Each stream's file carries the moment its own recorder opened, a few µs apart; a file of a kind the group
    already has, or opened more than ``PUBLISH_WINDOW_US`` later, belongs to the next publish (the point
    published again: a reload, a new camera)."""
    by_user: dict[int, list[tuple[int, str, Path]]] = {}
    if not folder.is_dir():
        return {}
    for path in sorted(folder.iterdir()):
        match = MJR.match(path.name)
        if match and match["kind"] in ("audio", "video") and path.stat().st_size > 0:
            by_user.setdefault(int(match["user"]), []).append((int(match["at"]), match["kind"], path))
    found: dict[tuple[int, int], dict[str, Path]] = {}
    for user, files in by_user.items():
        group_at, group = None, {}
        for at, kind, path in sorted(files):
            if group_at is None or kind in group or at - group_at > PUBLISH_WINDOW_US:
                group_at, group = at, {}
                found[(user, group_at)] = group
            group[kind] = path
    return found


def _first_packet(header: dict, fallback_us: int) -> dt.datetime:
    us = header.get("u") or header.get("s") or fallback_us
    return dt.datetime.fromtimestamp(int(us) / 1_000_000, tz=dt.timezone.utc)


def collect(recording: Recording, *, workdir: Path, problems: list[str]) -> list[Track]:
    """Make a ``server`` take of every publish Janus recorded in this room (once: a take already made is kept)."""
    room = recording.room
    folder = room_rec_dir(room)
    if room.backend != Backend.JANUS and not folder.is_dir():
        return []
    store = get_store()
    points = {p.pk: p for p in RoomPoint.objects.filter(room=room)}
    made = []
    for (user, at_us), files in sorted(publishes(folder).items()):
        point = points.get(user)
        if point is None:
            problems.append(f"Janus đã ghi một luồng của người phát số {user}, không phải điểm cầu nào của phòng; tệp được giữ nguyên trong {folder}.")
            continue
        take = uuid.uuid5(TAKE_NAMESPACE, f"{room.pk}:{user}:{at_us}")
        if Track.objects.filter(recording=recording, take=take).exclude(file="").exists():
            continue
        try:
            made.append(_take(recording, point, take, files, at_us, workdir=workdir, store=store))
        except media.MediaError as exc:
            problems.append(f"Điểm cầu «{point.name}»: không chuyển được bản ghi của máy chủ Janus thành tệp ({exc}).")
    return made


def _take(recording: Recording, point, take: uuid.UUID, files: dict[str, Path], at_us: int, *, workdir: Path, store) -> Track:
    converted, starts = {}, {}
    for kind, path in files.items():
        out = workdir / f"{path.stem}.{'webm' if kind == 'video' else 'opus'}"
        media.mjr_to_media(path, out)
        converted[kind] = out
        starts[kind] = _first_packet(media.mjr_header(path), at_us)
    started = min(starts.values())
    delay = (starts["audio"] - starts["video"]).total_seconds() if len(starts) == 2 else 0.0
    out = workdir / f"server-{point.pk}-{at_us}.webm"
    media.mux(converted.get("video"), converted.get("audio"), out, audio_delay_s=delay)
    info = media.probe(out)
    base = f"recordings/{recording.pk}/janus/{point.pk}-{at_us}"
    with transaction.atomic():
        track, _ = Track.objects.update_or_create(recording=recording, take=take, defaults={
            "point": point, "source": TrackSource.SERVER, "mime_type": MIME, "started_at": started, "closed_at": timezone.now(),
        })
        total = 0
        for seq, kind in enumerate(sorted(files, key=lambda k: k != "video")):  # the picture first, then the sound
            key = f"{base}/{files[kind].name}"
            store.put_file(key, files[kind])
            size = files[kind].stat().st_size
            total += size
            Slice.objects.update_or_create(track=track, seq=seq, defaults={
                "sha256": media.sha256_file(files[kind]), "size_bytes": size, "received_at": timezone.now(), "storage_key": key,
            })
        key = f"{base}/take-{point.pk}-{at_us}.webm"
        store.put_file(key, out)
        track.file.name = key
        track.file_sha256 = media.sha256_file(out)
        track.duration_s = max(0.0, info.start_s) + (info.duration_s or 0.0)
        track.last_seq, track.slices_count, track.bytes_total = len(files) - 1, len(files), total
        track.save()
    return track
