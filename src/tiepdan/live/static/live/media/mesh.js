// The no-services media path (live/backends/mesh.py): browsers connect to each other;
// the server only relays SDP and ICE between admitted points.
//
// topology "mesh": every point connects to every other (up to 4 points, docs/MEDIA.md).
//   The point with the smaller id makes the offer, so two points never offer at once.
// topology "star": every other point connects only to the central point's browser.
//   The central browser makes every offer, with four transceivers in a fixed order:
//   mid 0/1 its own microphone and camera, mid 2/3 the "relay" slot, into which it
//   puts the spotlighted speaker's received tracks with replaceTrack (no renegotiation).
//   So a commune uploads one stream and holds exactly one RTCPeerConnection.
//
// A muted point is not heard (backend.js enforceMutes): each receiving browser silences the audio it
// gets from a point the server holds muted, and the central browser of a star relays no audio of a
// muted speaker. What the sender does with its own microphone does not matter.
import { MediaBackend, capVideoSenders, summariseStats } from "./backend.js";

const RELAY_MIDS = new Set(["2", "3"]);

class Peer {
  constructor(backend, pointId, conn) {
    this.backend = backend;
    this.pointId = String(pointId);
    this.conn = conn;
    this.pc = new RTCPeerConnection({ iceServers: backend.credentials.ice_servers || [] });
    this.pendingCandidates = [];
    this.relaySenders = [];
    this.remote = { audio: null, video: null };
    this.stats = {};
    this.pc.onicecandidate = (e) => {
      if (e.candidate) backend.sendSignal(this.pointId, { candidate: e.candidate.toJSON() });
    };
    this.pc.ontrack = (e) => {
      const slot = RELAY_MIDS.has(e.transceiver.mid) && backend.topology === "star" && !backend.isCentral ? "relay" : "own";
      if (slot === "own") this.remote[e.track.kind] = e.track;
      const stream = e.streams[0] || new MediaStream([e.track]);
      backend.enforceMutes(); // before anything plays it
      backend.emit("track", { pointId: this.pointId, track: e.track, stream, slot });
      if (backend.isCentral && backend.topology === "star") backend.applyRelay();
    };
    this.pc.onconnectionstatechange = () => {
      const state = this.pc.connectionState;
      if (state === "failed" && this.isOfferer()) {
        // A dead path: start over with a fresh connection rather than wait for ICE to recover.
        backend.restartPeer(this.pointId, this.conn);
      }
    };
  }

  isOfferer() {
    const b = this.backend;
    if (b.topology === "star") return b.isCentral;
    return Number(b.self.id) < Number(this.pointId);
  }

  addLocalTracks() {
    const stream = this.backend.localStream;
    const audio = stream ? stream.getAudioTracks()[0] || null : null;
    const video = stream ? stream.getVideoTracks()[0] || null : null;
    const streams = stream ? [stream] : [];
    this.pc.addTransceiver(audio || "audio", { direction: "sendrecv", streams });
    this.pc.addTransceiver(video || "video", { direction: "sendrecv", streams });
    if (this.backend.topology === "star" && this.backend.isCentral) {
      const relay = new MediaStream();
      this.relaySenders = [
        this.pc.addTransceiver("audio", { direction: "sendonly", streams: [relay] }).sender,
        this.pc.addTransceiver("video", { direction: "sendonly", streams: [relay] }).sender,
      ];
    }
  }

  async offer() {
    this.addLocalTracks();
    await this.pc.setLocalDescription(await this.pc.createOffer());
    this.backend.sendSignal(this.pointId, { sdp: this.pc.localDescription.toJSON() });
    await this.capVideo();
  }

  // Each stream within the room's per-stream cap (LiveRoom.max_bitrate_kbps): N-1 of them share the uplink.
  async capVideo() {
    this.videoCaps = await capVideoSenders(this.pc, this.backend.credentials.max_bitrate_kbps);
  }

  async receive(data) {
    if (data.sdp) {
      await this.pc.setRemoteDescription(data.sdp);
      if (data.sdp.type === "offer") {
        const stream = this.backend.localStream;
        if (stream) for (const track of stream.getTracks()) this.pc.addTrack(track, stream);
        await this.pc.setLocalDescription(await this.pc.createAnswer());
        this.backend.sendSignal(this.pointId, { sdp: this.pc.localDescription.toJSON() });
        await this.capVideo();
      }
      this.backend.enforceMutes(); // the mids are known now
      for (const c of this.pendingCandidates.splice(0)) await this.pc.addIceCandidate(c).catch(() => {});
    } else if (data.candidate) {
      if (this.pc.remoteDescription) await this.pc.addIceCandidate(data.candidate).catch(() => {});
      else this.pendingCandidates.push(data.candidate);
    }
  }

  close() {
    this.pc.onconnectionstatechange = null;
    this.pc.ontrack = null;
    this.pc.close();
  }
}

export default class MeshBackend extends MediaBackend {
  constructor(options) {
    super(options);
    this.topology = this.credentials.topology || "mesh";
    this.centralId = this.credentials.central_point_id == null ? null : String(this.credentials.central_point_id);
    this.isCentral = String(this.self.id) === this.centralId;
    this.peers = new Map();
    this.spotlightId = null;
    this.joined = false;
    this._onSignal = (e) => this.onSignal(e.detail);
    this._onPresence = (e) => this.onPresence(e.detail.points);
  }

  async join() {
    this.joined = true;
    this.signalling.addEventListener("signal", this._onSignal);
    this.signalling.addEventListener("presence", this._onPresence);
    if (this.signalling.lastPresence) this.onPresence(this.signalling.lastPresence);
    this.signalling.flushSignals?.();
    this.statsTimer = setInterval(() => this.measure(), 2000);
  }

