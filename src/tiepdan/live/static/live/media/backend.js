// The one client interface every media back end implements (docs/MEDIA.md, "Topology").
//
// The room page and the chair's console talk only to this interface, so they do
// not know whether the no-services path (mesh.js: full mesh up to 4 points, a
// star on the central point's browser beyond) or the SFU (janus.js) carries the
// media. A back end is chosen by the server: the room's `credentials` (from
// `MediaBackend.credentials_for` in live/backends/) name the module to load.
//
// Construction (all back ends):
//   new Backend({
//     self,         // {id: "12", name: "UBND xã ...", role: "central"|"component"|"observer"}
//     credentials,  // what the server's credentials_for(room, point) returned (ice_servers, topology, tokens...)
//     signalling,   // a Signalling (room.js): send(msg) and the "signal" event carrying {from, data}
//   })
//
// Methods:
//   await join()               enter the media session (after the host admitted this point)
//   await publish(stream)      send this point's camera/microphone (or a screen: publish again to replace)
//   await subscribe(pointId)   receive pointId's media (a mesh/star back end receives what its topology gives)
//   spotlight(pointId)         show pointId large to everyone (star: the central browser re-sends it)
//   mute(pointId, muted)       apply the chair's mute to pointId (its microphone track is disabled at the source)
//   enforceMutes()             silence every received audio of a point the server holds muted (called by the
//                              back end itself on each room change and each new track; see "heard" below)
//   await leave()              close every connection; no event fires afterwards
//   peerConnections()          the RTCPeerConnections in use (for getStats and tests)
//
// Events (CustomEvent, the payload in `detail`):
//   "track"          {pointId, track, stream, slot}   slot: "own" (pointId's own picture) or "relay" (re-sent speaker)
//   "point-joined"   {pointId}
//   "point-left"     {pointId}
//   "quality"        {pointId, rtt_ms, loss_pct, bitrate_kbps, frames_decoded, fps}
//   "backend-failed" {reason}                          the room falls back to the no-services path
export class MediaBackend extends EventTarget {
  constructor({ self, credentials, signalling }) {
    super();
    this.self = self;
    this.credentials = credentials || {};
    this.signalling = signalling;
    this.localStream = null;
    // Art. 21 Decree 154 (microphone on only when the chair gives the floor), enforced where the sender
    // cannot override it: this browser plays a point's audio only while the server's room state says
    // that point is not muted. A sender that ignores its own mute (an aiortc peer did) is still not
    // heard, because the decision is read from the signalling server, never from the media.
    this.heard = heardIn(signalling && signalling.lastPresence);
    this._onRoomState = (e) => this.holdMutes(e.detail.points);
    if (signalling && signalling.addEventListener) signalling.addEventListener("presence", this._onRoomState);
  }

  holdMutes(points) {
    this.heard = heardIn(points);
    this.enforceMutes();
  }

  isHeard(pointId) {
    return pointId != null && this.heard.has(String(pointId));
  }

  // [pointId whose audio it carries (null: nobody's we know), received audio track] for each audio this
  // browser receives; each back end knows how its connections map to points.
  receivedAudio() { return []; }

  enforceMutes() {
    for (const [pointId, track] of this.receivedAudio()) {
      const on = this.isHeard(pointId);
      if (track && track.enabled !== on) track.enabled = on; // a disabled received track plays silence
    }
  }

  releaseRoomState() {
    if (this.signalling && this.signalling.removeEventListener) this.signalling.removeEventListener("presence", this._onRoomState);
  }

  async join() { throw new Error(`${this.constructor.name}.join() is not implemented`); }
  async publish(stream) { throw new Error(`${this.constructor.name}.publish() is not implemented`); }
  async subscribe(pointId) { throw new Error(`${this.constructor.name}.subscribe() is not implemented`); }
  spotlight(pointId) { throw new Error(`${this.constructor.name}.spotlight() is not implemented`); }
  mute(pointId, muted) {
    // Art. 21 Decree 154: microphones on only when asked to speak. Enforced at the source.
    if (String(pointId) === String(this.self.id) && this.localStream) {
      for (const t of this.localStream.getAudioTracks()) t.enabled = !muted;
    }
  }
  async leave() { throw new Error(`${this.constructor.name}.leave() is not implemented`); }
  peerConnections() { return []; }

