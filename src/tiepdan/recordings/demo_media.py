"""Small test pictures and sounds made with ffmpeg's own generators (testsrc2, sine): nothing downloaded,
and their cutting into slices as MediaRecorder hands them in.

The demo's past session, the tests and the recording benchmark record points with them, so a newcomer and
a test see real files. ffmpeg writes a live WebM (no duration, no cues) with a cluster every 2 s; the cut
falls where the browser's ``dataavailable`` would: slice 0 the header and first cluster, then one cluster
each. Finding the clusters walks the top-level EBML elements by their sizes (a few lines; no maintained
Python package reads a live, unknown-size Segment).
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def make_point_media(out: Path, *, seconds: float, tone_hz: int, size: str = "192x108", fps: int = 15) -> Path:
    """A VP8/Opus WebM of ``seconds``: a moving test picture and a tone (each point its own pitch), a keyframe a second."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RuntimeError("ffmpeg không có trên máy: cài gói ffmpeg để tạo dữ liệu trình diễn ghi hình.")
    subprocess.run([
        ffmpeg, "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
        "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={fps}:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency={tone_hz}:sample_rate=48000:duration={seconds}",
        "-c:v", "libvpx", "-b:v", "150k", "-g", str(fps), "-deadline", "realtime", "-cpu-used", "8",
        "-c:a", "libopus", "-b:a", "32k", "-shortest", "-f", "webm", str(out),
    ], check=True, capture_output=True, timeout=120)
    return out


CLUSTER_ID = bytes.fromhex("1F43B675")
SEGMENT_ID = bytes.fromhex("18538067")


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


def slice_live_webm(data: bytes) -> list[tuple[bytes, int]]:
    """A live WebM cut as MediaRecorder's slices: [(bytes, ms from the take's start)]."""
    cuts = cluster_offsets(data)[1:] + [len(data)]
    slices, start = [], 0
    for cut in cuts:
        part = data[start:cut]
        slices.append((part, cluster_time_ms(part)))
        start = cut
    return slices
