// The browser's recorder (docs/MEDIA.md, "Recording"): each point's browser records its own camera and
// microphone, and the central point's browser also records what it receives from every other admitted
// point (source "relay": a second copy, which covers a hall whose PC dies before its last slice is sent).
// One MediaRecorder run is a "take" (a UUID); its slices (about 2 s each) go through the upload queue
// (uploadqueue.js), which keeps them in IndexedDB until the server acknowledges them.
//
// On Janus the server records every publisher itself: room.js does not start this recorder there.
//
// The room page drives it with one call, `sync({on, own, relays})`, whenever the room changes:
//   on      the room is being recorded (LiveRoom.recording: from the session's start to its close)
//   own     this point's camera+microphone stream, or null (a console or observer device does not record)
//   relays  Map(pointId → received MediaStream): only on the central point's browser
// A stream whose tracks change (a new camera, a reconnected hall) starts a new take; a stream that goes
// away ends its take cleanly (closed on the server once its last slice is acknowledged).
import { HttpApi, IdbStore, MemoryStore, UploadQueue } from "./uploadqueue.js";

export const TIMESLICE_MS = 2000;
const VIDEO_BITS = 1_000_000; // a hall's picture as evidence: legible faces and papers at 640×480, ~250 kB a slice
const AUDIO_BITS = 64_000;
const RELAY_WAIT_MS = 3000; // a received stream's audio and video tracks arrive one after the other
const LOCK = "tiepdan-recording-take:"; // Web Lock held by the page recording a take (another tab leaves it alone)

const CANDIDATES = ["video/webm;codecs=vp8,opus", "video/webm;codecs=vp9,opus", "video/webm", "video/mp4"];
const AUDIO_ONLY = ["audio/webm;codecs=opus", "audio/webm", "audio/mp4"];

// The first container this browser's MediaRecorder can write for a stream with (or without) video.
export function pickMimeType({ video = true } = {}, isSupported = (t) => globalThis.MediaRecorder && MediaRecorder.isTypeSupported(t)) {
  return (video ? CANDIDATES : AUDIO_ONLY).find((t) => isSupported(t)) || "";
}

// What a stream is, for "did it change": its live tracks' ids.
export function streamSignature(stream) {
  if (!stream) return "";
  return stream.getTracks().filter((t) => t.readyState !== "ended").map((t) => `${t.kind}:${t.id}`).sort().join(",");
}

// The page's status line: what is sent, what waits, and every gap, in words (a gap is never hidden).
export function statusText({ queued, sent, failing, aside, lost }) {
  const parts = [];
  if (failing) parts.push(`Mất kết nối ghi hình — đang gửi lại… (${queued} đoạn đã lưu trên máy này, chờ gửi)`);
  else parts.push(queued ? `Ghi hình: đã gửi ${sent} đoạn, ${queued} đoạn chờ gửi` : `Ghi hình: đã gửi ${sent} đoạn`);
  if (aside) parts.push(`${aside} đoạn bị máy chủ từ chối, giữ lại trên máy này: báo cán bộ kỹ thuật`);
  if (lost) parts.push(`${lost} đoạn bị mất khi máy đóng đột ngột (đã báo máy chủ)`);
  return { text: parts.join(" · "), level: aside || lost ? "bad" : failing ? "warn" : "ok" };
}

class Take {
  constructor({ queue, stream, point, source, timesliceMs }) {
    Object.assign(this, { queue, stream, point: String(point), source, timesliceMs });
    this.signature = streamSignature(stream);
    this.seq = 0;
    this.chain = Promise.resolve();
    this.done = null;
  }

  async start() {
    const video = this.stream.getVideoTracks().length > 0;
    this.mimeType = pickMimeType({ video });
    this.take = crypto.randomUUID();
    // The recorder starts at once; its take is kept (IndexedDB) before its first slice is.
    const opened = this.queue.openTake({ take: this.take, point: this.point, source: this.source, mimeType: this.mimeType });
    this.chain = opened;
    const locks = globalThis.navigator && navigator.locks;
    if (locks) locks.request(LOCK + this.take, () => new Promise((release) => { this.releaseLock = release; })).catch(() => {});
    const options = { videoBitsPerSecond: VIDEO_BITS, audioBitsPerSecond: AUDIO_BITS };
    if (this.mimeType) options.mimeType = this.mimeType;
    const mr = new MediaRecorder(new MediaStream(this.stream.getTracks()), options);
    this.recorder = mr;
    mr.ondataavailable = (e) => {
      if (!e.data || !e.data.size) return;
      const seq = this.seq++;
      const startedMs = this.sliceStart;
      this.sliceStart = Date.now();
      // In seq order: each slice is in IndexedDB before the next is handed over.
      this.chain = this.chain.then(() => this.queue.add(this.take, seq, e.data, startedMs)).catch((err) => console.error("recording: slice not kept", seq, err));
    };
    this.done = new Promise((resolve) => {
      const finish = () => {
        mr.onstop = mr.onerror = null;
        this.chain.then(() => this.queue.closeTake(this.take, this.seq - 1)).finally(() => {
          if (this.releaseLock) this.releaseLock();
          resolve();
        });
      };
      mr.onstop = finish;
      mr.onerror = (e) => { console.warn("recording: the recorder stopped", e.error || e); finish(); };
    });
    // The first slice begins when it is asked to: on a busy page the "start" event comes seconds later.
    this.sliceStart = Date.now();
    mr.start(this.timesliceMs);
    await opened;
  }

