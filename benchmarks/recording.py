"""Recording: slices acknowledged under load, and the time to finish an hour of four points.

    make bench ONLY=recording
    BENCH_DB=postgresql make bench ONLY=recording
    BENCH_REC_UPLOADERS=10 BENCH_REC_SECONDS=20 BENCH_REC_FINISH_MINUTES=5 make bench ONLY=recording   # smaller

Ingest (REC-CORE's real endpoint, ``PUT /ghi-hinh/luong/<track>/doan/<seq>/``, on the product's ASGI
application served by uvicorn on loopback): BENCH_REC_UPLOADERS (50) points each upload one slice of
2 s at BENCH_REC_MBPS (2.5 Mbps), every 2 s, as a browser's MediaRecorder does, for BENCH_REC_SECONDS
(60 s). ``recording_ack_p50_ms`` / ``_p99_ms``: from the request's first byte to the server's answer
(the slice written, fsynced, hashed and recorded); reference: the same slices written and fsynced one
after another in the same run, no HTTP, no database. ``recording_slices_lost``: slices the database does
not hold with their hash at the end, each sent again up to RETRIES times after a 5xx or a dropped
connection as the room page's queue does, plus any never sent within the bound (must be 0;
``sent_again`` counts the retries, ``refused`` the slices never acknowledged).
``recording_throughput_mbps``: the bytes acknowledged over the seconds the run took (reference: what
the uploaders offered). Target: ack p99 under 250 ms with nothing lost.

Finishing (``recording_finish_s``): one recording of BENCH_REC_FINISH_POINTS (4) points of
BENCH_REC_FINISH_MINUTES (60) minutes each, as MediaRecorder-like WebM slices of 2 s (160x120, 15 fps,
VP8 and Opus, generated once with ffmpeg's lavfi testsrc/sine into the data dir and reused), carried
through ``recordings.finishing.finish_points``: each take joined and remuxed, each point's file joined
on the timeline, every file hashed (chapters, the manifest and the composed export come after and are
not timed: playback waits for none of them). Reference: ffmpeg's own ``-c copy`` remux of the same
joined slices, one point after another.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks._beside import percentile
from tiepdan.recordings.demo_media import slice_live_webm  # stdlib only: no Django set-up at import

SLICE_S = 2.0
RETRIES = 4  # a slice the server could not take is sent again up to this many times (0.25 s, 0.5 s, 1 s, 2 s later)


# --- MediaRecorder-like WebM slices ----------------------------------------------------------------


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


def slice_webm(source: Path) -> list[tuple[bytes, int]]:
    """Cut a live WebM where MediaRecorder's ``dataavailable`` would (``recordings.demo_media``)."""
    return slice_live_webm(source.read_bytes())


def make_take(folder: Path, *, seconds: float, name: str = "take", **kwargs) -> list[tuple[Path, int]]:
    """Write one take's slices as files ``<name>-<seq>.webm`` in ``folder``: (path, ms from the take's start) in order."""
    folder.mkdir(parents=True, exist_ok=True)
    whole = live_webm(folder / f"{name}-live.webm", seconds=seconds, **kwargs)
    slices = []
    for seq, (data, at_ms) in enumerate(slice_webm(whole)):
        path = folder / f"{name}-{seq:05d}.webm"
        path.write_bytes(data)
        slices.append((path, at_ms))
    whole.unlink()
    return slices


# --- Ingest: 50 uploads at once through the real endpoint ----------------------------------------------


def _uploaders(orgs: dict, n: int):
    """A live room of ``n`` component points, each with its hall's browser: join link redeemed, media device, session."""
    from benchmarks.live import _fanout_points, _room, session_store
    from tiepdan.live import services as live

    room, chair = _room(orgs, _fanout_points(orgs, n), janus=False)
    live.start_session(by=chair, room=room)
    browsers = []
    for point in room.points.filter(role="component").order_by("pk"):
        key = f"bench-rec-{room.pk}-{point.pk}-{secrets.token_hex(8)}"
        link, token = live.issue_join_link(by=chair, point=point)
        live.redeem_join_link(token=token, device_key=key)
        live.device_connected(point=point, channel_name=f"bench-{point.pk}", link_id=link.pk, device_key=key)
        session = session_store()
        session["live_links"] = {str(point.pk): link.pk}
        session.create()
        browsers.append({"point": point.pk, "device_key": key, "session": session.session_key})
    room.refresh_from_db()
    return room, browsers


