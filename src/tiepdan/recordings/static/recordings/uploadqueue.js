// The browser's half of "nothing acknowledged is ever lost" (docs/MEDIA.md, "Recording without loss").
//
// Every slice a MediaRecorder gives is numbered from 0 within its take (one MediaRecorder run, a UUID),
// written to IndexedDB BEFORE it is sent, and deleted only once the server has acknowledged it (the
// server writes, fsyncs and hashes it before it answers: recordings API, CONTRACTS §2). So a reload, a
// lost link or a restarted server costs at most the slice being recorded; what was already recorded
// waits on this machine and is sent again, in order, when the server answers. A gap is never filled in
// silently: the server lists it, and a slice the server refuses (409: it holds another content under
// that number) is kept aside here and reported, not retried forever.
//
// No DOM here: the store (IndexedDB or a test's fake) and the HTTP calls are given to the queue, so
// tests/js/recorder-queue.test.mjs runs it in Node.

export const DB_NAME = "tiepdan-recordings";
export const DB_VERSION = 1;
const SLICES = "slices"; // keyed by [take, seq]
const TAKES = "takes"; // keyed by take: what the server needs to know about the take, and how far it got

// The wait before try number `attempt` (0-based) of a slice that failed: doubling from `baseMs`, never
// above `maxMs`, with jitter so that fifty halls coming back after a server restart do not all knock at
// once. The tries themselves go on while the page lives: the slice is on this machine anyway, and a
// server that is away for a few minutes (a restart, a cut link) must not cost it.
export function backoffMs(attempt, { baseMs = 500, maxMs = 10_000, random = Math.random } = {}) {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

// What an answer to a slice's PUT means for the slice.
//   "acked"     stored by the server (201), or already held with the same hash (200): delete it here;
//   "conflict"  409: the server holds another content under this number: kept aside, reported;
//   "refused"   the server will not take it (not this track's uploader, too large, no such track):
//               kept aside, reported; sending it again would change nothing;
//   "retry"     no answer (status 0), a wrong hash on arrival (400: corrupted on the way), the server
//               busy or away (408, 429, 5xx), or a session to renew: try again after backoffMs.
export function verdict(status) {
  if (status === 200 || status === 201) return "acked";
  if (status === 409) return "conflict";
  if ([403, 404, 410, 413].includes(status)) return "refused";
  return "retry";
}

// The numbers the server already holds, from `GET …/luong/<id>/` ({next_seq, missing: [[a, b], …]}).
export function heldByServer(status, seq) {
  if (!status || seq >= status.next_seq) return false;
  return !(status.missing || []).some(([a, b]) => seq >= a && seq <= b);
}

export async function sha256Hex(blob) {
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// --- The store: IndexedDB -------------------------------------------------------------------
const request = (req) => new Promise((resolve, reject) => {
  req.onsuccess = () => resolve(req.result);
  req.onerror = () => reject(req.error);
});

export class IdbStore {
  constructor(db) { this.db = db; }

  static async open(idb = globalThis.indexedDB, name = DB_NAME) {
    const req = idb.open(name, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(SLICES)) db.createObjectStore(SLICES, { keyPath: ["take", "seq"] });
      if (!db.objectStoreNames.contains(TAKES)) db.createObjectStore(TAKES, { keyPath: "take" });
    };
    return new IdbStore(await request(req));
  }

  // One write, resolved once its transaction has committed (a slice is "kept" only then).
  _write(storeName, fn) {
    return new Promise((resolve, reject) => {
      const tx = this.db.transaction(storeName, "readwrite");
      fn(tx.objectStore(storeName));
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error("IndexedDB transaction aborted"));
    });
  }

  _all(storeName) {
    return request(this.db.transaction(storeName, "readonly").objectStore(storeName).getAll());
  }

  putSlice(slice) { return this._write(SLICES, (s) => s.put(slice)); }
  deleteSlice(take, seq) { return this._write(SLICES, (s) => s.delete([take, seq])); }
  async slices(take) { return (await this._all(SLICES)).filter((s) => take == null || s.take === take); }
  putTake(take) { return this._write(TAKES, (s) => s.put(take)); }
  deleteTake(take) { return this._write(TAKES, (s) => s.delete(take)); }
  async takes() { return this._all(TAKES); }
}

