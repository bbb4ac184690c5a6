"""A point that ignores the chair's mute: an aiortc peer (a second, independent WebRTC stack) that joins
through our signalling as a hall's PC would and keeps sending a loud tone whatever the room says.

Used by the tests that check the mute is enforced where the sender cannot override it (Decree 154
Art. 21; issue 15, Security 4). It runs its own event loop in a thread, beside Playwright's.
"""
from __future__ import annotations

import asyncio
import fractions
import http.cookiejar
import json
import math
import struct
import threading
import time
import urllib.request

TONE_HZ = 400  # 8 whole periods in each 20 ms frame: the tone has no seam
RATE = 48000
FRAME_SAMPLES = 960


def _tone_frame_bytes(amplitude: float = 0.5) -> bytes:
    return b"".join(struct.pack("<h", int(amplitude * 32767 * math.sin(2 * math.pi * TONE_HZ * i / RATE))) for i in range(FRAME_SAMPLES))


def _tone_track():
    import av
    from aiortc import MediaStreamTrack

    class Tone(MediaStreamTrack):
        kind = "audio"

        def __init__(self):
            super().__init__()
            self.pts = 0
            self.started = None
            self.pcm = _tone_frame_bytes()

        async def recv(self):
            if self.started is None:
                self.started = time.monotonic()
            wait = self.started + self.pts / RATE - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            frame = av.AudioFrame(format="s16", layout="mono", samples=FRAME_SAMPLES)
            frame.planes[0].update(self.pcm)
            frame.sample_rate = RATE
            frame.pts = self.pts
            frame.time_base = fractions.Fraction(1, RATE)
            self.pts += FRAME_SAMPLES
            return frame

    return Tone()


def redeem(base_url: str, token: str) -> str:
    """Open the hall's join link over plain HTTP and return the Cookie header of the browser it grants."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base_url}/phong-truc-tuyen/vao/{token}/", timeout=15) as response:
        response.read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


class DeafToMutePeer:
    """``DeafToMutePeer(base_url, room_id, point_id, cookie).start()``: answers every offer with a tone, never mutes.

    ``messages`` keeps what the server sent (the welcome, room deltas), ``errors`` what went wrong.
    """

    def __init__(self, base_url: str, room_id: int, point_id: int, cookie: str):
        self.url = f"{base_url.replace('http', 'ws', 1)}/ws/phong-truc-tuyen/{room_id}/diem/{point_id}/"
        self.origin = base_url
        self.cookie = cookie
        self.messages: list[dict] = []
        self.errors: list[str] = []
        self.peers = {}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> DeafToMutePeer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=15)

    def welcomed(self) -> bool:
        return any(m.get("type") == "welcome" for m in self.messages)

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except Exception as exc:  # the test reads it: a peer that died silently would prove nothing
            self.errors.append(repr(exc))

    async def _main(self) -> None:
        import websockets

        async with websockets.connect(self.url, additional_headers={"Cookie": self.cookie}, origin=self.origin) as ws:
            self.ws = ws
            reader = asyncio.ensure_future(self._read(ws))
            while not self.stopping.is_set() and not reader.done():
                await asyncio.sleep(0.1)
            reader.cancel()
            for pc in self.peers.values():
                await pc.close()

    async def _read(self, ws) -> None:
        async for text in ws:
            msg = json.loads(text)
            self.messages.append(msg)
            if msg.get("type") == "signal":
                try:
                    await self._signal(ws, msg)
                except Exception as exc:
                    self.errors.append(f"signal: {exc!r}")

    async def _signal(self, ws, msg) -> None:
        from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
        from aiortc.sdp import candidate_from_sdp

        sender, data = str(msg["from"]), msg["data"]
        if data.get("sdp") and data["sdp"]["type"] == "offer":
            old = self.peers.pop(sender, None)
            if old is not None:
                await old.close()
            pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
            self.peers[sender] = pc
            await pc.setRemoteDescription(RTCSessionDescription(sdp=data["sdp"]["sdp"], type="offer"))
            pc.addTrack(_tone_track())  # and never disabled: the chair's mute is ignored here
            await pc.setLocalDescription(await pc.createAnswer())
            await ws.send(json.dumps({"type": "signal", "to": sender, "data": {"sdp": {"type": "answer", "sdp": pc.localDescription.sdp}}}))
        elif data.get("candidate") and sender in self.peers:
            c = data["candidate"]
            line = (c.get("candidate") or "").removeprefix("candidate:")
            if line:
                candidate = candidate_from_sdp(line)
                candidate.sdpMid = c.get("sdpMid")
                candidate.sdpMLineIndex = c.get("sdpMLineIndex")
                await self.peers[sender].addIceCandidate(candidate)


# What reaches the speaker of a page for one point's tile: the level of the audio its media element plays
# (the tracks of its srcObject as Web Audio hears them, nothing if the element is muted). getStats'
# audioLevel would say what was received, which a receiver that drops a muted point still receives.
PLAYED_LEVEL_JS = """async ([pointId, ms]) => {
  const fig = document.querySelector(`.tile[data-point="${pointId}"]`);
  const el = fig && fig.querySelector("video");
  const stream = el && el.srcObject;
  if (!stream || !stream.getAudioTracks().length) return null;
  window.__levelCtx = window.__levelCtx || new AudioContext();
  const ctx = window.__levelCtx;
  await ctx.resume();
  const source = ctx.createMediaStreamSource(stream);
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 2048;
  source.connect(analyser);
  const buf = new Float32Array(analyser.fftSize);
  let peak = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    analyser.getFloatTimeDomainData(buf);
    let sum = 0;
    for (const v of buf) sum += v * v;
    peak = Math.max(peak, Math.sqrt(sum / buf.length));
  }
  source.disconnect();
  return el.muted || el.volume === 0 ? 0 : peak;
}"""

# Audio bytes received from each connection: proves the tone does arrive while it is not played.
AUDIO_BYTES_JS = """async () => {
  const b = window.tiepdanRoom && window.tiepdanRoom.backend;
  if (!b) return 0;
  let bytes = 0;
  for (const pc of b.peerConnections()) {
    (await pc.getStats()).forEach((s) => { if (s.type === "inbound-rtp" && s.kind === "audio") bytes += s.bytesReceived || 0; });
  }
  return bytes;
}"""