class _Browser:
    """One hall's uploader: the room page's fetch calls (cookies, CSRF header), over one keep-alive connection."""

    CSRF = "benchrecordingcsrftoken000000000"  # an unmasked 32-character secret: Django accepts it as the header too

    def __init__(self, port: int, browser: dict):
        from django.conf import settings

        from tiepdan.live.consumers import DEVICE_COOKIE

        self.port = port
        self.point = browser["point"]
        self.cookie = f"{settings.SESSION_COOKIE_NAME}={browser['session']}; {DEVICE_COOKIE}={browser['device_key']}; {settings.CSRF_COOKIE_NAME}={self.CSRF}"
        self.conn = None

    def request(self, method: str, path: str, body: bytes, headers: dict | None = None) -> tuple[int, dict]:
        import http.client

        for attempt in (1, 2):  # a keep-alive connection the server closed is opened again once
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers={"Cookie": self.cookie, "X-CSRFToken": self.CSRF,
                                                                    "Content-Type": "application/octet-stream", **(headers or {})})
                response = self.conn.getresponse()
                data = response.read()
                try:
                    return response.status, json.loads(data or b"{}")
                except ValueError:  # an error page, not the API's JSON (a 500): the status says it
                    return response.status, {}
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def _reference_fsync(slices: list[bytes], folder: Path) -> list[float]:
    """The same bytes written and fsynced one after another, no HTTP, no database: what the disk itself costs."""
    took = []
    for n, data in enumerate(slices):
        began = time.perf_counter()
        fd = os.open(folder / f"{n:06d}.part", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        took.append((time.perf_counter() - began) * 1000)
    return took


def run_ingest(emit, *, orgs: dict, uploaders: int, seconds: float, mbps: float) -> dict:
    import threading

    from benchmarks.live import ServerProcess
    from tiepdan.recordings.models import Slice, Track

    room, browsers = _uploaders(orgs, uploaders)
    slice_bytes = int(mbps * 1_000_000 / 8 * SLICE_S)
    per_uploader = max(1, int(seconds / SLICE_S))
    base = os.urandom(slice_bytes)
    store_dir = Path(tempfile.mkdtemp(prefix="bench-recording-store-"))
    results: dict[int, list] = {}
    try:
        env = {"RECORDINGS_STORAGE": "local", "RECORDINGS_LOCAL_DIR": str(store_dir), "JANUS_ENABLED": "0"}
        with ServerProcess(["manage.py", "serve", "--no-worker", "--host", "127.0.0.1", "--port", "{port}"], env=env) as server:
            clients = [_Browser(server.port, b) for b in browsers]
            tracks = {}
            for client in clients:
                status, answer = client.request("POST", f"/ghi-hinh/phong/{room.pk}/luong/", json.dumps({
                    "point": client.point, "source": "own", "take": str(uuid.uuid4()), "mime_type": "video/webm;codecs=vp8,opus",
                    "client_now_ms": int(time.time() * 1000)}).encode(), {"Content-Type": "application/json"})
                if status not in (200, 201):
                    raise RuntimeError(f"opening a take was refused ({status}): {answer}")
                tracks[client.point] = answer["track"]
            start = threading.Barrier(len(clients) + 1)
            began = time.monotonic() + 1.0

            def upload(i: int, client: _Browser) -> list:
                done = []
                start.wait(timeout=60)
                first = began + i * SLICE_S / len(clients)  # the halls' recorders started at different moments
                for seq in range(per_uploader):
                    wait = first + seq * SLICE_S - time.monotonic()
                    if wait > 0:
                        time.sleep(wait)
                    if time.monotonic() > began + seconds + 30:
                        break  # bounded: a server far behind does not hold the bench for ever
                    data = seq.to_bytes(4, "big") + client.point.to_bytes(4, "big") + base[8:]
                    digest = hashlib.sha256(data).hexdigest()
                    sent = time.perf_counter()
                    # As the room page's upload queue does: a refusal the server may get over (5xx, a dropped
                    # connection) is sent again after a growing wait; the ack time runs from the first try.
                    for attempt in range(RETRIES + 1):
                        try:
                            status, answer = client.request("PUT", f"/ghi-hinh/luong/{tracks[client.point]}/doan/{seq}/", data, {
                                "X-Slice-SHA256": digest, "X-Client-Time-Ms": str(int(time.time() * 1000))})
                        except OSError as exc:
                            status, answer = 0, {"error": repr(exc)}
                        if status in (200, 201) or 400 <= status < 500:
                            break
                        time.sleep(0.25 * 2 ** attempt)
                    done.append((seq, digest, status, answer.get("stored") is True, (time.perf_counter() - sent) * 1000, len(data), attempt))
                return done

            threads = []
            for i, client in enumerate(clients):
                thread = threading.Thread(target=lambda i=i, c=client: results.__setitem__(c.point, upload(i, c)), daemon=True)
                thread.start()
                threads.append(thread)
            start.wait(timeout=60)
            wall_began = time.monotonic()
            for thread in threads:
                thread.join(timeout=seconds + 120)
            wall_s = time.monotonic() - wall_began
    finally:
        reference_dir = Path(tempfile.mkdtemp(prefix="bench-recording-fsync-"))
        sample = [n.to_bytes(4, "big") + base[4:] for n in range(min(per_uploader * uploaders, 400))]
        reference = _reference_fsync(sample, reference_dir)
        shutil.rmtree(reference_dir, ignore_errors=True)
        shutil.rmtree(store_dir, ignore_errors=True)
    sent = [r for rs in results.values() for r in rs]
    acked = [r for r in sent if r[2] in (200, 201) and r[3]]
    stored = {(t, s): h for t, s, h in Slice.objects.filter(track__in=list(tracks.values())).values_list("track_id", "seq", "sha256")}
    lost = sum(1 for point, rs in results.items() for r in rs if stored.get((tracks[point], r[0])) != r[1]) + (uploaders * per_uploader - len(sent))
    latencies = [r[4] for r in acked]
    facts = {"uploaders": uploaders, "slices": len(sent), "slice_bytes": slice_bytes, "refused": len(sent) - len(acked),
             "sent_again": sum(r[6] for r in sent)}
    emit("recording_ack_p50_ms", percentile(latencies, 0.5), percentile(reference, 0.5), **facts)
    emit("recording_ack_p99_ms", percentile(latencies, 0.99), percentile(reference, 0.99), **facts)
    emit("recording_slices_lost", lost, **facts)
    emit("recording_throughput_mbps", sum(r[5] for r in acked) * 8 / 1_000_000 / max(wall_s, 0.001), uploaders * mbps, **facts)
    Track.objects.filter(pk__in=list(tracks.values())).update(closed_at=time_now())
    return {"lost": lost, "acked": len(acked)}


def time_now():
    from django.utils import timezone

    return timezone.now()


# --- Finishing an hour of four points ---------------------------------------------------------------


def _inputs(points: int, minutes: float) -> dict[int, list[tuple[Path, int]]]:
    """Each point's take as 2 s slices, generated once into the data dir and reused (an hour is a remux of one minute)."""
    from django.conf import settings

    folder = Path(settings.DATA_DIR) / "bench-recording-inputs" / f"{points}x{minutes:g}m"
    done = folder / "done.json"
    if done.exists():
        listing = json.loads(done.read_text())
        return {int(k): [(folder / name, ms) for name, ms in v] for k, v in listing.items()}
    folder.mkdir(parents=True, exist_ok=True)
    listing = {}
    for p in range(points):
        minute = live_webm(folder / f"minute-{p}.webm", seconds=min(60.0, minutes * 60), tone_hz=330 + 110 * p, video_kbps=60)
        whole = live_webm(folder / f"whole-{p}.webm", seconds=minutes * 60, loop_from=minute) if minutes > 1 else minute
        entries = []
        for seq, (data, at_ms) in enumerate(slice_webm(whole)):
            name = f"p{p}-{seq:05d}.webm"
            (folder / name).write_bytes(data)
            entries.append((name, at_ms))
        whole.unlink(missing_ok=True)
        minute.unlink(missing_ok=True)
        listing[p] = entries
    done.write_text(json.dumps(listing))
    return {int(k): [(folder / name, ms) for name, ms in v] for k, v in listing.items()}


def run_finish(emit, *, orgs: dict, points: int, minutes: float) -> float:
    import datetime as dt

    from django.conf import settings
    from django.utils import timezone

    from benchmarks.live import _communes, _room
    from tiepdan.recordings import finishing, media
    from tiepdan.recordings.models import Recording, Slice, Track
    from tiepdan.recordings.storage import get_store

    inputs = _inputs(points, minutes)
    store_dir = Path(tempfile.mkdtemp(prefix="bench-recording-finish-"))
    previous = (settings.RECORDINGS_STORAGE, settings.RECORDINGS_LOCAL_DIR)
    settings.RECORDINGS_STORAGE, settings.RECORDINGS_LOCAL_DIR = "local", store_dir
    try:
        room, _ = _room(orgs, _communes(orgs, points - 1), janus=False)
        started = timezone.now() - dt.timedelta(minutes=minutes + 5)
        recording = Recording.objects.create(room=room, state="finishing", started_at=started, ended_at=started + dt.timedelta(minutes=minutes),
                                             retention_until=timezone.localdate() + dt.timedelta(days=3650))
        store = get_store()
        for point, (p, slices) in zip(room.points.order_by("pk"), sorted(inputs.items())):
            track = Track.objects.create(recording=recording, point=point, source="own", take=uuid.uuid4(), mime_type="video/webm;codecs=vp8,opus",
                                         started_at=started, last_seq=len(slices) - 1, closed_at=started + dt.timedelta(minutes=minutes))
            rows, total = [], 0
            for seq, (path, ms) in enumerate(slices):
                key = f"recordings/{recording.pk}/tracks/{track.pk}/{seq:06d}.webm"
                store.put_file(key, path)
                size = path.stat().st_size
                total += size
                rows.append(Slice(track=track, seq=seq, sha256=media.sha256_file(path), size_bytes=size, received_at=started,
                                  client_time_ms=1_700_000_000_000 + ms, storage_key=key))
            Slice.objects.bulk_create(rows, batch_size=500)
            Track.objects.filter(pk=track.pk).update(slices_count=len(rows), bytes_total=total)
        work = store_dir / "work"
        work.mkdir()
        began = time.perf_counter()
        problems: list[str] = []
        results = finishing.finish_points(recording, workdir=work, problems=problems)
        finish_s = time.perf_counter() - began
        if len(results) != points or problems:
            raise RuntimeError(f"finishing made {len(results)} of {points} point files: {problems}")
        # Reference: ffmpeg's own remux of the same joined slices, one point after another.
        began = time.perf_counter()
        for p, slices in sorted(inputs.items()):
            joined = work / f"ref-{p}.webm"
            media.join_bytes([path for path, _ in slices], joined)
            subprocess.run(["ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-i", str(joined), "-c", "copy", str(work / f"ref-{p}-out.webm")],
                           check=True, timeout=1800)
        reference_s = time.perf_counter() - began
        hours = sum(r.duration_s for r in results.values()) / 3600
        emit("recording_finish_s", finish_s, reference_s, points=points, minutes=minutes, media_hours=round(hours, 3),
             slices=sum(len(v) for v in inputs.values()))
        return finish_s
    finally:
        settings.RECORDINGS_STORAGE, settings.RECORDINGS_LOCAL_DIR = previous
        shutil.rmtree(store_dir, ignore_errors=True)


def run(emit, *, migrate: bool = True) -> None:
    from benchmarks.live import prepare

    orgs = prepare(migrate=migrate)
    parts = os.environ.get("BENCH_REC_PARTS", "ingest,finish").split(",")
    if "ingest" in parts:
        run_ingest(emit, orgs=orgs, uploaders=int(os.environ.get("BENCH_REC_UPLOADERS", "50")),
                   seconds=float(os.environ.get("BENCH_REC_SECONDS", "60")), mbps=float(os.environ.get("BENCH_REC_MBPS", "2.5")))
    if "finish" in parts:
        run_finish(emit, orgs=orgs, points=int(os.environ.get("BENCH_REC_FINISH_POINTS", "4")),
                   minutes=float(os.environ.get("BENCH_REC_FINISH_MINUTES", "60")))