// When IndexedDB cannot be opened (a browser that refuses it): the queue still sends, but a reload loses
// what waits. The page says nothing less than the truth: the status still counts what waits.
export class MemoryStore {
  constructor() { this.sliceMap = new Map(); this.takeMap = new Map(); }
  async putSlice(slice) { this.sliceMap.set(`${slice.take}:${slice.seq}`, slice); }
  async deleteSlice(take, seq) { this.sliceMap.delete(`${take}:${seq}`); }
  async slices(take) { return [...this.sliceMap.values()].filter((s) => take == null || s.take === take); }
  async putTake(take) { this.takeMap.set(take.take, { ...take }); }
  async deleteTake(take) { this.takeMap.delete(take); }
  async takes() { return [...this.takeMap.values()]; }
}

// --- The server: the recordings upload API (CONTRACTS §2) ------------------------------------
export class HttpApi {
  // urls: {tracks: "/ghi-hinh/phong/<room>/luong/", track: "/ghi-hinh/luong/0/"} (the 0 is the track's id)
  constructor({ urls, fetch = globalThis.fetch.bind(globalThis), csrf = () => "" }) {
    this.urls = urls;
    this.fetch = fetch;
    this.csrf = csrf;
  }

  trackUrl(trackId, tail = "") {
    return this.urls.track.replace(/\/0\/$/, `/${trackId}/`) + tail;
  }

  // Every call answers {status, body}; status 0 when no answer came (offline, server down).
  async _call(url, init = {}) {
    try {
      const res = await this.fetch(url, { credentials: "same-origin", ...init, headers: { "X-CSRFToken": this.csrf(), ...(init.headers || {}) } });
      let body = null;
      try { body = await res.json(); } catch (_) { /* not JSON: a proxy's error page */ }
      return { status: res.status, body };
    } catch (err) {
      return { status: 0, body: null, error: String(err) };
    }
  }

  _json(url, method, payload) {
    return this._call(url, { method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload) });
  }

  registerTrack(take, nowMs = Date.now()) {
    return this._json(this.urls.tracks, "POST", { point: Number(take.point), source: take.source, take: take.take, mime_type: take.mimeType, client_now_ms: nowMs });
  }

  putSlice(trackId, slice) {
    return this._call(this.trackUrl(trackId, `doan/${slice.seq}/`), {
      method: "PUT",
      headers: { "Content-Type": "application/octet-stream", "X-Slice-SHA256": slice.sha256, "X-Client-Time-Ms": String(Math.round(slice.clientTimeMs)) },
      body: slice.blob,
    });
  }

  // The open's round trip as this browser measured it: the server corrects the take's clock offset with it.
  syncClock(trackId, { sentMs, serverNowMs, receivedMs }) {
    return this._json(this.trackUrl(trackId, "dong-ho/"), "POST", { sent_ms: Math.round(sentMs), server_now_ms: serverNowMs, received_ms: Math.round(receivedMs) });
  }

  trackStatus(trackId) { return this._call(this.trackUrl(trackId)); }
  closeTrack(trackId, lastSeq) { return this._json(this.trackUrl(trackId, "ket-thuc/"), "POST", { last_seq: lastSeq }); }
}

// --- The queue --------------------------------------------------------------------------------
// Events ("change", detail = stats()): after every stored, sent, failed or set-aside slice.
export class UploadQueue extends EventTarget {
  constructor({ store, api, room, concurrency = 2, backoff = {}, now = () => Date.now(), setTimer = (fn, ms) => setTimeout(fn, ms), hash = sha256Hex, log = console }) {
    super();
    Object.assign(this, { store, api, room: String(room), concurrency, backoff, now, setTimer, hash, log });
    this.takes = new Map(); // take uuid → its record (as stored)
    this.pending = []; // slices not yet acknowledged nor set aside, in the order they are sent
    this.inFlight = new Set(); // "take:seq"
    this.registering = new Map(); // take → promise of its track id
    this.aside = []; // [{take, seq, why, status}] refused or conflicting: kept in IndexedDB, reported
    this.sent = 0;
    this.failures = 0; // tries failed in a row (any slice): the link is down while it is > 0
    this.lost = 0; // numbers the server lacks and this machine no longer has (recorded before a crash)
    this.timer = null;
    this.wakeAt = Infinity;
    this.idleWaiters = [];
  }

  stats() {
    return { queued: this.pending.length, sending: this.inFlight.size, sent: this.sent, failing: this.failures > 0, aside: this.aside.length, lost: this.lost };
  }

  _changed() { this.dispatchEvent(new CustomEvent("change", { detail: this.stats() })); }

