"""Recording: slices acknowledged under load, and the time to finish an hour of four points.

    make bench ONLY=recording
    BENCH_DB=postgresql make bench ONLY=recording
    BENCH_REC_UPLOADERS=10 BENCH_REC_SECONDS=20 BENCH_REC_FINISH_MINUTES=5 make bench ONLY=recording   # smaller

Ingest (REC-CORE's real endpoint, ``PUT /ghi-hinh/luong/<track>/doan/<seq>/``, on the product's ASGI
application served by uvicorn on loopback): BENCH_REC_UPLOADERS (50) points each upload one slice of
2 s at BENCH_REC_MBPS (2.5 Mbps), every 2 s, as a browser's MediaRecorder does, for BENCH_REC_SECONDS
(60 s). ``recording_ack_p50_ms`` / ``_p99_ms``: from the request's first byte to the server's answer
(the slice written, fsynced, hashed and recorded); reference: the same slices written and fsynced one
after another in the same run, no HTTP, no database. ``recording_slices_lost``: slices sent whose
answer was not «stored» or that the database does not hold with their hash afterwards (must be 0).
``recording_throughput_mbps``: the bytes acknowledged over the seconds the run took. Target: ack p99
under 250 ms with nothing lost.

Finishing (``recording_finish_s``): one recording of BENCH_REC_FINISH_POINTS (4) points of
BENCH_REC_FINISH_MINUTES (60) minutes each, as MediaRecorder-like WebM slices of 2 s (160x120, 15 fps,
VP8 and Opus, generated once with ffmpeg's lavfi testsrc/sine into var/bench and reused), carried
through ``recordings.finishing.finish_points`` (join, remux, thumbnails, hashes; the composed export is
made afterwards and is not timed: playback never waits for it). Reference: ffmpeg's own ``-c copy``
remux of the same joined files, one after another.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

SLICE_S = 2.0
EBML_ID = bytes.fromhex("1A45DFA3")
SEGMENT_ID = bytes.fromhex("18538067")
CLUSTER_ID = bytes.fromhex("1F43B675")


# --- MediaRecorder-like WebM slices ----------------------------------------------------------------


def _vint(data: bytes, pos: int, *, strip: bool) -> tuple[int, int]:
    """An EBML variable-length integer at ``pos``: (value, its length). ``strip`` drops the length marker (sizes)."""
    first = data[pos]
    length = 1
    while length <= 8 and not first & (0x80 >> (length - 1)):
        length += 1
    value = first & ((0xFF >> length) if strip else 0xFF)
    for b in data[pos + 1:pos + length]:
        value = (value << 8) | b
    return value, length


def cluster_offsets(data: bytes) -> list[int]:
    """Where each Cluster of a live WebM starts (a Segment of unknown size, its children walked by size)."""
    _, id_len = _vint(data, 0, strip=False)
    size, size_len = _vint(data, id_len, strip=True)
    pos = id_len + size_len + size  # past the EBML header
    if data[pos:pos + 4] != SEGMENT_ID:
        raise ValueError("not a WebM stream: no Segment after the EBML header")
    _, size_len = _vint(data, pos + 4, strip=True)
    pos += 4 + size_len
    offsets = []
    while pos < len(data):
        _, id_len = _vint(data, pos, strip=False)
        size, size_len = _vint(data, pos + id_len, strip=True)
        if data[pos:pos + 4] == CLUSTER_ID:
            offsets.append(pos)
        pos += id_len + size_len + size
    return offsets


def live_webm(out: Path, *, seconds: float, size: str = "160x120", fps: int = 15, video_kbps: int = 100, tone_hz: int = 440,
              loop_from: Path | None = None) -> Path:
    """A WebM written as a live stream (to a pipe: no duration, no cues, like MediaRecorder's), picture and sound.

    With ``loop_from``, that (shorter) live file is repeated without re-encoding up to ``seconds``: an hour
    costs a remux, not an hour of encoding."""
    if loop_from is not None:
        args = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-stream_loop", "-1", "-i", str(loop_from), "-t", f"{seconds}",
                "-c", "copy"]
    else:
        args = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
                "-f", "lavfi", "-i", f"testsrc=size={size}:rate={fps}", "-f", "lavfi", "-i", f"sine=frequency={tone_hz}:sample_rate=48000",
                "-t", f"{seconds}", "-c:v", "libvpx", "-b:v", f"{video_kbps}k", "-deadline", "realtime", "-cpu-used", "8",
                "-g", str(int(fps * SLICE_S)), "-c:a", "libopus", "-b:a", "24k"]
    args += ["-f", "webm", "-cluster_time_limit", str(int(SLICE_S * 1000)), "-live", "1", "pipe:1"]
    with open(out, "wb") as f:
        subprocess.run(args, stdout=f, check=True, timeout=600)
    return out


def slice_webm(source: Path) -> list[bytes]:
    """Cut a live WebM where MediaRecorder's ``dataavailable`` would: slice 0 is the header and the first cluster,
    then a cluster (about 2 s) per slice."""
    data = source.read_bytes()
    cuts = cluster_offsets(data)[1:] + [len(data)]
    slices, start = [], 0
    for cut in cuts:
        slices.append(data[start:cut])
        start = cut
    return slices


def cluster_time_ms(data: bytes) -> int:
    """The timecode (ms) of the Cluster a slice starts with (its first child, Timecode 0xE7); 0 for slice 0."""
    if data[:4] != CLUSTER_ID:
        return 0
    _, size_len = _vint(data, 4, strip=True)
    pos = 4 + size_len
    if data[pos] != 0xE7:
        return 0
    size, length = _vint(data, pos + 1, strip=True)
    return int.from_bytes(data[pos + 1 + length:pos + 1 + length + size], "big")


def make_take(folder: Path, *, seconds: float, name: str = "take", **kwargs) -> list[tuple[Path, int]]:
    """Write one take's slices as files ``<name>-<seq>.webm`` in ``folder``: (path, ms from the take's start) in order."""
    folder.mkdir(parents=True, exist_ok=True)
    whole = live_webm(folder / f"{name}-live.webm", seconds=seconds, **kwargs)
    slices = []
    for seq, data in enumerate(slice_webm(whole)):
        path = folder / f"{name}-{seq:05d}.webm"
        path.write_bytes(data)
        slices.append((path, cluster_time_ms(data)))
    whole.unlink()
    return slices


def run(emit) -> None:  # filled in below once the ingest endpoint exists
    raise NotImplementedError


if __name__ == "__main__":  # pragma: no cover
    folder = Path(tempfile.mkdtemp())
    print(len(make_take(folder, seconds=10)))
    shutil.rmtree(folder)
    os._exit(0)
