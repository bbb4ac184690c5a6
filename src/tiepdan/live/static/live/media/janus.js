// The SFU back end (live/backends/janus.py): a small client of the Janus WebSocket API
// and its VideoRoom plugin, behind the same interface as mesh.js (backend.js).
//
// Each point publishes once (one RTCPeerConnection up) and subscribes to the
// feeds it shows (one RTCPeerConnection down per feed). The feed id in the room is
// the point's id, so the console and the server can name a participant without a
// lookup. Everything comes from the server's credentials: the WebSocket URL, the
// room number, its pin and this point's token (added by the app server through
// the Admin API; a point removed from the session has its token revoked and is kicked).
//
// Nothing is loaded from the network: this file is the whole client.
import { MediaBackend, capVideoSenders, summariseStats } from "./backend.js";

const PLUGIN = "janus.plugin.videoroom";

// One WebSocket to Janus, one Janus session: transactions, keepalives, per-handle events.
class JanusSession {
  constructor({ url, token, keepaliveMs, onClose }) {
    this.url = url;
    this.token = token;
    this.keepaliveMs = keepaliveMs;
    this.onClose = onClose;
    this.pending = new Map(); // transaction -> {resolve, reject, async}
    this.handles = new Map(); // handle id -> Handle
    this.closed = false;
  }

  open() {
    return new Promise((resolve, reject) => {
      this.ws = new WebSocket(this.url, "janus-protocol");
      this.ws.onopen = async () => {
        try {
          const created = await this.request({ janus: "create" });
          this.id = created.data.id;
          this.keepalive = setInterval(() => this.send({ janus: "keepalive", session_id: this.id }).catch(() => {}), this.keepaliveMs);
          resolve(this);
        } catch (err) { reject(err); }
      };
      this.ws.onerror = () => reject(new Error("Không kết nối được máy chủ Janus"));
      this.ws.onclose = () => this.shutdown("Mất kết nối tới máy chủ Janus");
      this.ws.onmessage = (e) => this.receive(JSON.parse(e.data));
    });
  }

  transaction() {
    return Math.random().toString(36).slice(2) + Date.now().toString(36);
  }

  // Send and wait for the matching answer. `async: true` waits past the "ack" for the plugin's event.
  request(message, { async = false } = {}) {
    if (this.closed) return Promise.reject(new Error("Phiên Janus đã đóng"));
    const transaction = this.transaction();
    const full = { ...message, transaction, token: this.token };
    if (this.id && !("session_id" in full) && message.janus !== "create") full.session_id = this.id;
    return new Promise((resolve, reject) => {
      this.pending.set(transaction, { resolve, reject, async });
      this.ws.send(JSON.stringify(full));
    });
  }

  send(message) {
    return this.request(message);
  }

  receive(msg) {
    const waiting = msg.transaction ? this.pending.get(msg.transaction) : null;
    if (waiting) {
      if (msg.janus === "error") {
        this.pending.delete(msg.transaction);
        waiting.reject(new Error(`${msg.error.reason} (${msg.error.code})`));
        return;
      }
      if (msg.janus === "ack" && waiting.async) return; // the plugin's answer follows as an event
      if (msg.janus !== "event" || waiting.async) {
        this.pending.delete(msg.transaction);
        const data = msg.plugindata && msg.plugindata.data;
        if (data && data.error) waiting.reject(new Error(`${data.error} (${data.error_code})`));
        else waiting.resolve(msg);
        return;
      }
    }
    const handle = msg.sender ? this.handles.get(msg.sender) : null;
    if (handle) handle.onMessage(msg);
    if (msg.janus === "timeout") this.shutdown("Janus đã hủy phiên do quá thời gian chờ");
  }

  async attach() {
    const answer = await this.request({ janus: "attach", plugin: PLUGIN });
    const handle = new Handle(this, answer.data.id);
    this.handles.set(handle.id, handle);
    return handle;
  }

  shutdown(reason) {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepalive);
    for (const { reject } of this.pending.values()) reject(new Error(reason));
    this.pending.clear();
    if (this.ws && this.ws.readyState <= 1) this.ws.close();
    if (this.onClose) this.onClose(reason);
  }

  async destroy() {
    if (this.closed) return;
    const onClose = this.onClose;
    this.onClose = null; // a leave we asked for is not a failure
    try { await Promise.race([this.request({ janus: "destroy" }), new Promise((r) => setTimeout(r, 1000))]); } catch (_) { /* gone already */ }
    this.shutdown("left");
    this.onClose = onClose;
  }
}

