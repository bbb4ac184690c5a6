"""The server's side of a readiness test: an aiortc peer the point's browser connects to.

Embedded mode, no media server: the browser POSTs an SDP offer, this module answers
with a peer that gathers host candidates only (no STUN/TURN servers) and serves a
data channel "probe" with a tiny protocol:

- ``{"t": "ping", "id": n}`` → ``{"t": "pong", "id": n}`` (round-trip time);
- ``{"t": "up-begin"}``, binary chunks, ``{"t": "up-end"}`` → ``{"t": "up-result", ...}``:
  the uplink, measured here from the bytes that arrived and the time they took;
- ``{"t": "down-begin"}`` → binary chunks, then ``{"t": "down-end", "bytes": n}``: the browser
  measures the downlink.

Every burst is bounded in bytes and seconds (``limits_for``), and a peer lives at most
``PROBE_TTL_S``. The figures the server measured are kept in the cache under the probe id,
so the result may be posted to any worker; the browser's own figures only fill in what the
server cannot see (downlink, camera, microphone, WebRTC statistics).
"""
from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from dataclasses import asdict, dataclass

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)

PROBE_TTL_S = 60
CHUNK_BYTES = 16 * 1024
MAX_BURST_S = 5.0
UPLINK_WARMUP_SHARE = 0.25
# Each peer costs the server CPU (SCTP in Python, the camera stream decoded): a bound on how many run at once.
MAX_OPEN_PROBES = 8
_MIN_BURST_BYTES = 1024 * 1024
_MAX_BURST_BYTES = 16 * 1024 * 1024
_BUFFER_HIGH = 512 * 1024
_PEERS: dict[str, object] = {}
_OWNERS: dict[str, dict] = {}


class ProbeBusy(Exception):
    """Too many readiness probes open on this server right now."""


@dataclass(frozen=True)
class Limits:
    up_bytes: int
    down_bytes: int
    max_s: float
    chunk_bytes: int = CHUNK_BYTES


