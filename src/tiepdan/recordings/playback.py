"""Playing a recording: what the player is given, the clips cut for a viewer who may see only part, the audit.

Reading a recording is reading sensitive data (citizens, their complaints): every opening of the player, every
file stream started and every download is written to the audit log (``core.audit.record``), inside its own
transaction. A viewer who may play the whole recording gets each point's file; anyone else gets, for each
window they may play (``access.windows``), a clip of each point's file cut to that window (ffmpeg, ``-c copy``,
cached in the store): the bytes of another matter or of a restricted stretch are never sent to them.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tiepdan.core import audit

from . import access
from .access import Window
from .models import PointFile, Recording
from .storage import get_store

CLIP_TIMEOUT_S = 300


class PlaybackError(Exception):
    """A clip that could not be made; the message is Vietnamese."""


@dataclass(frozen=True)
class Source:
    """One point's picture for one window: where to fetch it and where its time 0 lies on the recording's timeline."""

    point_file: PointFile
    url: str
    offset_s: float

    def as_json(self) -> dict:
        pf = self.point_file
        return {"point": pf.point_id, "name": pf.point.name, "central": pf.point.role == "central", "url": self.url,
                "offset_s": round(self.offset_s, 3), "has_audio": pf.has_audio, "has_video": pf.has_video}


def segments(user, recording: Recording) -> list[dict]:
    """The windows ``user`` may play, each with every point's source: what the player's data attribute carries."""
    files = access.point_files(recording)
    allowed = access.windows(user, recording)
    whole = access.plays_everything(user, recording)
    out = []
    for window in allowed:
        sources = []
        for pf in files:
            reach_end = pf.offset_s + (pf.duration_s or 0)
            if reach_end <= window.start_s or pf.offset_s >= window.end_s:
                continue  # the point was not recorded during this window
            if whole:
                url, offset = reverse("recordings_point_file", args=[recording.pk, pf.pk]), pf.offset_s
            else:
                url = reverse("recordings_clip", args=[recording.pk, pf.pk, window.key])
                offset = max(window.start_s, pf.offset_s)
            sources.append(Source(pf, url, offset).as_json())
        out.append({"start_s": round(window.start_s, 3), "end_s": round(window.end_s, 3), "sources": sources})
    return out


def window_from_key(user, recording: Recording, key: str) -> Window | None:
    """The window a clip's address names, if it is exactly one ``user`` may play (anything else is refused)."""
    for window in access.windows(user, recording):
        if window.key == key:
            return window
    return None


def _clip_key(pf: PointFile, window: Window) -> str:
    return f"recordings/{pf.recording_id}/clips/{pf.pk}-{window.key}.webm"


def clip_for(pf: PointFile, window: Window) -> str:
    """The store key of ``pf`` cut to ``window`` (made once, then reused). Output seeking with ``-c copy`` keeps
    only the packets inside the window: nothing before its start or after its end is in the clip."""
    key = _clip_key(pf, window)
    store = get_store()
    if store.exists(key):
        return key
    start = max(window.start_s - pf.offset_s, 0.0)
    end = max(window.end_s - pf.offset_s, start)
    source = store.local_path(pf.file.name)
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise PlaybackError("Máy chủ không có ffmpeg để cắt đoạn ghi hình bạn được xem.")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "clip.webm"
        done = subprocess.run([ffmpeg, "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-i", str(source),
                               "-ss", f"{start:.3f}", "-to", f"{end:.3f}", "-map", "0", "-c", "copy", "-f", "webm", str(out)],
                              capture_output=True, timeout=CLIP_TIMEOUT_S, check=False)
        if done.returncode != 0 or not out.exists() or out.stat().st_size == 0:
            raise PlaybackError("Không cắt được đoạn ghi hình của vụ việc. Vui lòng báo kỹ thuật viên.")
        store.put_file(key, out)
    return key


# --- The audit of every reading ---------------------------------------------------------------------------
@transaction.atomic
def record_viewing(*, by, recording: Recording, chapter=None, whole: bool) -> None:
    """The player was opened (on ``chapter``, if the viewer came from a matter)."""
    audit.record(actor=by, action="recordings.view", obj=recording,
                 changes={"chapter": chapter.pk if chapter else None, "whole": whole, "windows": len(access.windows(by, recording))})


@transaction.atomic
def record_stream(*, by, point_file: PointFile, window: Window | None) -> None:
    """A point's file (or its clip for ``window``) started playing: once per start, not per seek (the player's
    later range requests continue the same viewing)."""
    audit.record(actor=by, action="recordings.stream", obj=point_file.recording,
                 changes={"point_file": point_file.pk, "point": point_file.point_id, "window": window.key if window else "all"})


def download_name(recording: Recording, user, at) -> str:
    """The downloaded file says who took it and when (the notice shown before the download says so too)."""
    local = timezone.localtime(at)
    session = recording.room.session
    return f"ghi-hinh-phien-{session.date:%Y%m%d}-tai-boi-{user.get_username()}-{local:%Y%m%d-%H%M}.mp4"


@transaction.atomic
def record_download(*, by, recording: Recording, at) -> str:
    """A download of the export; returns the file name (who and when)."""
    name = download_name(recording, by, at)
    audit.record(actor=by, action="recordings.download", obj=recording, changes={"file": name, "sha256_manifest": recording.manifest_sha256})
    return name
