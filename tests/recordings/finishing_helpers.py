"""A closed room's recording made of real MediaRecorder-like WebM slices (ffmpeg lavfi), for the finishing tests.

Timeline (seconds after the recording started; 12 s in all):
- the central point: one own take, 0 to 12;
- commune 1: one own take, 0 to 12, whose slice 3 (about 6 to 8) never arrived and no copy covers: a gap;
- commune 2: own take A, 0 to 6, own take B, 8 to 12 (its page reloaded), and the central browser's copy
  (relay), 0 to 12, which fills 6 to 8;
- matter 1 from 2 to 6, matter 2 from 7 to 11.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from benchmarks.recording import make_take

LENGTH_S = 12.0


def make_media(folder: Path) -> dict[str, list[tuple[Path, int]]]:
    """The takes' slices, generated once per test module: name → [(path, ms from the take's start)]."""
    return {
        "central": make_take(folder, seconds=12, name="central", tone_hz=440),
        "c1": make_take(folder, seconds=12, name="c1", tone_hz=550),
        "c2a": make_take(folder, seconds=6, name="c2a", tone_hz=660),
        "c2b": make_take(folder, seconds=4, name="c2b", tone_hz=660),
        "c2relay": make_take(folder, seconds=12, name="c2relay", tone_hz=770, size="128x96"),
    }


@dataclass
class Built:
    recording: object
    room: object
    points: dict
    items: list
    tracks: dict


def _matter(board, commune, n):
    from tiepdan.intake import services as intake
    from tiepdan.intake.services import CitizenData, MatterData

    citizen = CitizenData(full_name=f"Công dân Hoàn thiện {n}", id_number=f"030071{n:06d}", date_of_birth=dt.date(1971, 2, n),
                          commune=commune.unit, address=f"Xóm {n}")
    return intake.register_at_board(by=board, citizen=citizen, matter=MatterData(kind="complaint", summary=f"Khiếu nại số {n}", wants_online=True))


def add_take(recording, point, source: str, slices: list[tuple[Path, int]], *, at_s: float, drop: tuple = ()) -> object:
    """A closed take of ``point`` starting ``at_s`` after the recording, its slices stored (less the ``drop``ped seqs)."""
    from tiepdan.recordings import rules
    from tiepdan.recordings.models import Slice, Track
    from tiepdan.recordings.storage import get_store

    store = get_store()
    started = recording.started_at + dt.timedelta(seconds=at_s)
    client_start_ms = 1_700_000_000_000 + int(at_s * 1000)
    track = Track.objects.create(recording=recording, point=point, source=source, take=uuid.uuid4(), mime_type="video/webm;codecs=vp8,opus",
                                 started_at=started, last_seq=len(slices) - 1, closed_at=started + dt.timedelta(seconds=12))
    total = 0
    for seq, (path, ms) in enumerate(slices):
        if seq in drop:
            continue
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        key = f"recordings/{recording.pk}/tracks/{track.pk}/{seq:06d}-{sha[:16]}.webm"
        store.put_atomic(key, data)
        Slice.objects.create(track=track, seq=seq, sha256=sha, size_bytes=len(data), received_at=started + dt.timedelta(milliseconds=ms + 2000),
                             client_time_ms=client_start_ms + ms, storage_key=key)
        total += len(data)
    track.slices_count = len(slices) - len(drop)
    track.bytes_total = total
    track.gaps = rules.missing_ranges([s for s in range(len(slices)) if s not in drop], len(slices) - 1)
    track.save()
    return track


def build(demo, official, media: dict) -> Built:
    """The room (central point and two communes), closed, with its events and takes; the recording «Đang hoàn thiện»."""
    from tests.live.sfu_helpers import room_with_points
    from tiepdan.live.models import EventKind, PointRole, RoomEvent
    from tiepdan.organisations.models import User
    from tiepdan.recordings.models import Recording, RecordingState
    from tiepdan.scheduling.models import AgendaItem

    room, chair = room_with_points(demo, components=2)
    board = User.objects.get(username="bantcd")
    central = room.points.get(role=PointRole.CENTRAL)
    c1, c2 = list(room.points.filter(role=PointRole.COMPONENT).order_by("pk"))
    items = [AgendaItem.objects.create(session=room.session, matter=_matter(board, point.organisation, n), position=n)
             for n, point in ((1, c1), (2, c2))]
    started = timezone.now() - dt.timedelta(minutes=10)
    ended = started + dt.timedelta(seconds=LENGTH_S)
    room.started_at, room.closed_at, room.state = started, ended, "closed"
    room.save(update_fields=["started_at", "closed_at", "state"])
    for at_s, kind, item in ((2, EventKind.MATTER_STARTED, items[0]), (6, EventKind.MATTER_CLOSED, items[0]),
                             (7, EventKind.MATTER_STARTED, items[1]), (11, EventKind.MATTER_CLOSED, items[1])):
        RoomEvent.objects.create(room=room, at=started + dt.timedelta(seconds=at_s), kind=kind, agenda_item=item)
    recording = Recording.objects.create(room=room, state=RecordingState.FINISHING, started_at=started, ended_at=ended,
                                         retention_until=timezone.localdate() + dt.timedelta(days=3650))
    tracks = {
        "central": add_take(recording, central, "own", media["central"], at_s=0),
        "c1": add_take(recording, c1, "own", media["c1"], at_s=0, drop=(3,)),
        "c2a": add_take(recording, c2, "own", media["c2a"], at_s=0),
        "c2b": add_take(recording, c2, "own", media["c2b"], at_s=8),
        "c2relay": add_take(recording, c2, "relay", media["c2relay"], at_s=0),
    }
    return Built(recording, room, {"central": central, "c1": c1, "c2": c2}, items, tracks)