def limits_for(required_uplink_kbps: int, required_downlink_kbps: int) -> Limits:
    """Enough bytes for two seconds at the required rate (bounded to 1-16 MiB), and never more than MAX_BURST_S."""

    def size(kbps: int) -> int:
        return max(_MIN_BURST_BYTES, min(_MAX_BURST_BYTES, kbps * 1000 // 8 * 2))

    return Limits(up_bytes=size(required_uplink_kbps), down_bytes=size(required_downlink_kbps), max_s=MAX_BURST_S)


def _cache_key(probe_id: str) -> str:
    return f"bridges:probe:{probe_id}"


def _restrict_host_addresses() -> None:
    """``BRIDGES_PROBE_HOST_ADDRESSES`` pins the addresses the server offers (tests: 127.0.0.1 only).

    aioice has no option for this and skips loopback on its own, so its address function is replaced.
    """
    addresses = [a for a in settings.BRIDGES_PROBE_HOST_ADDRESSES.split(",") if a.strip()]
    if addresses:
        import aioice.ice  # here, not at the top: with aiortc (see open_probe), loaded only when a probe runs

        aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: [a.strip() for a in addresses]


class _Session:
    """The state of one probe: counters for the uplink, the task sending the downlink."""

    def __init__(self, probe_id: str, owner: dict, limits: Limits):
        self.probe_id = probe_id
        self.owner = owner
        self.limits = limits
        self.connected = False
        self.up_bytes = 0
        self.up_samples: list[tuple[float, int]] = []  # (arrival time, bytes so far), one per chunk: at most 1,024
        self.up_kbps = None
        self.down_task = None

    async def save(self) -> None:
        # Not cache.aset: data-channel callbacks run after the request that opened the probe has ended,
        # when its thread-sensitive executor is gone; a pool thread is enough for a cache write.
        await sync_to_async(cache.set, thread_sensitive=False)(_cache_key(self.probe_id), {**self.owner, "connected": self.connected, "uplink_kbps": self.up_kbps, "uplink_bytes": self.up_bytes}, PROBE_TTL_S * 2)

    async def on_text(self, channel, message: dict) -> None:
        kind = message.get("t")
        if kind == "ping":
            channel.send(json.dumps({"t": "pong", "id": message.get("id")}))
        elif kind == "up-begin":
            self.up_bytes, self.up_samples, self.up_kbps = 0, [], None
        elif kind == "up-end":
            counted, duration_s = self.steady_uplink()
            self.up_kbps = round(counted * 8 / 1000 / duration_s, 1) if duration_s > 0 else None
            await self.save()
            channel.send(json.dumps({"t": "up-result", "bytes": self.up_bytes, "duration_ms": round(duration_s * 1000, 1), "kbps": self.up_kbps}))
        elif kind == "down-begin" and self.down_task is None:
            self.down_task = asyncio.ensure_future(self.send_burst(channel))

    def on_bytes(self, data: bytes) -> None:
        if self.up_bytes >= self.limits.up_bytes:
            return  # beyond the bound: ignored, and not counted
        self.up_bytes += len(data)
        self.up_samples.append((time.monotonic(), self.up_bytes))

    def steady_uplink(self) -> tuple[int, float]:
        """Bytes and seconds after the first quarter of the burst: the sender's slow start is not the link's speed."""
        if len(self.up_samples) < 2:
            return 0, 0.0
        warm = next((i for i, (_, total) in enumerate(self.up_samples) if total >= self.up_bytes * UPLINK_WARMUP_SHARE), 0)
        warm = min(warm, len(self.up_samples) - 2)
        (t0, b0), (t1, b1) = self.up_samples[warm], self.up_samples[-1]
        return b1 - b0, t1 - t0

    async def send_burst(self, channel) -> None:
        chunk = secrets.token_bytes(self.limits.chunk_bytes)
        sent, started = 0, time.monotonic()
        drained = asyncio.Event()
        channel.bufferedAmountLowThreshold = _BUFFER_HIGH // 2
        channel.on("bufferedamountlow", drained.set)
        try:
            while sent < self.limits.down_bytes and time.monotonic() - started < self.limits.max_s and channel.readyState == "open":
                if channel.bufferedAmount > _BUFFER_HIGH:
                    drained.clear()
                    try:
                        await asyncio.wait_for(drained.wait(), timeout=max(0.05, self.limits.max_s - (time.monotonic() - started)))
                    except asyncio.TimeoutError:
                        break
                    continue
                channel.send(chunk)
                sent += len(chunk)
            # Wait until what was queued has left, so the end marker arrives after the last byte.
            while channel.bufferedAmount > 0 and time.monotonic() - started < self.limits.max_s + 2 and channel.readyState == "open":
                await asyncio.sleep(0.01)
            if channel.readyState == "open":
                channel.send(json.dumps({"t": "down-end", "bytes": sent}))
        finally:
            self.down_task = None


async def open_probe(*, sdp: str, sdp_type: str, owner: dict, limits: Limits) -> tuple[str, str]:
    """Answer the browser's offer; return (probe id, answer SDP). ``owner`` names the user and point."""
    # Here, not at the top: aiortc (with PyAV and its codecs) takes ~160 ms to import, and only a readiness test needs it.
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
    from aiortc.contrib.media import MediaBlackhole

    # One probe per person and point: a second start (page reloaded) replaces the first.
    for other_id, other in list(_OWNERS.items()):
        if other == owner:
            await close_probe(other_id)
    if len(_PEERS) >= MAX_OPEN_PROBES:
        raise ProbeBusy("Máy chủ đang kiểm tra nhiều điểm cầu cùng lúc; hãy chờ khoảng 1 phút rồi chạy lại.")
    _restrict_host_addresses()
    probe_id = secrets.token_urlsafe(16)
    session = _Session(probe_id, owner, limits)
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    sink = MediaBlackhole()
    _PEERS[probe_id] = pc
    _OWNERS[probe_id] = owner

    @pc.on("datachannel")
    def on_datachannel(channel):
        session.connected = True
        asyncio.ensure_future(session.save())

        @channel.on("message")
        def on_message(message):
            if isinstance(message, bytes):
                session.on_bytes(message)
                return
            try:
                parsed = json.loads(message)
            except ValueError:
                return
            if isinstance(parsed, dict):
                asyncio.ensure_future(session.on_text(channel, parsed))

    @pc.on("track")
    def on_track(track):
        # The browser's camera comes in so that the browser can read packet loss from our receiver reports.
        sink.addTrack(track)
        asyncio.ensure_future(sink.start())

    @pc.on("connectionstatechange")
    async def on_state():
        if pc.connectionState in ("failed", "closed"):
            await close_probe(probe_id)

    await session.save()
    await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type=sdp_type))
    await pc.setLocalDescription(await pc.createAnswer())
    asyncio.get_running_loop().call_later(PROBE_TTL_S, lambda: asyncio.ensure_future(close_probe(probe_id)))
    pc._tiepdan_sink = sink
    return probe_id, pc.localDescription.sdp


async def close_probe(probe_id: str) -> None:
    pc = _PEERS.pop(probe_id, None)
    _OWNERS.pop(probe_id, None)
    if pc is None:
        return
    try:
        sink = getattr(pc, "_tiepdan_sink", None)
        if sink is not None:
            await sink.stop()
        await pc.close()
    except Exception:  # closing a half-open peer must never break the caller
        log.exception("closing readiness probe %s", probe_id)


def open_probe_count() -> int:
    return len(_PEERS)


async def server_measurement(probe_id: str) -> dict | None:
    """What the server measured for this probe (owner, connected, uplink), or None once it has expired."""
    return await sync_to_async(cache.get, thread_sensitive=False)(_cache_key(probe_id))


def limits_dict(limits: Limits) -> dict:
    return asdict(limits)