  emit(name, detail) { this.dispatchEvent(new CustomEvent(name, { detail })); }
}

// The server's word on who may be heard: admitted and not muted. A point it does not list is not heard.
function heardIn(points) {
  return new Set((points || []).filter((p) => p.status === "admitted" && p.muted === false).map((p) => String(p.id)));
}

// Loads the module the server named ("mesh.js", "janus.js") and builds its back end.
export async function createBackend({ credentials, ...options }) {
  const moduleName = (credentials && credentials.module) || "mesh.js";
  const mod = await import(new URL(`./${moduleName}`, import.meta.url));
  return new mod.default({ credentials, ...options });
}

// Caps, where it is encoded, every video this connection sends (the point's own camera, a
// relayed speaker) at `kbps`: a commune's 5 Mbps uplink carries one stream per other point in a
// mesh, and the SFU's REMB alone does not bind the browser. Returns the caps now in force (bit/s).
export async function capVideoSenders(pc, kbps) {
  const caps = [];
  if (!kbps) return caps;
  for (const t of pc.getTransceivers()) {
    if (t.stopped || t.receiver.track.kind !== "video" || !["sendrecv", "sendonly"].includes(t.direction)) continue;
    const p = t.sender.getParameters();
    if (!p.encodings || !p.encodings.length) p.encodings = [{}];
    p.encodings[0].maxBitrate = kbps * 1000;
    try {
      await t.sender.setParameters(p);
      caps.push(p.encodings[0].maxBitrate);
    } catch (err) {
      console.warn("bitrate cap not applied", err);
    }
  }
  return caps;
}

// Summarises getStats() reports of one RTCPeerConnection into the "quality" payload.
export async function summariseStats(pc, previous = {}) {
  const report = await pc.getStats();
  let rtt = null, lost = 0, received = 0, bytes = 0, frames = 0, fps = 0;
  report.forEach((s) => {
    if (s.type === "candidate-pair" && s.state === "succeeded" && s.nominated !== false && s.currentRoundTripTime != null) rtt = s.currentRoundTripTime * 1000;
    if (s.type === "inbound-rtp") {
      lost += s.packetsLost || 0; received += s.packetsReceived || 0; bytes += s.bytesReceived || 0;
      if (s.kind === "video") { frames += s.framesDecoded || 0; fps = Math.max(fps, s.framesPerSecond || 0); }
    }
  });
  const now = performance.now();
  const bitrate = previous.at ? Math.max(0, ((bytes - previous.bytes) * 8) / (now - previous.at)) : 0; // bits/ms == kbps
  return {
    rtt_ms: rtt == null ? null : Math.round(rtt),
    loss_pct: received + lost > 0 ? Math.round((lost / (received + lost)) * 1000) / 10 : 0,
    bitrate_kbps: Math.round(bitrate),
    frames_decoded: frames,
    fps: Math.round(fps),
    _raw: { at: now, bytes },
  };
}

// A point's own connection quality from its connections' summaries (what it shows and sends the chair):
// the worst round trip and loss, the received bitrates and frames added up, the lowest frame rate.
// `level` is its badge: "ok" under 300 ms and 3 % loss, "warn" under 10 % loss, else "bad". null: no connection.
export function combineQuality(summaries) {
  if (!summaries.length) return null;
  const rtt = Math.max(...summaries.map((q) => q.rtt_ms || 0));
  const loss = Math.max(...summaries.map((q) => q.loss_pct || 0));
  const level = rtt < 300 && loss < 3 ? "ok" : loss < 10 ? "warn" : "bad";
  return {
    rtt_ms: rtt,
    loss_pct: loss,
    bitrate_kbps: summaries.reduce((s, q) => s + (q.bitrate_kbps || 0), 0),
    fps: Math.min(...summaries.map((q) => q.fps || 0)),
    frames_decoded: summaries.reduce((s, q) => s + (q.frames_decoded || 0), 0),
    peers: summaries.length,
    level,
  };
}
