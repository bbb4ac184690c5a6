// Just enough of the browser's WebRTC objects for the media back ends to run in Node: connections
// that negotiate by handing each other their m-lines, and received tracks whose `enabled` is what
// the browser would play (a disabled received track plays silence). No media flows.
export class FakeTrack {
  constructor(kind, label = kind) {
    this.kind = kind;
    this.label = label;
    this.enabled = true;
    this.id = `${label}-${FakeTrack.count++}`;
  }
}
FakeTrack.count = 0;

export class FakeMediaStream {
  constructor(tracks = []) { this.tracks = [...tracks]; }
  getTracks() { return [...this.tracks]; }
  getAudioTracks() { return this.tracks.filter((t) => t.kind === "audio"); }
  getVideoTracks() { return this.tracks.filter((t) => t.kind === "video"); }
}

function sender(track) {
  const s = {
    track,
    parameters: { encodings: [] },
    async replaceTrack(next) { s.track = next; },
    getParameters() { return structuredClone(s.parameters); },
    async setParameters(p) { s.parameters = p; },
  };
  return s;
}

export class FakePeerConnection {
  constructor(config) {
    this.config = config;
    this.transceivers = [];
    this.signalingState = "stable";
    this.connectionState = "new";
    this.localDescription = null;
    this.remoteDescription = null;
    this.closed = false;
    this.stats = new Map();
    FakePeerConnection.made.push(this);
  }

  addTransceiver(trackOrKind, { direction = "sendrecv" } = {}) {
    const track = typeof trackOrKind === "string" ? null : trackOrKind;
    const kind = track ? track.kind : trackOrKind;
    const t = { mid: String(this.transceivers.length), kind, direction, stopped: false, receiver: { track: new FakeTrack(kind, `received-${kind}`) }, sender: sender(track) };
    this.transceivers.push(t);
    return t;
  }

  getTransceivers() { return this.transceivers; }
  getSenders() { return this.transceivers.map((t) => t.sender); }
  getReceivers() { return this.transceivers.map((t) => t.receiver); }

  addTrack(track) {
    const t = this.transceivers.find((x) => x.kind === track.kind && !x.sender.track);
    if (t) t.sender.track = track;
    return t ? t.sender : null;
  }

  // The "SDP" is the list of m-lines' kinds and directions, which is all the back ends' logic reads.
  async createOffer() { return { type: "offer", sdp: JSON.stringify(this.transceivers.map((t) => [t.kind, t.direction])) }; }
  async createAnswer() { return { type: "answer", sdp: this.remoteDescription.sdp }; }

  async setLocalDescription(d) {
    this.localDescription = { ...d, toJSON: () => ({ type: d.type, sdp: d.sdp }) };
    this.signalingState = d.type === "offer" ? "have-local-offer" : "stable";
  }

  async setRemoteDescription(d) {
    this.remoteDescription = d;
    if (d.type === "offer") {
      // The answerer gets one transceiver per offered m-line, in the offer's order (so the same mids).
      for (const [kind, direction] of JSON.parse(d.sdp)) {
        const t = this.addTransceiver(kind, { direction: direction === "sendonly" ? "recvonly" : "sendrecv" });
        this.fire(t);
      }
      this.signalingState = "have-remote-offer";
    } else {
      for (const t of this.transceivers) if (t.direction === "sendrecv") this.fire(t);
      this.signalingState = "stable";
    }
  }

  fire(t) {
    if (this.ontrack) this.ontrack({ transceiver: t, track: t.receiver.track, streams: [] });
  }

  async addIceCandidate() {}
  async getStats() { return this.stats; }
  close() { this.closed = true; this.connectionState = "closed"; }
}
FakePeerConnection.made = [];

export function installWebRTC() {
  globalThis.RTCPeerConnection = FakePeerConnection;
  globalThis.MediaStream = FakeMediaStream;
}

// A few turns of the event loop: the back ends' promise chains (offer, answer, relayed signals) run out.
export async function settle(turns = 20) {
  for (let i = 0; i < turns; i += 1) await new Promise((resolve) => setImmediate(resolve));
}