// A plugin handle with its RTCPeerConnection.
class Handle extends EventTarget {
  constructor(session, id) {
    super();
    this.session = session;
    this.id = id;
    this.pc = null;
  }

  message(body, jsep) {
    const msg = { janus: "message", handle_id: this.id, body };
    if (jsep) msg.jsep = jsep;
    return this.session.request(msg, { async: true });
  }

  onMessage(msg) {
    this.dispatchEvent(new CustomEvent(msg.janus, { detail: msg }));
  }

  newPeerConnection(iceServers) {
    this.pc = new RTCPeerConnection({ iceServers });
    this.pc.onicecandidate = (e) => {
      const candidate = e.candidate ? e.candidate.toJSON() : { completed: true };
      this.session.request({ janus: "trickle", handle_id: this.id, candidate }).catch(() => {});
    };
    return this.pc;
  }

  async detach() {
    if (this.pc) { this.pc.ontrack = null; this.pc.close(); }
    this.session.handles.delete(this.id);
    try { await this.session.request({ janus: "detach", handle_id: this.id }); } catch (_) { /* session gone */ }
  }
}

export default class JanusBackend extends MediaBackend {
  constructor(options) {
    super(options);
    const c = this.credentials;
    this.room = c.room;
    this.feedId = Number(this.self.id);
    this.centralId = c.central_point_id == null ? null : String(c.central_point_id);
    this.subscribeAll = c.subscribe_all !== false;
    this.publishers = new Map(); // point id -> {id, display}
    this.subscriptions = new Map(); // point id -> Handle
    this.spotlightId = null;
    this.joined = false;
    this.left = false;
  }

  async join() {
    const c = this.credentials;
    this.session = await new JanusSession({
      url: c.ws_url,
      token: c.token,
      keepaliveMs: (c.keepalive_s || 25) * 1000,
      onClose: (reason) => this.fail(reason),
    }).open();
    this.publisher = await this.session.attach();
    this.publisher.addEventListener("event", (e) => this.onRoomEvent(e.detail));
    this.publisher.addEventListener("hangup", () => this.fail("Janus đã ngắt luồng phát của điểm cầu"));
    const joined = await this.publisher.message({
      request: "join", ptype: "publisher", room: this.room, pin: c.pin, token: c.token,
      id: this.feedId, display: this.self.name || String(this.self.id),
    });
    this.joined = true;
    this.onRoomEvent(joined);
    if (this.localStream) await this.sendOwnMedia();
    this.statsTimer = setInterval(() => this.measure(), 2000);
  }

  async publish(stream) {
    const previous = this.localStream;
    this.localStream = stream;
    if (!this.joined) return; // join() publishes it
    if (previous && this.publisher.pc) {
      // A screen instead of the camera (or back): swap the tracks, no renegotiation.
      for (const sender of this.publisher.pc.getSenders()) {
        const next = sender.track && stream.getTracks().find((t) => t.kind === sender.track.kind);
        if (next) await sender.replaceTrack(next);
      }
      return;
    }
    await this.sendOwnMedia();
  }

  async sendOwnMedia() {
    const pc = this.publisher.newPeerConnection(this.credentials.ice_servers || []);
    for (const track of this.localStream.getTracks()) pc.addTransceiver(track, { direction: "sendonly", streams: [this.localStream] });
    const kbps = this.credentials.max_bitrate_kbps || 0;
    await capVideoSenders(pc, kbps); // the cap holds at the source, whatever Janus's REMB says
    await pc.setLocalDescription(await pc.createOffer());
    const answer = await this.publisher.message({ request: "publish", bitrate: kbps * 1000 || undefined, display: this.self.name }, pc.localDescription.toJSON());
    await pc.setRemoteDescription(answer.jsep);
  }

  // The publisher handle hears who publishes, unpublishes and leaves the room.
  onRoomEvent(msg) {
    const data = (msg.plugindata && msg.plugindata.data) || {};
    for (const p of data.publishers || []) {
      const pointId = String(p.id);
      if (pointId === String(this.feedId)) continue;
      this.publishers.set(pointId, p);
      this.emit("point-joined", { pointId });
      if (this.wants(pointId)) this.subscribe(pointId).catch((err) => console.warn("janus subscribe", pointId, err));
    }
    for (const gone of [data.unpublished, data.leaving, data.kicked]) {
      if (gone == null || gone === "ok") continue;
      this.dropFeed(String(gone));
    }
    if (data.videoroom === "destroyed") this.fail("Phòng Janus đã bị hủy");
    if (data.leaving === "ok" && data.reason === "kicked") this.fail("Điểm cầu đã bị mời ra khỏi phiên");
  }

