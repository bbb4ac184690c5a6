"""ffmpeg, ffprobe and janus-pp-rec, wrapped: the only module that starts them.

Every call has a time limit and raises ``MediaError`` with ffmpeg's own last lines, so finishing can say
in ``Recording.problems`` what failed instead of hanging. Nothing here re-encodes except ``compose``
(the export file) and ``thumbnail`` (one JPEG): a per-point file is the browser's own bytes, remuxed
(docs/MEDIA.md, «Recording»).
"""
from __future__ import annotations

import hashlib
import json
import math
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

FFMPEG = "ffmpeg"
FFPROBE = "ffprobe"
JANUS_PP_REC = "janus-pp-rec"
TIMEOUT_S = 3600
CHUNK = 1 << 20
# EBML IDs that matter to a player: Cues (seeking), Duration (the length shown).
CUES_ID = bytes.fromhex("1C53BB6B")


class MediaError(RuntimeError):
    """A media tool failed or is missing; the message is Vietnamese, the tool's last lines follow."""


def _run(args: list[str], *, timeout_s: float = TIMEOUT_S) -> subprocess.CompletedProcess:
    if shutil.which(args[0]) is None:
        raise MediaError(f"Không tìm thấy chương trình {args[0]} trên máy chủ: cài gói ffmpeg / janus-tools.")
    try:
        done = subprocess.run(args, capture_output=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired as exc:
        raise MediaError(f"{args[0]} chạy quá {timeout_s:.0f} giây và đã bị dừng.") from exc
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        raise MediaError(f"{args[0]} lỗi (mã {done.returncode}): " + " | ".join(tail))
    return done


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class Probe:
    """What ffprobe says of a file: its length, its start, and its streams."""

    duration_s: float | None
    start_s: float
    video: dict | None
    audio: dict | None
    format_name: str
    has_cues: bool = False
    streams: list = field(default_factory=list)

    @property
    def width(self) -> int | None:
        return int(self.video["width"]) if self.video else None

    @property
    def height(self) -> int | None:
        return int(self.video["height"]) if self.video else None


def probe(path: Path, *, timeout_s: float = 120) -> Probe:
    done = _run([FFPROBE, "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)], timeout_s=timeout_s)
    data = json.loads(done.stdout or b"{}")
    fmt = data.get("format", {})
    streams = data.get("streams", [])
    duration = fmt.get("duration")
    return Probe(
        duration_s=float(duration) if duration not in (None, "N/A") else None,
        start_s=float(fmt.get("start_time") or 0.0),
        video=next((s for s in streams if s.get("codec_type") == "video"), None),
        audio=next((s for s in streams if s.get("codec_type") == "audio"), None),
        format_name=fmt.get("format_name", ""),
        has_cues=_has_cues(path),
        streams=streams,
    )


def _has_cues(path: Path) -> bool:
    """A Matroska/WebM file a player can seek in has a Cues element (ffmpeg writes it near the start or the end)."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(min(size, 4 * CHUNK))
            if CUES_ID in head:
                return True
            f.seek(max(0, size - 4 * CHUNK))
            return CUES_ID in f.read()
    except OSError:
        return False


def join_bytes(parts: list[Path], out: Path) -> int:
    """Concatenate a take's slices as the browser cut them (slice 0 holds the WebM header): the bytes joined."""
    total = 0
    with open(out, "wb") as w:
        for part in parts:
            with open(part, "rb") as r:
                while chunk := r.read(CHUNK):
                    w.write(chunk)
                    total += len(chunk)
    return total


WEBM_CODECS = {"vp8", "vp9", "av1", "opus", "vorbis"}


def container_of(out: Path) -> str:
    """The muxer a file's name asks for: ``.mkv`` Matroska (any codec), anything else WebM."""
    return "matroska" if out.suffix == ".mkv" else "webm"


def extension_for(info: Probe) -> str:
    """WebM when every stream's codec is one WebM carries (Chromium, Firefox), else Matroska (Safari's H.264/AAC),
    so that a take is remuxed as it is, never re-encoded."""
    codecs = {s.get("codec_name") for s in info.streams}
    return ".webm" if codecs and codecs <= WEBM_CODECS else ".mkv"


def remux(source: Path, out: Path, *, timeout_s: float = TIMEOUT_S) -> None:
    """Rewrite the container without re-encoding, so that it has its true duration and cues (seekable)."""
    _run([FFMPEG, "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-fflags", "+genpts+discardcorrupt", "-i", str(source),
          "-map", "0", "-c", "copy", "-fflags", "+bitexact", "-f", container_of(out), str(out)], timeout_s=timeout_s)


@dataclass(frozen=True)
class Piece:
    """One stretch of a per-point file: ``path`` from its time ``inpoint_s`` to ``outpoint_s`` (None: to its end),
    placed at ``at_s`` on the per-point file's timeline."""

    path: Path
    at_s: float
    inpoint_s: float | None = None
    outpoint_s: float | None = None


def _q(path: Path) -> str:
    return "'" + str(path).replace("'", "'\\''") + "'"


def concat_list(pieces: list[Piece]) -> str:
    """An ffconcat list that puts each piece at its own time: the ``duration`` of a piece runs to the next
    piece's start, so a stretch nobody recorded stays empty on the timeline (a gap, never closed up)."""
    lines = ["ffconcat version 1.0"]
    for i, piece in enumerate(pieces):
        lines.append(f"file {_q(piece.path)}")
        if piece.inpoint_s is not None:
            lines.append(f"inpoint {piece.inpoint_s:.3f}")
        if piece.outpoint_s is not None:
            lines.append(f"outpoint {piece.outpoint_s:.3f}")
        if i + 1 < len(pieces):
            lines.append(f"duration {max(0.001, pieces[i + 1].at_s - piece.at_s):.3f}")
    return "\n".join(lines) + "\n"


def join_pieces(pieces: list[Piece], out: Path, *, timeout_s: float = TIMEOUT_S) -> None:
    """The per-point file from its pieces, in order and at their times, without re-encoding."""
    if not pieces:
        raise MediaError("Không có đoạn ghi nào để ghép.")
    if len(pieces) == 1 and pieces[0].inpoint_s is None and pieces[0].outpoint_s is None:
        remux(pieces[0].path, out, timeout_s=timeout_s)
        return
    listing = out.with_suffix(".ffconcat")
    listing.write_text(concat_list(pieces), encoding="utf-8")
    try:
        _run([FFMPEG, "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-f", "concat", "-safe", "0", "-i", str(listing),
              "-map", "0", "-c", "copy", "-fflags", "+genpts+bitexact", "-f", container_of(out), str(out)], timeout_s=timeout_s)
    finally:
        listing.unlink(missing_ok=True)


def thumbnail(source: Path, at_s: float, out: Path, *, width: int = 320, timeout_s: float = 120) -> None:
    """One JPEG of the picture at ``at_s`` seconds into ``source`` (a chapter's first look)."""
    _run([FFMPEG, "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-ss", f"{max(0.0, at_s):.3f}", "-i", str(source),
          "-frames:v", "1", "-vf", f"scale={width}:-2", "-q:v", "4", "-f", "image2", str(out)], timeout_s=timeout_s)
    if not out.exists() or out.stat().st_size == 0:
        raise MediaError(f"Không lấy được ảnh tại giây {at_s:.1f}.")


def grid(n: int) -> tuple[int, int]:
    """Columns and rows for ``n`` pictures side by side: as square as possible, wider than tall."""
    cols = max(1, math.ceil(math.sqrt(n)))
    return cols, max(1, math.ceil(n / cols))


@dataclass(frozen=True)
class Tile:
    """One point in the composed file: its per-point file, where it starts on the recording's timeline, its name."""

    path: Path
    offset_s: float
    has_video: bool
    has_audio: bool


def compose_args(tiles: list[Tile], out: Path, *, total_s: float, tile_w: int = 640, tile_h: int = 360, fps: int = 15,
                 preset: str = "veryfast") -> list[str]:
    """The ffmpeg command of the export file: every point's picture side by side (xstack), their sound mixed
    (amix), each placed at its offset. Pure, so a test reads the layout without running it."""
    cols, rows = grid(len(tiles))
    args = [FFMPEG, "-hide_banner", "-nostdin", "-y", "-loglevel", "error"]
    for tile in tiles:
        args += ["-i", str(tile.path)]
    graph, video_labels, audio_labels = [], [], []
    for i, tile in enumerate(tiles):
        delay = max(0.0, tile.offset_s)
        if tile.has_video:
            graph.append(
                f"[{i}:v]setpts=PTS-STARTPTS,scale={tile_w}:{tile_h}:force_original_aspect_ratio=decrease,"
                f"pad={tile_w}:{tile_h}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps={fps},"
                f"tpad=start_duration={delay:.3f}:stop_mode=add:stop_duration={total_s:.3f}:color=black[v{i}]"
            )
        else:
            graph.append(f"color=c=black:s={tile_w}x{tile_h}:r={fps}:d={total_s:.3f}[v{i}]")
        video_labels.append(f"[v{i}]")
        if tile.has_audio:
            graph.append(f"[{i}:a]asetpts=PTS-STARTPTS,aresample=48000:async=1,adelay={int(delay * 1000)}:all=1[a{i}]")
            audio_labels.append(f"[a{i}]")
    if len(tiles) == 1:
        graph.append(f"{video_labels[0]}null[v]")
    else:
        layout = "|".join(f"{(i % cols) * tile_w}_{(i // cols) * tile_h}" for i in range(len(tiles)))
        graph.append(f"{''.join(video_labels)}xstack=inputs={len(tiles)}:layout={layout}:fill=black[vs]")
        graph.append(f"[vs]pad={cols * tile_w}:{rows * tile_h}:0:0:color=black[v]")
    maps = ["-map", "[v]"]
    if audio_labels:
        if len(audio_labels) == 1:
            graph.append(f"{audio_labels[0]}anull[a]")
        else:
            graph.append(f"{''.join(audio_labels)}amix=inputs={len(audio_labels)}:duration=longest:normalize=0[a]")
        maps += ["-map", "[a]"]
    args += ["-filter_complex", ";".join(graph), *maps, "-t", f"{total_s:.3f}",
             "-c:v", "libx264", "-preset", preset, "-crf", "28", "-pix_fmt", "yuv420p"]
    if audio_labels:
        args += ["-c:a", "aac", "-b:a", "96k"]
    args += ["-movflags", "+faststart", "-f", "mp4", str(out)]
    return args


def compose(tiles: list[Tile], out: Path, *, total_s: float, timeout_s: float = 4 * TIMEOUT_S, **kwargs) -> None:
    """The export file (re-encoded, MP4: plays anywhere); made after the per-point files, never before."""
    if not tiles:
        raise MediaError("Không có tệp của điểm cầu nào để ghép thành tệp tổng hợp.")
    _run(compose_args(tiles, out, total_s=total_s, **kwargs), timeout_s=timeout_s)


# --- Janus (server-side recording) -------------------------------------------------------------------


def mjr_header(path: Path, *, timeout_s: float = 60) -> dict:
    """The JSON header Janus writes at the head of a .mjr file: codec (``c``), kind (``t``: a/v), created
    (``s``, µs since the epoch) and first packet written (``u``, µs)."""
    done = _run([JANUS_PP_REC, "-j", "-o", str(path)], timeout_s=timeout_s)
    text = done.stdout.decode("utf-8", "replace")
    start = text.find("{")
    return json.loads(text[start:text.rfind("}") + 1]) if start >= 0 else {}


def mjr_to_media(path: Path, out: Path, *, timeout_s: float = TIMEOUT_S) -> None:
    """A .mjr (RTP packets as Janus received them) to a playable file (.webm for VP8, .opus for Opus), no re-encoding."""
    _run([JANUS_PP_REC, "-o", str(path), str(out)], timeout_s=timeout_s)
    if not out.exists() or out.stat().st_size == 0:
        raise MediaError(f"janus-pp-rec không tạo được {out.name} từ {path.name}.")


def mux(video: Path | None, audio: Path | None, out: Path, *, audio_delay_s: float = 0.0, timeout_s: float = TIMEOUT_S) -> None:
    """One WebM of a publisher's picture and sound (each as Janus recorded it), the sound placed ``audio_delay_s``
    after the picture (negative: before) so that both keep the server's clock, without re-encoding."""
    if video is None and audio is None:
        raise MediaError("Không có luồng hình hay tiếng nào để ghép.")
    args = [FFMPEG, "-hide_banner", "-nostdin", "-y", "-loglevel", "error"]
    video_offset = max(0.0, -audio_delay_s)
    audio_offset = max(0.0, audio_delay_s)
    if video is not None:
        args += ["-itsoffset", f"{video_offset:.3f}", "-i", str(video)]
    if audio is not None:
        args += ["-itsoffset", f"{audio_offset:.3f}", "-i", str(audio)]
    for i in range(int(video is not None) + int(audio is not None)):
        args += ["-map", f"{i}"]
    args += ["-c", "copy", "-f", "webm", str(out)]
    _run(args, timeout_s=timeout_s)