  stop() {
    if (this.recorder && this.recorder.state !== "inactive") this.recorder.stop(); // gives the last slice, then "stop"
    return this.done || Promise.resolve();
  }

  // The page is going away (reload, closed tab): hand over what was recorded since the last slice, if
  // the browser lets the page live that long. What it does not is the one slice a crash may cost.
  flush() {
    if (this.recorder && this.recorder.state === "recording") this.recorder.requestData();
  }

  get ended() { return !this.recorder || this.recorder.state === "inactive"; }
}

export class RoomRecorder {
  constructor({ queue, pointId, statusEl = null, timesliceMs = TIMESLICE_MS }) {
    Object.assign(this, { queue, pointId: String(pointId), statusEl, timesliceMs });
    this.takes = new Map(); // "own" | "relay:<pointId>" → Take
    // Takes told to stop whose last slice is not yet kept: MediaRecorder hands it over after stop(), so a
    // take leaves ``takes`` before it is done; ``stopping`` says the recorder still has slices to queue.
    this.stopping = new Set();
    this.firstSeen = new Map();
    this.last = { on: false, own: null, relays: new Map() };
    this.retimer = null;
    queue.addEventListener("change", (e) => this.render(e.detail));
    if (globalThis.addEventListener) globalThis.addEventListener("pagehide", () => { for (const t of this.takes.values()) t.flush(); });
  }

  // From the page: `<span id="rec" data-tracks-url=… data-track-url=…>` (live/templates/live/point.html).
  static async fromPage({ element, roomId, pointId, statusEl, csrf }) {
    let store;
    try {
      store = await IdbStore.open();
    } catch (err) {
      console.error("recording: IndexedDB unavailable; slices are kept in memory only", err);
      store = new MemoryStore();
    }
    const urls = { tracks: element.dataset.tracksUrl, track: element.dataset.trackUrl };
    const queue = new UploadQueue({ store, api: new HttpApi({ urls, csrf }), room: roomId });
    const recorder = new RoomRecorder({ queue, pointId, statusEl });
    // Earlier takes of this room (a reload, a crash): what the server lacks goes first.
    queue.resume({ busy: takeIsBusy }).catch((err) => console.error("recording: resume failed", err));
    return recorder;
  }

  sync({ on, own = null, relays = new Map() }) {
    this.last = { on, own, relays };
    clearTimeout(this.retimer);
    const wanted = new Map();
    if (on && typeof MediaRecorder !== "undefined") {
      if (own && streamSignature(own)) wanted.set("own", { stream: own, point: this.pointId, source: "own" });
      for (const [pointId, stream] of relays) {
        const key = `relay:${pointId}`;
        if (!streamSignature(stream)) continue;
        const complete = stream.getAudioTracks().length && stream.getVideoTracks().length;
        if (!this.firstSeen.has(key)) this.firstSeen.set(key, Date.now());
        const waited = Date.now() - this.firstSeen.get(key);
        if (!complete && waited < RELAY_WAIT_MS && !this.takes.has(key)) {
          this.retimer = setTimeout(() => this.sync(this.last), RELAY_WAIT_MS - waited + 50);
          continue;
        }
        wanted.set(key, { stream, point: pointId, source: "relay" });
      }
    }
    for (const [key, take] of [...this.takes]) {
      const want = wanted.get(key);
      if (!want || take.ended || streamSignature(want.stream) !== take.signature) {
        this.takes.delete(key);
        this._stopping(take.stop());
        if (!want) this.firstSeen.delete(key);
      }
    }
    for (const [key, want] of wanted) {
      if (this.takes.has(key)) continue;
      const take = new Take({ queue: this.queue, timesliceMs: this.timesliceMs, ...want });
      this.takes.set(key, take);
      take.start().catch((err) => {
        console.error("recording: could not start", key, err);
        if (this.takes.get(key) === take) this.takes.delete(key);
      });
    }
  }

  _stopping(done) {
    this.stopping.add(done);
    done.finally(() => this.stopping.delete(done));
    return done;
  }

  // A clean stop of every take (the room closed, this device no longer carries the point's media).
  stopAll() {
    const stopping = [...this.takes.values()].map((t) => this._stopping(t.stop()));
    this.takes.clear();
    this.firstSeen.clear();
    return Promise.all(stopping);
  }

  render(stats) {
    if (!this.statusEl) return;
    const { text, level } = statusText(stats);
    this.statusEl.hidden = stats.sent + stats.queued + stats.aside + stats.lost === 0;
    this.statusEl.textContent = text;
    this.statusEl.className = `badge ${level}`;
  }
}

async function takeIsBusy(take) {
  if (!globalThis.navigator || !navigator.locks || !navigator.locks.query) return false;
  const { held } = await navigator.locks.query();
  return held.some((l) => l.name === LOCK + take);
}