  // A new take: kept before anything is recorded into it, so a slice never exists without its take.
  async openTake({ take, point, source, mimeType }) {
    const rec = { take, room: this.room, point: String(point), source, mimeType, trackId: null, createdAtMs: this.now(), lastSeq: -1, closeLastSeq: null };
    this.takes.set(take, rec);
    await this.store.putTake(rec);
    this._register(rec);
    return rec;
  }

  // A slice the recorder just gave: hashed, kept in IndexedDB, then queued. Call in seq order per take.
  async add(take, seq, blob, clientTimeMs) {
    const rec = this.takes.get(take);
    if (!rec) throw new Error(`unknown take ${take}`);
    const slice = { take, seq, room: this.room, blob, size: blob.size, sha256: await this.hash(blob), clientTimeMs, attempts: 0, notBefore: 0 };
    await this.store.putSlice(slice);
    if (seq > rec.lastSeq) {
      rec.lastSeq = seq;
      await this.store.putTake(rec);
    }
    if (rec.refused) await this._setAside(slice, "refused", rec.refused);
    else this._enqueue(slice);
    this._changed();
    this.pump();
  }

  // A clean stop: the take is closed on the server (ket-thuc) once every slice of it has been answered.
  async closeTake(take, lastSeq) {
    const rec = this.takes.get(take);
    if (!rec) return;
    rec.closeLastSeq = lastSeq;
    await this.store.putTake(rec);
    this.pump();
  }

  // After a reload or a crash: take up every take of this room that this page did not start and that
  // no other page of this browser is still recording (`busy`), ask the server what it lacks, send that.
  async resume({ busy = async () => false } = {}) {
    const takes = (await this.store.takes()).filter((t) => t.room === this.room && !this.takes.has(t.take));
    for (const rec of takes) {
      if (await busy(rec.take)) continue;
      rec.closing = false;
      const closeAt = rec.closeLastSeq ?? rec.lastSeq; // its recorder is gone: it ended with its last kept slice
      rec.closeLastSeq = null; // not closed before its kept slices are queued
      this.takes.set(rec.take, rec);
      const kept = (await this.store.slices(rec.take)).sort((a, b) => a.seq - b.seq);
      for (const s of kept) {
        if (s.aside) this.aside.push({ take: s.take, seq: s.seq, why: s.aside, status: s.asideStatus });
      }
      const trackId = await this._register(rec);
      const status = trackId == null ? null : await this.api.trackStatus(trackId);
      const known = status && status.status === 200 ? status.body : null;
      const keptSeqs = new Set(kept.map((s) => s.seq));
      if (known) {
        for (const [a, b] of known.missing || []) {
          for (let seq = a; seq <= Math.min(b, rec.lastSeq); seq++) if (!keptSeqs.has(seq)) this.lost += 1;
        }
      }
      for (const s of kept) {
        if (s.aside) continue;
        if (known && heldByServer(known, s.seq)) {
          await this.store.deleteSlice(s.take, s.seq); // acknowledged before the page went away, not yet deleted
          continue;
        }
        this._enqueue({ ...s, attempts: 0, notBefore: 0 });
      }
      rec.closeLastSeq = closeAt;
    }
    this._changed();
    this.pump();
  }

  _enqueue(slice) {
    const key = `${slice.take}:${slice.seq}`;
    if (this.pending.some((s) => `${s.take}:${s.seq}` === key)) return;
    const order = (s) => [this.takes.get(s.take)?.createdAtMs ?? 0, s.seq];
    this.pending.push(slice);
    this.pending.sort((x, y) => { const [a, b] = [order(x), order(y)]; return a[0] - b[0] || a[1] - b[1]; });
  }

