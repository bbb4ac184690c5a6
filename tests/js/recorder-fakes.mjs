// Just enough of IndexedDB and of the recordings upload API (CONTRACTS §2) for the upload queue to run
// in Node: a database whose writes commit asynchronously (a write is kept only once its transaction
// completes), and a server that stores slices by number, answers 201/200/409/400 as the contract says,
// and can be taken down and brought back.

// --- IndexedDB ----------------------------------------------------------------------------
const later = (fn) => setTimeout(fn, 0);

class FakeRequest {
  constructor(run) {
    later(() => {
      try { this.result = run(); this.onsuccess && this.onsuccess(); } catch (err) { this.error = err; this.onerror && this.onerror(); }
    });
  }
}

class FakeObjectStore {
  constructor(data, keyPath, tx) { Object.assign(this, { data, keyPath, tx }); }
  key(value) {
    return JSON.stringify(Array.isArray(this.keyPath) ? this.keyPath.map((k) => value[k]) : value[this.keyPath]);
  }
  put(value) {
    if (this.tx.mode !== "readwrite") throw new Error("ReadOnlyError");
    this.tx.ops.push(() => this.data.set(this.key(value), structuredClone(value)));
    return new FakeRequest(() => undefined);
  }
  delete(key) {
    if (this.tx.mode !== "readwrite") throw new Error("ReadOnlyError");
    this.tx.ops.push(() => this.data.delete(JSON.stringify(key)));
    return new FakeRequest(() => undefined);
  }
  getAll() {
    return new FakeRequest(() => [...this.data.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => structuredClone(v)));
  }
}

class FakeTransaction {
  constructor(db, names, mode) {
    Object.assign(this, { db, names: [].concat(names), mode, ops: [] });
    // Commits after the requests made in this tick, as IndexedDB does.
    setTimeout(() => {
      if (this.db.factory.failWrites && this.mode === "readwrite") {
        this.error = new Error("QuotaExceededError");
        this.onerror && this.onerror();
        return;
      }
      for (const op of this.ops) op();
      this.oncomplete && this.oncomplete();
    }, 1);
  }
  objectStore(name) {
    const store = this.db.stores.get(name);
    return new FakeObjectStore(store.data, store.keyPath, this);
  }
}

class FakeDatabase {
  constructor(factory) {
    this.factory = factory;
    this.stores = new Map();
    this.objectStoreNames = { contains: (n) => this.stores.has(n) };
  }
  createObjectStore(name, { keyPath }) { this.stores.set(name, { keyPath, data: new Map() }); }
  transaction(names, mode = "readonly") { return new FakeTransaction(this, names, mode); }
}

// One per "browser profile": what it holds survives a page's reload (a new IdbStore.open on it).
export class FakeIndexedDB {
  constructor() { this.dbs = new Map(); this.failWrites = false; }
  open(name, version) {
    const req = {};
    later(() => {
      let db = this.dbs.get(name);
      const fresh = !db;
      if (fresh) { db = new FakeDatabase(this); this.dbs.set(name, db); }
      req.result = db;
      if (fresh && req.onupgradeneeded) req.onupgradeneeded();
      req.onsuccess && req.onsuccess();
    });
    return req;
  }
  count(name, store) { return this.dbs.get(name)?.stores.get(store)?.data.size ?? 0; }
}

// --- The server ----------------------------------------------------------------------------
const json = (status, body) => ({ status, json: async () => body });

export class FakeRecordingServer {
  constructor() {
    this.up = true;
    this.tracks = new Map(); // id → {take, slices: Map(seq → sha), closed, lastSeq}
    this.byTake = new Map();
    this.nextId = 1;
    this.calls = [];
    this.holdPuts = null; // a promise every PUT waits on (to watch concurrency)
    this.active = 0;
    this.maxActive = 0;
    this.fetch = (url, init) => this.handle(url, init);
    this.clock = () => Date.now(); // the server's clock (server_now_ms in the open's answer)
    this.clockDown = false; // the clock call answers 503
  }

  async handle(url, init = {}) {
    const method = init.method || "GET";
    this.calls.push(`${method} ${url}`);
    if (!this.up) throw new TypeError("Failed to fetch");
    let m;
    if (method === "POST" && (m = url.match(/\/phong\/(\d+)\/luong\/$/))) {
      const body = JSON.parse(init.body);
      let id = this.byTake.get(body.take);
      if (id == null) {
        id = this.nextId++;
        this.byTake.set(body.take, id);
        this.tracks.set(id, { take: body.take, source: body.source, point: body.point, slices: new Map(), closed: false, lastSeq: null });
      }
      const t = this.tracks.get(id);
      return json(201, { track: id, take: body.take, next_seq: t.slices.size ? Math.max(...t.slices.keys()) + 1 : 0, server_now_ms: this.clock() });
    }
    if (method === "POST" && (m = url.match(/\/luong\/(\d+)\/dong-ho\/$/))) {
      if (this.clockDown) return json(503, { error: "Máy chủ bận." });
      const t = this.tracks.get(Number(m[1]));
      t.clock = JSON.parse(init.body);
      t.clockOffsetMs = Math.round(t.clock.server_now_ms - (t.clock.sent_ms + t.clock.received_ms) / 2);
      return json(200, { track: Number(m[1]), clock_offset_ms: t.clockOffsetMs });
    }
    if (method === "PUT" && (m = url.match(/\/luong\/(\d+)\/doan\/(\d+)\/$/))) {
      this.active += 1;
      this.maxActive = Math.max(this.maxActive, this.active);
      try {
        if (this.holdPuts) await this.holdPuts;
        if (!this.up) throw new TypeError("Failed to fetch");
        const t = this.tracks.get(Number(m[1]));
        if (!t) return json(404, { error: "Không có luồng này." });
        const seq = Number(m[2]);
        const sha = init.headers["X-Slice-SHA256"];
        const bytes = new Uint8Array(await init.body.arrayBuffer());
        const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
        if (digest !== sha) return json(400, { error: "Mã băm không khớp." });
        if (t.slices.has(seq)) return t.slices.get(seq) === sha ? json(200, { seq, sha256: sha, duplicate: true }) : json(409, { error: "Đoạn này đã lưu với nội dung khác." });
        t.slices.set(seq, sha);
        return json(201, { seq, sha256: sha, stored: true });
      } finally {
        this.active -= 1;
      }
    }
    if (method === "POST" && (m = url.match(/\/luong\/(\d+)\/ket-thuc\/$/))) {
      const t = this.tracks.get(Number(m[1]));
      t.closed = true;
      t.lastSeq = JSON.parse(init.body).last_seq;
      return json(200, { closed: true, gaps: this.missing(t) });
    }
    if (method === "GET" && (m = url.match(/\/luong\/(\d+)\/$/))) {
      const t = this.tracks.get(Number(m[1]));
      const next = t.slices.size ? Math.max(...t.slices.keys()) + 1 : 0;
      return json(200, { next_seq: next, missing: this.missing(t, next - 1) });
    }
    return json(404, { error: "?" });
  }

  missing(t, upTo = t.lastSeq) {
    const out = [];
    let start = null;
    for (let seq = 0; seq <= (upTo ?? -1); seq++) {
      if (!t.slices.has(seq)) { if (start == null) start = seq; }
      else if (start != null) { out.push([start, seq - 1]); start = null; }
    }
    if (start != null) out.push([start, upTo]);
    return out;
  }

  track(take) { return this.tracks.get(this.byTake.get(take)); }
}