  async publish(stream) {
    const previous = this.localStream;
    this.localStream = stream;
    if (!previous) return;
    // Replacing the camera with a screen (or back): swap tracks, no renegotiation.
    for (const peer of this.peers.values()) {
      for (const sender of peer.pc.getSenders()) {
        if (!sender.track || peer.relaySenders.includes(sender)) continue;
        const next = stream.getTracks().find((t) => t.kind === sender.track.kind);
        if (next) await sender.replaceTrack(next);
      }
    }
  }

  // Whom this point connects to under its topology.
  wants(pointId) {
    if (String(pointId) === String(this.self.id)) return false;
    if (this.topology === "star" && !this.isCentral) return String(pointId) === this.centralId;
    return true;
  }

  async subscribe(pointId, conn = null) {
    pointId = String(pointId);
    if (!this.wants(pointId)) return;
    const existing = this.peers.get(pointId);
    if (existing && (conn == null || existing.conn === conn)) return;
    if (existing) this.dropPeer(pointId);
    const peer = new Peer(this, pointId, conn);
    this.peers.set(pointId, peer);
    this.emit("point-joined", { pointId });
    if (peer.isOfferer()) await peer.offer();
  }

  onPresence(points) {
    if (!this.joined) return;
    const live = new Map();
    for (const p of points) if (p.status === "admitted" && p.connected) live.set(String(p.id), p.conn);
    for (const [id, peer] of [...this.peers]) {
      if (!live.has(id) || (peer.conn && live.get(id) !== peer.conn)) this.dropPeer(id);
    }
    for (const [id, conn] of live) if (this.wants(id)) this.subscribe(id, conn);
  }

  async onSignal({ from, from_conn: conn, data }) {
    from = String(from);
    if (!this.wants(from)) return;
    let peer = this.peers.get(from);
    if (data.sdp && data.sdp.type === "offer" && (!peer || (conn && peer.conn !== conn) || peer.pc.signalingState !== "stable" || peer.pc.remoteDescription)) {
      if (peer) this.dropPeer(from);
      peer = new Peer(this, from, conn);
      this.peers.set(from, peer);
      this.emit("point-joined", { pointId: from });
    }
    if (!peer || (conn && peer.conn && peer.conn !== conn)) return; // from a connection that is gone
    if (!peer.conn) peer.conn = conn;
    await peer.receive(data);
  }

  sendSignal(to, data) {
    this.signalling.send({ type: "signal", to, data });
  }

  restartPeer(pointId, conn) {
    this.dropPeer(pointId);
    setTimeout(() => this.subscribe(pointId, conn), 1000);
  }

  dropPeer(pointId) {
    const peer = this.peers.get(String(pointId));
    if (!peer) return;
    peer.close();
    this.peers.delete(String(pointId));
    this.emit("point-left", { pointId: String(pointId) });
    if (this.isCentral) this.applyRelay();
  }

  spotlight(pointId) {
    this.spotlightId = pointId == null ? null : String(pointId);
    if (this.isCentral && this.topology === "star") this.applyRelay();
    this.enforceMutes(); // a commune's relay slot now carries another point's voice
  }

  // Central browser of a star: put the spotlighted point's tracks into every other point's relay slot.
  // Its audio only while the server holds it unmuted: the relay never carries a muted point's voice.
  applyRelay() {
    const source = this.spotlightId ? this.peers.get(this.spotlightId) : null;
    const audio = source && this.isHeard(this.spotlightId) ? source.remote.audio : null;
    for (const peer of this.peers.values()) {
      if (peer.relaySenders.length !== 2) continue;
      const give = source && peer !== source ? { audio, video: source.remote.video } : { audio: null, video: null };
      const [audioSender, videoSender] = peer.relaySenders;
      if (audioSender.track !== give.audio) audioSender.replaceTrack(give.audio).catch(() => {});
      if (videoSender.track !== give.video) videoSender.replaceTrack(give.video).catch(() => {});
    }
  }

  holdMutes(points) {
    super.holdMutes(points);
    if (this.isCentral && this.topology === "star") this.applyRelay();
  }

  // Whose audio each received track carries. A mesh connection carries only its peer's; a commune's
  // one connection in a star carries the central point's (mid 0) and the relayed speaker's (mids 2/3,
  // whoever the room spotlights); any other audio is nobody's and stays silent.
  receivedAudio() {
    const out = [];
    for (const peer of this.peers ? this.peers.values() : []) {
      for (const t of peer.pc.getTransceivers()) {
        const track = t.receiver && t.receiver.track;
        if (!track || track.kind !== "audio") continue;
        let owner = peer.pointId;
        if (this.topology === "star" && !this.isCentral) owner = t.mid === "0" ? peer.pointId : RELAY_MIDS.has(t.mid) ? this.spotlightId : null;
        out.push([owner, track]);
      }
    }
    return out;
  }

  async measure() {
    for (const peer of this.peers.values()) {
      try {
        const q = await summariseStats(peer.pc, peer.stats._raw || {});
        peer.stats = q;
        this.emit("quality", { pointId: peer.pointId, ...q });
      } catch (_) { /* a closed connection has no stats */ }
    }
  }

  peerConnections() {
    return [...this.peers.values()].map((p) => p.pc);
  }

  async leave() {
    this.joined = false;
    clearInterval(this.statsTimer);
    this.releaseRoomState();
    this.signalling.removeEventListener("signal", this._onSignal);
    this.signalling.removeEventListener("presence", this._onPresence);
    for (const id of [...this.peers.keys()]) {
      this.peers.get(id).close();
      this.peers.delete(id);
    }
  }
}
