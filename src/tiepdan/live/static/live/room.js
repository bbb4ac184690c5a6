// The room page of one point: device check, lobby, videos, speaking, quality, reconnect.
// The chair's console (console.js) is loaded on top of it at the central point.
import { combineQuality, createBackend } from "./media/backend.js";
import { Signalling } from "./signalling.js";
import { listDevices, openDevices, playTestTone, watchLevel } from "./devices.js";
import { icon } from "../core/icons.js";
import { RoomRecorder } from "../recordings/recorder.js";

const config = JSON.parse(document.getElementById("live-config").textContent);
const $ = (id) => document.getElementById(id);

const state = {
  selfId: String(config.point_id),
  snapshot: null,
  credentials: null,
  backend: null,
  backendKey: null,
  localStream: null,
  tiles: new Map(),
  quality: {},
  pointQuality: {}, // the points' measured quality as the server sends it: all of them to the chair, its own to a point
  device: null, // this browser's place at the point: {id, role, role_label, media, note}
  screen: null,
};
window.tiepdanRoom = state; // for the console, the tests and operators' debugging

// --- Recording (recordings/recorder.js; docs/MEDIA.md "Recording") ----------------------------
// Decree 154/2026 Art. 24: from the session's start to its close, this point's browser records its own
// camera and microphone, and the central point's browser also what it receives from each admitted point.
// On Janus the server records, not the browser.
state.received = new Map(); // pointId → the MediaStream this browser receives from that point
state.recorder = null;
const csrfToken = () => (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
if (document.getElementById("rec").dataset.tracksUrl) {
  RoomRecorder.fromPage({ element: document.getElementById("rec"), roomId: config.room_id, pointId: config.point_id, statusEl: document.getElementById("rec-upload"), csrf: csrfToken })
    .then((recorder) => { state.recorder = recorder; syncRecording(); })
    .catch((err) => console.error("recording unavailable", err));
}

function syncRecording() {
  if (!state.recorder || !state.snapshot) return;
  const room = state.snapshot.room;
  const me = state.snapshot.points.find((p) => p.id === state.selfId);
  const on = !!room.recording && room.state !== "closed" && room.backend !== "janus" && !!me && me.status === "admitted" && publishes();
  const relays = new Map();
  if (on && me.role === "central") {
    for (const p of state.snapshot.points) {
      if (p.id !== state.selfId && p.status === "admitted" && state.received.has(p.id)) relays.set(p.id, state.received.get(p.id));
    }
  }
  state.recorder.sync({ on, own: on ? state.localStream : null, relays });
}

const signalling = new Signalling(config.ws_path, { heartbeatMs: config.heartbeat_ms });
state.signalling = signalling;

function notice(text, kind = "info") {
  const el = $("notice");
  el.hidden = !text;
  el.textContent = text || "";
  el.dataset.kind = kind;
}

// The polite live region: what a chair who cannot see the screen must still learn.
function announce(lines) {
  if (!lines.length) return;
  const el = $("announcer");
  el.textContent = "";
  // A fresh text after a tick: screen readers announce a change, not a repeat of the same node.
  setTimeout(() => { el.textContent = lines.join(". "); }, 50);
}

function changesToAnnounce(before, snap) {
  const lines = [];
  if (!before || before.room.state !== snap.room.state) {
    if (before) lines.push(`Trạng thái phòng: ${snap.room.state_label}`);
  }
  const item = (r) => (r.current_item ? r.current_item.id : null);
  if (before && item(before.room) !== item(snap.room)) {
    lines.push(snap.room.current_item ? `Đang tiếp ${snap.room.current_item.label}` : "Đã kết thúc vụ việc, chưa tiếp vụ việc mới");
  }
  if (state.canChair) {
    const waitingBefore = new Set(before ? before.points.filter((p) => p.status === "lobby").map((p) => p.id) : []);
    for (const p of snap.points) {
      if (p.status === "lobby" && !waitingBefore.has(p.id)) lines.push(`Điểm cầu ${p.name} đang chờ trong phòng chờ`);
    }
  }
  return lines;
}

const publishes = () => !state.device || state.device.media;
const chosenRole = () => ($("device-role") ? $("device-role").value : "");
const roleNeedsCamera = () => ["media", "console"].includes(chosenRole());

// --- Device check --------------------------------------------------------------------------
async function fillSelect(select, devices, current) {
  select.innerHTML = "";
  devices.forEach((d, i) => {
    const opt = new Option(d.label || `${select.id.split("-")[0]} ${i + 1}`, d.deviceId);
    if (d.deviceId === current) opt.selected = true;
    select.add(opt);
  });
}

let stopPreviewLevel = () => {};
async function startDevices(ids = {}) {
  const status = $("device-status");
  status.innerHTML = "";
  try {
    if (state.localStream) state.localStream.getTracks().forEach((t) => t.stop());
    state.localStream = await openDevices(ids);
  } catch (err) {
    status.innerHTML = `<li class="bad">Không mở được camera hoặc micro (${err.name}). Kiểm tra thiết bị đã cắm và trình duyệt đã được cho phép dùng camera, micro, rồi tải lại trang.</li>`;
    return false;
  }
  $("preview").srcObject = state.localStream;
  const { cameras, mics, speakers } = await listDevices();
  const v = state.localStream.getVideoTracks()[0], a = state.localStream.getAudioTracks()[0];
  await fillSelect($("camera-select"), cameras, v && v.getSettings().deviceId);
  await fillSelect($("mic-select"), mics, a && a.getSettings().deviceId);
  await fillSelect($("speaker-select"), speakers, "default");
  status.innerHTML = `<li class="${v ? "ok" : "bad"}">Camera: ${v ? "hoạt động" : "không có"}</li><li class="${a ? "ok" : "bad"}">Micro: ${a ? "hoạt động (nói thử để xem mức âm lượng)" : "không có"}</li><li>Loa: bấm “Thử loa” để nghe tiếng bíp.</li>`;
  stopPreviewLevel();
  stopPreviewLevel = watchLevel(state.localStream, (level) => { $("mic-level").value = level; });
  $("enter").disabled = false;
  return true;
}

$("device-role").addEventListener("change", () => { if (!roleNeedsCamera()) $("enter").disabled = false; });

$("camera-select").addEventListener("change", () => startDevices({ cameraId: $("camera-select").value, micId: $("mic-select").value }));
$("mic-select").addEventListener("change", () => startDevices({ cameraId: $("camera-select").value, micId: $("mic-select").value }));
$("speaker-test").addEventListener("click", () => playTestTone($("speaker-select").value));
$("enter").addEventListener("click", () => {
  $("enter").disabled = true;
  $("device-check").hidden = true;
  sessionStorage.setItem(`live-entered-${config.point_id}`, chosenRole() || "1");
  signalling.path = `${config.ws_path}?role=${encodeURIComponent(chosenRole())}`;
  signalling.connect();
});

// --- Tiles ---------------------------------------------------------------------------------
function pointName(id) {
  const p = state.snapshot && state.snapshot.points.find((x) => x.id === String(id));
  return p ? p.name : `Điểm cầu ${id}`;
}

function tile(key, label) {
  let t = state.tiles.get(key);
  if (!t) {
    const fig = document.createElement("figure");
    fig.className = "tile";
    fig.dataset.point = key;
    fig.innerHTML = `<video autoplay playsinline></video><figcaption><span class="name"></span> <span class="mic"></span> <span class="speaking" hidden>đang nói</span></figcaption>`;
    $("tiles").appendChild(fig);
    t = { el: fig, video: fig.querySelector("video"), stream: null, stopLevel: () => {} };
    state.tiles.set(key, t);
  }
  t.el.querySelector(".name").textContent = label;
  return t;
}

function attach(key, label, stream, { muted = false } = {}) {
  const t = tile(key, label);
  if (t.stream !== stream) {
    t.stream = stream;
    t.video.srcObject = stream;
    t.video.muted = muted;
    const sink = $("speaker-select").value;
    if (!muted && sink && t.video.setSinkId) t.video.setSinkId(sink).catch(() => {});
    t.video.play().catch(() => {});
    t.stopLevel();
    t.stopLevel = watchLevel(stream, (level) => { t.el.querySelector(".speaking").hidden = level < 0.08; t.el.classList.toggle("is-speaking", level >= 0.08); });
  }
  layout();
}

function dropTile(key) {
  const t = state.tiles.get(key);
  if (!t) return;
  t.stopLevel();
  t.el.remove();
  state.tiles.delete(key);
}

function layout() {
  const snap = state.snapshot;
  if (!snap) return;
  const spot = snap.room.spotlight;
  const star = state.credentials && state.credentials.topology === "star" && state.credentials.central_point_id !== state.selfId;
  // In a star, a component point sees the spotlighted speaker through the central point's relay slot.
  const stageKey = spot ? (star && spot !== state.credentials.central_point_id && spot !== state.selfId ? "relay" : spot) : null;
  for (const [key, t] of state.tiles) {
    const onStage = key === stageKey;
    (onStage ? $("stage") : $("tiles")).appendChild(t.el);
    t.el.classList.toggle("spotlight", onStage);
    if (key === "relay") {
      t.el.querySelector(".name").textContent = spot ? pointName(spot) : "(chưa mời phát biểu)";
      t.el.hidden = !spot || spot === state.selfId || spot === state.credentials.central_point_id;
    }
    const p = snap.points.find((x) => x.id === (key === "relay" ? spot : key));
    t.el.querySelector(".mic").replaceChildren(...(p ? [icon(p.muted ? "mic-off" : "mic"), p.muted ? " đã tắt micro" : " đang mở micro"] : []));
    t.el.classList.toggle("muted", !!(p && p.muted));
  }
}

// --- Room state ------------------------------------------------------------------------------
function applySnapshot(snap) {
  announce(changesToAnnounce(state.snapshot, snap));
  state.snapshot = snap;
  const me = snap.points.find((p) => p.id === state.selfId);
  const room = snap.room;
  $("room-state").textContent = room.state_label;
  $("room-state").className = `badge ${room.state === "live" ? "ok" : room.state === "closed" ? "bad" : "warn"}`;
  const rec = $("rec");
  rec.className = `rec ${room.recording ? "on" : "off"}`;
  rec.textContent = room.recording ? "● Đang ghi hình" : "Không ghi hình";
  $("current-matter").textContent = room.current_item ? room.current_item.label : "Chưa tiếp vụ việc nào";
  if (me) {
    $("own-mic").textContent = me.muted ? "Micro: đã tắt (chờ người chủ trì mời phát biểu)" : "Micro: đang mở";
    $("own-mic").className = `badge ${me.muted ? "warn" : "ok"}`;
    const admitted = me.status === "admitted";
    $("lobby").hidden = admitted || room.state === "closed";
    $("room").hidden = !admitted;
    // Only the point's media device takes part in the media; the console, minutes and observer devices follow the room.
    $("no-media").hidden = publishes();
    if (state.device) $("no-media").textContent = `Máy này vào phòng với vai trò “${state.device.role_label}”: không truyền hình ảnh, âm thanh của điểm cầu.`;
    if (admitted && publishes()) ensureBackend(room).then(() => state.backend && state.backend.mute(state.selfId, me.muted));
  }
  for (const key of [...state.tiles.keys()]) {
    if (key === state.selfId || key === "relay") continue;
    const p = snap.points.find((x) => x.id === key);
    if (!p || p.status !== "admitted" || !p.connected) dropTile(key);
  }
  if (state.backend) state.backend.spotlight(room.spotlight);
  if (room.state === "closed") { notice("Phiên tiếp công dân đã kết thúc. Cảm ơn các điểm cầu đã tham gia."); teardown(); }
  layout();
  syncRecording();
  document.body.dispatchEvent(new CustomEvent("live-room-changed", { detail: snap }));
}

async function ensureBackend(room) {
  const key = `${room.backend}:${state.conn}`;
  if (state.backendKey === key) return;
  state.backendKey = key;
  if (state.backend) { await state.backend.leave(); state.backend = null; }
  signalling.holdSignals();
  const backend = await createBackend({ self: { id: state.selfId, name: $("self-name").textContent, role: state.role }, credentials: state.credentials, signalling });
  state.received.clear();
  backend.addEventListener("track", (e) => {
    const { pointId, stream, slot } = e.detail;
    if (slot !== "relay") { state.received.set(String(pointId), stream); syncRecording(); }
    if (slot === "relay") attach("relay", pointName(state.snapshot.room.spotlight), stream);
    else attach(pointId, pointName(pointId), stream);
  });
  backend.addEventListener("point-left", (e) => { dropTile(e.detail.pointId); state.received.delete(String(e.detail.pointId)); syncRecording(); });
  backend.addEventListener("quality", (e) => { state.quality[e.detail.pointId] = e.detail; });
  backend.addEventListener("backend-failed", (e) => {
    notice(`Mất kết nối tới máy chủ truyền hình (${e.detail.reason}); đang chuyển sang kết nối trực tiếp…`, "warn");
    signalling.send({ type: "backend_failed", reason: e.detail.reason });
  });
  state.backend = backend;
  await backend.publish(state.screen || state.localStream);
  attach(state.selfId, `${$("self-name").textContent} (điểm cầu này)`, state.localStream, { muted: true });
  await backend.join();
  backend.spotlight(room.spotlight);
}

async function teardown() {
  state.received.clear();
  if (state.recorder) state.recorder.stopAll();
  if (state.backend) await state.backend.leave();
  state.backend = null;
  clearInterval(state.qualityTimer);
}

// Own connection quality: the worst of this point's connections, shown and sent to the chair.
function reportQuality() {
  const all = Object.values(state.quality).filter((q) => state.backend && state.backend.peerConnections().length);
  const combined = combineQuality(all);
  if (!combined) return;
  const { level, ...quality } = combined;
  const el = $("own-quality");
  el.textContent = `Kết nối: ${quality.rtt_ms} ms · mất gói ${quality.loss_pct}% · nhận ${quality.bitrate_kbps} kbps`;
  el.className = `badge ${level}`;
  signalling.send({ type: "quality", quality });
}

function showPanels() {
  const role = state.device && state.device.role;
  if ($("console")) $("console").hidden = role !== "console";
  if ($("minutes-panel")) $("minutes-panel").hidden = role !== "minutes";
}

signalling.addEventListener("welcome", (e) => {
  const msg = e.detail;
  const first = !state.device;
  state.conn = msg.conn;
  state.role = msg.self.role;
  state.credentials = msg.credentials;
  state.canChair = msg.can_chair;
  state.device = msg.device;
  state.pointQuality = msg.quality || {};
  state.backendKey = null; // a new connection: the other points will renegotiate with it
  notice(msg.device.note || "", msg.device.note ? "warn" : "info");
  showPanels();
  if (!publishes() && state.backend) teardown();
  state.snapshot = null; // a welcome is the whole room: announce what is waiting now, not what changed
  applySnapshot(msg);
  if (first) {
    // Focus goes where the work is, not to <body> (the device check it was in is now hidden).
    const target = state.canChair ? $("console").querySelector("h2") : msg.device.role === "minutes" ? $("minutes-h")
      : document.querySelector("#lobby:not([hidden]) h2, #room:not([hidden]) .matter-bar");
    if (target) { target.tabIndex = -1; target.focus(); }
  }
  clearInterval(state.qualityTimer);
  state.qualityTimer = setInterval(reportQuality, 3000);
});
signalling.addEventListener("room", (e) => {
  if (e.detail.credentials) {
    // The server switched the media path (the SFU failed: live.services.sfu_failed); rebuild on the new one.
    const fellBack = state.credentials && state.credentials.backend === "janus" && e.detail.credentials.backend !== "janus";
    state.credentials = e.detail.credentials;
    if (fellBack) notice("Máy chủ chuyển tiếp hình ảnh không hoạt động; phiên đã tự động chuyển sang kết nối trực tiếp giữa các điểm cầu. Không cần thao tác gì thêm.", "warn");
  }
  applySnapshot(e.detail);
});
signalling.addEventListener("closed", (e) => {
  if (e.detail.retryInMs != null) notice(`Mất kết nối tới phòng họp. Đang kết nối lại sau ${Math.round(e.detail.retryInMs / 100) / 10} giây…`, "warn");
});
for (const kind of ["refused", "removed", "replaced"]) {
  signalling.addEventListener(kind, (e) => {
    notice(e.detail.message, "bad");
    $("room").hidden = true;
    $("lobby").hidden = true;
    teardown();
  });
}
signalling.addEventListener("error", (e) => notice(e.detail.message, "bad"));
signalling.addEventListener("quality", (e) => {
  state.pointQuality[e.detail.point_id] = e.detail.quality;
  document.body.dispatchEvent(new CustomEvent("live-quality", { detail: e.detail }));
});
// The chair moved this point's media to or from this device.
signalling.addEventListener("device", async (e) => {
  state.device = e.detail.device;
  state.conn = e.detail.conn;
  if (e.detail.credentials) state.credentials = e.detail.credentials;
  notice(state.device.note || "", "warn");
  showPanels();
  if (!publishes()) { await teardown(); dropTile(state.selfId); }
  state.backendKey = null;
  if (state.snapshot) applySnapshot(state.snapshot);
});
signalling.addEventListener("devices", (e) => document.body.dispatchEvent(new CustomEvent("live-devices", { detail: e.detail.devices })));

// The timer of the matter being received.
setInterval(() => {
  const room = state.snapshot && state.snapshot.room;
  const el = $("timer");
  if (!room || !room.matter_started_at) { el.textContent = ""; return; }
  const elapsed = Math.floor((Date.now() - Date.parse(room.matter_started_at)) / 1000);
  const left = room.matter_allotted_s - elapsed;
  const fmt = (s) => `${Math.floor(Math.abs(s) / 60)}:${String(Math.abs(s) % 60).padStart(2, "0")}`;
  el.textContent = left >= 0 ? `Đã tiếp ${fmt(elapsed)} · còn ${fmt(left)}` : `Đã tiếp ${fmt(elapsed)} · quá ${fmt(left)}`;
  el.classList.toggle("over", left < 0);
}, 1000);

// Start: the device check; a reload of a point already inside goes straight back in.
const entered = sessionStorage.getItem(`live-entered-${config.point_id}`);
if (entered && [...$("device-role").options].some((o) => o.value === entered)) $("device-role").value = entered;
if (!roleNeedsCamera()) $("enter").disabled = false;
startDevices().then((ok) => {
  if ((ok || !roleNeedsCamera()) && entered) $("enter").click();
});
if (config.is_console) import("./console.js").then((m) => m.start(state, signalling, config));
else if (config.minutes_url) import("./console.js").then((m) => m.startMinutes(config));