  // The server's track for a take, registered once (the call is idempotent for the same take).
  _register(rec) {
    if (rec.trackId != null) return Promise.resolve(rec.trackId);
    if (this.registering.has(rec.take)) return this.registering.get(rec.take);
    const attempt = async (n) => {
      const sentMs = this.now();
      const res = await this.api.registerTrack(rec, sentMs);
      const receivedMs = this.now();
      if ((res.status === 200 || res.status === 201) && res.body && res.body.track != null) {
        // The take's place on the session's timeline: the server's clock read during this round trip, sent
        // back before any slice, so the server counts the clock offset from the round trip's middle, not
        // from the request's sending (late by its delay). Best effort: a failed call keeps the open's offset.
        if (res.body.server_now_ms != null) {
          const clock = await this.api.syncClock(res.body.track, { sentMs, serverNowMs: res.body.server_now_ms, receivedMs });
          if (clock.status !== 200) this.log.warn(`recording: clock of take ${rec.take} not corrected: HTTP ${clock.status}`);
        }
        rec.trackId = res.body.track;
        await this.store.putTake(rec);
        this._succeeded();
        return rec.trackId;
      }
      if (verdict(res.status) !== "retry") {
        this.log.warn(`recording: the server refused take ${rec.take}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
        rec.refused = res.status;
        for (const slice of this.pending.filter((s) => s.take === rec.take)) await this._setAside(slice, "refused", res.status);
        return null;
      }
      this._failed();
      await new Promise((r) => this.setTimer(r, backoffMs(n, this.backoff)));
      return attempt(n + 1);
    };
    const p = attempt(0).finally(() => { this.registering.delete(rec.take); this.pump(); });
    this.registering.set(rec.take, p);
    return p;
  }

  _succeeded() { if (this.failures) { this.failures = 0; this._changed(); } }
  _failed() { this.failures += 1; this._changed(); }

  // Start what may start: the earliest slices first, at most `concurrency` at once.
  pump() {
    const now = this.now();
    let soonest = Infinity;
    for (const slice of this.pending) {
      if (this.inFlight.size >= this.concurrency) break;
      const key = `${slice.take}:${slice.seq}`;
      if (this.inFlight.has(key)) continue;
      const rec = this.takes.get(slice.take);
      if (!rec || rec.trackId == null) { if (rec && !rec.refused) this._register(rec); continue; }
      if (slice.notBefore > now) { soonest = Math.min(soonest, slice.notBefore); continue; }
      this.inFlight.add(key);
      this._send(rec, slice).finally(() => { this.inFlight.delete(key); this.pump(); });
    }
    if (soonest < Infinity && soonest < this.wakeAt) {
      this.wakeAt = soonest;
      this.setTimer(() => { this.wakeAt = Infinity; this.pump(); }, Math.max(0, soonest - now));
    }
    this._closeFinished();
    if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  async _send(rec, slice) {
    const res = await this.api.putSlice(rec.trackId, slice);
    const v = verdict(res.status);
    if (v === "retry") {
      slice.attempts += 1;
      slice.notBefore = this.now() + backoffMs(slice.attempts - 1, this.backoff);
      this._failed();
      return;
    }
    if (v !== "acked") {
      this.log.warn(`recording: slice ${slice.seq} of take ${slice.take} ${v === "conflict" ? "conflicts with what the server holds" : "was refused"}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      await this._setAside(slice, v, res.status);
      return;
    }
    this.pending = this.pending.filter((s) => s !== slice);
    await this.store.deleteSlice(slice.take, slice.seq);
    this.sent += 1;
    this.failures = 0;
    this._changed();
  }

  // Kept in IndexedDB, marked, never sent again on its own; reported on the page (stats().aside).
  async _setAside(slice, why, status) {
    this.pending = this.pending.filter((s) => s !== slice);
    this.aside.push({ take: slice.take, seq: slice.seq, why, status });
    await this.store.putSlice({ ...slice, aside: why, asideStatus: status });
    this._changed();
  }

  // A take whose recorder stopped is closed once nothing of it waits (what was set aside stays a gap).
  _closeFinished() {
    for (const rec of this.takes.values()) {
      if (rec.closeLastSeq == null || rec.closing || rec.closed || rec.trackId == null) continue;
      if (this.pending.some((s) => s.take === rec.take)) continue;
      rec.closing = true;
      this.api.closeTrack(rec.trackId, rec.closeLastSeq).then(async (res) => {
        // Answered (closed, or refused for good: the server lists the take's gaps either way); only
        // no answer or a busy server is tried again.
        if (res.status >= 200 && res.status < 500 && ![408, 429].includes(res.status)) {
          if (res.status >= 300) this.log.warn(`recording: closing take ${rec.take} was refused: HTTP ${res.status} ${JSON.stringify(res.body)}`);
          if (!this.aside.some((a) => a.take === rec.take)) await this.store.deleteTake(rec.take);
          else await this.store.putTake({ ...rec, closing: false, closed: true });
          rec.closed = true;
          rec.closing = false;
          this._changed();
          this.pump();
        } else {
          rec.closing = false;
          this._failed();
          this.setTimer(() => this.pump(), backoffMs(Math.min(this.failures, 10), this.backoff));
        }
      });
    }
  }

  // Resolves when nothing waits to be sent (tests; a page's orderly close).
  isIdle() {
    const closing = [...this.takes.values()].some((t) => t.closeLastSeq != null && !t.closed && t.trackId != null);
    return !this.pending.length && !this.inFlight.size && !this.registering.size && !closing;
  }

  idle() {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