  wants(pointId) {
    if (pointId === String(this.feedId)) return false;
    if (this.subscribeAll) return true;
    return pointId === this.centralId || pointId === this.spotlightId;
  }

  async subscribe(pointId, attempt = 1) {
    pointId = String(pointId);
    if (!this.joined || this.subscriptions.has(pointId) || !this.publishers.has(pointId)) return;
    try {
      await this.subscribeOnce(pointId);
    } catch (err) {
      // A feed that was just (re)publishing, or a lost answer: forget the half-made handle and try again.
      const handle = this.subscriptions.get(pointId);
      if (handle) { this.subscriptions.delete(pointId); handle.detach(); }
      if (attempt < 4 && !this.left) setTimeout(() => this.subscribe(pointId, attempt + 1), 1000 * attempt);
      else throw err;
    }
  }

  async subscribeOnce(pointId) {
    const c = this.credentials;
    const handle = await this.session.attach();
    this.subscriptions.set(pointId, handle);
    const pc = handle.newPeerConnection(c.ice_servers || []);
    pc.ontrack = (e) => {
      const stream = e.streams[0] || new MediaStream([e.track]);
      this.enforceMutes(); // before anything plays it
      this.emit("track", { pointId, track: e.track, stream, slot: "own" });
    };
    handle.addEventListener("hangup", () => this.dropFeed(pointId));
    const attached = await handle.message({
      request: "join", ptype: "subscriber", room: this.room, pin: c.pin, token: c.token,
      streams: [{ feed: Number(pointId) }],
    });
    if (handle !== this.subscriptions.get(pointId)) return; // dropped while we waited
    await pc.setRemoteDescription(attached.jsep);
    await pc.setLocalDescription(await pc.createAnswer());
    await handle.message({ request: "start" }, pc.localDescription.toJSON());
  }

  dropFeed(pointId) {
    this.publishers.delete(pointId);
    const handle = this.subscriptions.get(pointId);
    if (!handle) return;
    this.subscriptions.delete(pointId);
    handle.detach();
    this.emit("point-left", { pointId });
  }

  spotlight(pointId) {
    const previous = this.spotlightId;
    this.spotlightId = pointId == null ? null : String(pointId);
    if (this.subscribeAll) return; // everyone already receives everyone
    if (previous && !this.wants(previous) && this.subscriptions.has(previous)) {
      const handle = this.subscriptions.get(previous);
      this.subscriptions.delete(previous);
      handle.detach();
    }
    if (this.spotlightId && this.wants(this.spotlightId)) this.subscribe(this.spotlightId).catch(() => {});
  }

  fail(reason) {
    if (this.left) return;
    this.left = true;
    this.teardown();
    this.emit("backend-failed", { reason });
  }

  // A subscription carries one feed, and the feed id is the point's id. The server also stops Janus
  // forwarding a muted point's audio (live/backends/janus.py moderation); this browser silences it
  // as well, so it is not heard between the chair's mute and the moderation taking hold.
  receivedAudio() {
    const out = [];
    for (const [pointId, handle] of this.subscriptions || []) {
      if (!handle.pc) continue;
      for (const r of handle.pc.getReceivers()) if (r.track && r.track.kind === "audio") out.push([pointId, r.track]);
    }
    return out;
  }

  teardown() {
    this.joined = false;
    this.releaseRoomState();
    clearInterval(this.statsTimer);
    for (const handle of this.subscriptions.values()) if (handle.pc) handle.pc.close();
    this.subscriptions.clear();
    if (this.publisher && this.publisher.pc) this.publisher.pc.close();
  }

  async measure() {
    for (const [pointId, handle] of this.subscriptions) {
      if (!handle.pc) continue;
      try {
        const q = await summariseStats(handle.pc, handle.stats ? handle.stats._raw : {});
        handle.stats = q;
        this.emit("quality", { pointId, ...q });
      } catch (_) { /* closed */ }
    }
  }

  peerConnections() {
    const pcs = [...this.subscriptions.values()].map((h) => h.pc).filter(Boolean);
    if (this.publisher && this.publisher.pc) pcs.unshift(this.publisher.pc);
    return pcs;
  }

  async leave() {
    if (this.left) return;
    this.left = true;
    this.teardown();
    if (this.session) await this.session.destroy();
  }
}
