// The room's WebSocket: one per point's browser, reconnecting by itself with backoff.
// A heartbeat: every heartbeatMs the browser asks "ping"; a link that carried nothing (no pong, no
// room change) for that long again is dead even if the browser has not noticed (a proxy or a NAT
// dropped it silently): the browser opens a new one, and the welcome brings the whole room back.
//
// Events: "welcome", "room" (the whole room; the server sends changes only, merged here), "presence" ({points}), "signal" ({from, from_conn, data}),
// "quality", "refused", "removed", "replaced", "error", "closed" ({retryInMs}), "open".
// "signal" events are queued until a listener (the media back end) calls flushSignals(): a reloaded
// point may be sent an offer before its camera is ready.
// A delta names only the points that changed, and the room and events when they did.
export function mergeDelta(current, delta) {
  const changed = new Map(delta.points.map((p) => [p.id, p]));
  const points = current.points.map((p) => {
    const next = changed.get(p.id);
    changed.delete(p.id);
    return next || p;
  });
  return {
    ...current,
    type: "room",
    room: delta.room || current.room,
    events: delta.events || current.events,
    points: points.concat([...changed.values()]),
    credentials: delta.credentials,
  };
}

export class Signalling extends EventTarget {
  constructor(path, { heartbeatMs = 15000 } = {}) {
    super();
    this.path = path;
    this.heartbeatMs = heartbeatMs;
    this.attempt = 0;
    this.final = false;
    this.queue = [];
    this.lastPresence = null;
    this.backendReady = false;
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}${this.path}`);
    this.ws = ws;
    ws.onopen = () => { this.attempt = 0; this.heard = Date.now(); this.emit("open", {}); };
    ws.onmessage = (e) => { this.heard = Date.now(); this.onMessage(JSON.parse(e.data)); };
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => this.beat(ws), this.heartbeatMs);
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      clearInterval(this.heartbeat);
      if (this.final || [4403, 4001, 4002].includes(e.code)) { this.final = true; this.emit("closed", { code: e.code, retryInMs: null }); return; }
      // Backoff: 0.5 s, 1 s, 2 s, 4 s, then every 5 s; a dropped point rejoins by itself.
      const delay = Math.min(5000, 500 * 2 ** this.attempt++);
      this.emit("closed", { code: e.code, retryInMs: delay });
      setTimeout(() => this.connect(), delay);
    };
  }

  beat(ws) {
    if (this.ws !== ws || this.final || ws.readyState !== WebSocket.OPEN) return;
    if (Date.now() - this.heard > 2 * this.heartbeatMs) {
      // Silent for two beats: leave this socket to die on its own and start a new one now.
      this.ws = null;
      clearInterval(this.heartbeat);
      ws.onclose = null;
      ws.close();
      this.emit("closed", { code: 4008, retryInMs: 0 });
      this.connect();
      return;
    }
    ws.send(JSON.stringify({ type: "ping" }));
  }

  onMessage(msg) {
    if (msg.type === "welcome" || msg.type === "room") {
      this.current = msg;
      this.lastPresence = msg.points;
      this.emit(msg.type, msg);
      this.emit("presence", { points: msg.points });
    } else if (msg.type === "delta") {
      if (!this.current) return;
      const merged = mergeDelta(this.current, msg);
      this.current = merged;
      this.lastPresence = merged.points;
      this.emit("room", merged);
      this.emit("presence", { points: merged.points });
    } else if (msg.type === "signal") {
      if (this.backendReady) this.emit("signal", msg);
      else this.queue.push(msg);
    } else {
      if (["refused", "removed", "replaced"].includes(msg.type)) this.final = true;
      this.emit(msg.type, msg);
    }
  }

  flushSignals() {
    this.backendReady = true;
    for (const msg of this.queue.splice(0)) this.emit("signal", msg);
  }

  holdSignals() {
    this.backendReady = false;
    this.queue = [];
  }

  get connected() { return !!this.ws && this.ws.readyState === WebSocket.OPEN; }

  // False when nothing was sent (the link is down): the caller says so, a command is never lost silently.
  send(msg) {
    if (!this.connected) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  command(command, extra = {}) { return this.send({ type: "command", command, ...extra }); }

  emit(name, detail) { this.dispatchEvent(new CustomEvent(name, { detail })); }
}
