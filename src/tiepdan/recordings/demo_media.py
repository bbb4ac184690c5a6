"""Small test pictures and sounds made with ffmpeg's own generators (testsrc2, sine): nothing downloaded.

The demo's past session and the tests record points with them, so a newcomer and a test see real files.
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
