// The media back ends behind one interface (live/static/live/media/backend.js): that every back end
// implements it, that a point is heard only while the server's room state says so (Art. 21 Decree 154:
// microphones on only when the chair gives the floor), and the getStats summaries the chair is shown.
import { afterEach, test } from "node:test";
import assert from "node:assert/strict";

import { MediaBackend, capVideoSenders, combineQuality, createBackend, summariseStats } from "../../src/tiepdan/live/static/live/media/backend.js";
import MeshBackend from "../../src/tiepdan/live/static/live/media/mesh.js";
import JanusBackend from "../../src/tiepdan/live/static/live/media/janus.js";
import { Signalling } from "../../src/tiepdan/live/static/live/signalling.js";
import { point, welcome } from "./room-fixtures.mjs";
import { FakeMediaStream, FakeTrack, installWebRTC, settle } from "./webrtc-fakes.mjs";

installWebRTC();

// --- One interface --------------------------------------------------------------------------------
const INTERFACE = ["join", "publish", "subscribe", "spotlight", "leave", "peerConnections", "receivedAudio"];

for (const [name, Backend] of [["mesh.js", MeshBackend], ["janus.js", JanusBackend]]) {
  test(`${name} is a MediaBackend and implements every method of the interface itself`, () => {
    assert.ok(Backend.prototype instanceof MediaBackend);
    const missing = INTERFACE.filter((m) => !Object.prototype.hasOwnProperty.call(Backend.prototype, m));
    assert.deepEqual(missing, [], `${name} falls back to the base class's "not implemented" for these`);
    for (const m of ["mute", "enforceMutes", "isHeard", "holdMutes"]) assert.equal(typeof Backend.prototype[m], "function", m);
  });
}

test("the back end is the module the server's credentials name, the mesh when they name none", async () => {
  const signalling = new Signalling("/ws/x/");
  const mesh = await createBackend({ self: { id: "2" }, credentials: null, signalling });
  assert.ok(mesh instanceof MeshBackend);
  const janus = await createBackend({ self: { id: "2" }, credentials: { module: "janus.js", room: 7 }, signalling });
  assert.ok(janus instanceof JanusBackend);
  assert.equal(janus.room, 7);
  mesh.releaseRoomState();
  janus.releaseRoomState();
});

test("the base class refuses, by name, a method a back end did not implement", async () => {
  class Partial extends MediaBackend {}
  const b = new Partial({ self: { id: "1" }, credentials: {}, signalling: null });
  await assert.rejects(b.join(), /Partial\.join\(\) is not implemented/);
  assert.throws(() => b.spotlight("2"), /Partial\.spotlight\(\) is not implemented/);
});

// --- Who is heard: the server's room state, never the sender --------------------------------------
test("heard: only a point the server lists as admitted and not muted", () => {
  const signalling = new Signalling("/ws/x/");
  signalling.onMessage(welcome([
    point(1, { muted: false }),
    point(2, { muted: true }),
    point(3, { muted: false, status: "lobby" }),
    point(4, { muted: false, status: "removed" }),
    point(5, { muted: undefined }),
  ]));
  const b = new MeshBackend({ self: { id: "9" }, credentials: {}, signalling });
  assert.deepEqual(["1", "2", "3", "4", "5", "6"].filter((id) => b.isHeard(id)), ["1"]);
  assert.equal(b.isHeard(1), true, "a numeric id is the same point");
  assert.equal(b.isHeard(null), false, "audio that is nobody's we know is not heard");
  b.releaseRoomState();
});

test("before the room's state arrives nobody is heard", () => {
  const b = new MeshBackend({ self: { id: "2" }, credentials: {}, signalling: new Signalling("/ws/x/") });
  assert.equal(b.isHeard("1"), false);
  b.releaseRoomState();
});

test("the own microphone follows the chair's mute at the source; another point's mute leaves it alone", () => {
  const b = new MeshBackend({ self: { id: "2" }, credentials: {}, signalling: null });
  const mic = new FakeTrack("audio");
  b.localStream = new FakeMediaStream([mic, new FakeTrack("video")]);
  b.mute("2", true);
  assert.equal(mic.enabled, false);
  b.mute("3", false);
  assert.equal(mic.enabled, false);
  b.mute(2, false);
  assert.equal(mic.enabled, true);
});

// A small room: one Signalling and one back end per browser, the server's relay of signals between them.
async function room({ topology, central = "1", ids, points }) {
  const browsers = new Map();
  for (const id of ids) {
    const signalling = new Signalling("/ws/x/");
    signalling.send = (msg) => {
      if (msg.type !== "signal") return;
      setImmediate(() => browsers.get(String(msg.to)).signalling.onMessage({ type: "signal", from: id, from_conn: `c${id}`, data: msg.data }));
    };
    signalling.onMessage(welcome(points));
    const backend = new MeshBackend({ self: { id }, credentials: { topology, central_point_id: central }, signalling });
    await backend.publish(new FakeMediaStream([new FakeTrack("audio", `mic-${id}`), new FakeTrack("video", `camera-${id}`)]));
    browsers.set(id, { signalling, backend });
  }
  for (const { backend } of browsers.values()) await backend.join();
  await settle();
  return {
    browsers,
    // The server's change of the room, as every browser receives it.
    async change(changed) {
      for (const { signalling } of browsers.values()) signalling.onMessage({ type: "delta", points: changed });
      await settle();
    },
    async close() { for (const { backend } of browsers.values()) await backend.leave(); },
  };
}

// What a browser plays: for each connection, its received audio tracks by mid, enabled or not.
function played(backend) {
  const out = {};
  for (const [id, peer] of backend.peers) {
    out[id] = Object.fromEntries(peer.pc.getTransceivers().filter((t) => t.receiver.track.kind === "audio").map((t) => [t.mid, t.receiver.track.enabled]));
  }
  return out;
}

test("mesh: a point the server holds muted is silent in every other browser, whatever its own microphone does", async (t) => {
  const r = await room({ topology: "mesh", ids: ["1", "2", "3"], points: [point(1, { muted: false }), point(2, { muted: true }), point(3, { muted: false })] });
  t.after(() => r.close());
  const one = r.browsers.get("1").backend;
  assert.deepEqual([...one.peers.keys()].sort(), ["2", "3"]);
  // Point 2's sender ignores its mute (its microphone track stays enabled): point 1 still does not hear it.
  assert.equal(r.browsers.get("2").backend.localStream.getAudioTracks()[0].enabled, true);
  assert.deepEqual(played(one), { 2: { 0: false }, 3: { 0: true } });
  await r.change([point(2, { muted: false }), point(3, { muted: true })]);
  assert.deepEqual(played(one), { 2: { 0: true }, 3: { 0: false } });
  assert.deepEqual(played(r.browsers.get("2").backend), { 1: { 0: true }, 3: { 0: false } });
});

test("mesh: a point removed from the session is not heard, even before its connection closes", async (t) => {
  const r = await room({ topology: "mesh", ids: ["1", "2"], points: [point(1, { muted: false }), point(2, { muted: false })] });
  t.after(() => r.close());
  const one = r.browsers.get("1").backend;
  const [track] = one.receivedAudio().map(([, tr]) => tr);
  assert.equal(track.enabled, true);
  await r.change([point(2, { status: "removed", muted: false })]);
  assert.equal(track.enabled, false);
  assert.equal(one.peers.size, 0, "and the connection to it is dropped");
});

test("star: a commune hears the central point, and the relayed speaker only while the server holds it unmuted", async (t) => {
  const r = await room({
    topology: "star", ids: ["1", "2", "3"],
    points: [point(1, { muted: false }), point(2, { muted: true }), point(3, { muted: true })],
  });
  t.after(() => r.close());
  const commune = r.browsers.get("2").backend;
  const central = r.browsers.get("1").backend;
  assert.deepEqual([...commune.peers.keys()], ["1"], "a commune holds one connection, to the central point");
  assert.deepEqual([...central.peers.keys()].sort(), ["2", "3"]);
  for (const { backend } of r.browsers.values()) backend.spotlight("3");
  await settle();
  // mid 0: the central point's own microphone; mid 2: the relay slot, now point 3's voice.
  assert.deepEqual(played(commune), { 1: { 0: true, 2: false } });
  await r.change([point(3, { muted: false })]);
  assert.deepEqual(played(commune), { 1: { 0: true, 2: true } });
  await r.change([point(1, { muted: true })]);
  assert.deepEqual(played(commune), { 1: { 0: false, 2: true } }, "the central point's own mute holds too");
  // The chair spotlights another point, still muted: the relay slot goes silent at once.
  commune.spotlight("4");
  assert.deepEqual(played(commune), { 1: { 0: false, 2: false } });
});

test("star: the central browser relays no audio of a muted speaker, only its picture, and never a point's own voice back", async (t) => {
  const r = await room({
    topology: "star", ids: ["1", "2", "3"],
    points: [point(1, { muted: false }), point(2, { muted: true }), point(3, { muted: true })],
  });
  t.after(() => r.close());
  const central = r.browsers.get("1").backend;
  central.spotlight("3");
  await settle();
  const speaker = central.peers.get("3").remote;
  const relayOf = (id) => central.peers.get(id).relaySenders.map((s) => s.track);
  assert.deepEqual(relayOf("2"), [null, speaker.video], "the picture is relayed, the muted voice is not");
  assert.deepEqual(relayOf("3"), [null, null], "the speaker is not sent itself");
  await r.change([point(3, { muted: false })]);
  assert.deepEqual(relayOf("2"), [speaker.audio, speaker.video]);
  await r.change([point(3, { muted: true })]);
  assert.deepEqual(relayOf("2"), [null, speaker.video], "muting the speaker takes the voice off the relay again");
});

test("janus: each subscription carries one feed, the point's; a muted feed is silenced in this browser too", () => {
  const signalling = new Signalling("/ws/x/");
  signalling.onMessage(welcome([point(1, { muted: false }), point(2, { muted: true })]));
  const b = new JanusBackend({ self: { id: "5" }, credentials: { room: 1 }, signalling });
  const feed = (kinds) => {
    const receivers = kinds.map((k) => ({ track: new FakeTrack(k) }));
    return { pc: { getReceivers: () => receivers } };
  };
  b.subscriptions.set("1", feed(["audio", "video"]));
  b.subscriptions.set("2", feed(["audio", "video"]));
  b.subscriptions.set("3", { pc: null }); // still being set up
  b.enforceMutes();
  const state = () => b.receivedAudio().map(([id, track]) => [id, track.enabled]);
  assert.deepEqual(state(), [["1", true], ["2", false]]);
  signalling.onMessage({ type: "delta", points: [point(1, { muted: true }), point(2, { muted: false })] });
  assert.deepEqual(state(), [["1", false], ["2", true]]);
  b.releaseRoomState();
  signalling.onMessage({ type: "delta", points: [point(1, { muted: false })] });
  assert.deepEqual(state(), [["1", false], ["2", true]], "a back end that left follows the room no more");
});

// --- getStats summaries: the chair's view of each connection --------------------------------------
function statsOf(entries) {
  return { getStats: async () => new Map(entries.map((e, i) => [String(i), e])) };
}

test("summariseStats: the nominated pair's round trip, loss over every inbound stream, video frames and the best frame rate", async () => {
  const pc = statsOf([
    { type: "candidate-pair", state: "failed", currentRoundTripTime: 9 },
    { type: "candidate-pair", state: "succeeded", nominated: true, currentRoundTripTime: 0.0824 },
    { type: "inbound-rtp", kind: "audio", packetsLost: 3, packetsReceived: 497, bytesReceived: 40000 },
    { type: "inbound-rtp", kind: "video", packetsLost: 2, packetsReceived: 498, bytesReceived: 960000, framesDecoded: 300, framesPerSecond: 24.6 },
    { type: "inbound-rtp", kind: "video", packetsLost: 0, packetsReceived: 10, bytesReceived: 0, framesDecoded: 5, framesPerSecond: 3 },
    { type: "outbound-rtp", kind: "video", packetsSent: 99999, bytesSent: 99999999 },
  ]);
  const q = await summariseStats(pc);
  assert.equal(q.rtt_ms, 82);
  assert.equal(q.loss_pct, 0.5); // 5 lost of 1010 sent to us: 0.495 %, one decimal
  assert.equal(q.frames_decoded, 305);
  assert.equal(q.fps, 25);
  assert.equal(q.bitrate_kbps, 0, "no earlier sample: no rate yet");
  assert.equal(q._raw.bytes, 1000000);
});

test("summariseStats: the bitrate is the bytes received since the previous sample over the time between", async () => {
  const pc = statsOf([{ type: "inbound-rtp", kind: "video", packetsReceived: 1, bytesReceived: 1_250_000 }]);
  const previous = { at: performance.now() - 2000, bytes: 250_000 };
  const q = await summariseStats(pc, previous);
  // 1 000 000 bytes in about 2 s is about 4 000 kbit/s (the test's own time adds a little to the 2 s).
  assert.ok(q.bitrate_kbps <= 4000 && q.bitrate_kbps > 3500, String(q.bitrate_kbps));
  const restarted = await summariseStats(statsOf([{ type: "inbound-rtp", kind: "video", bytesReceived: 10 }]), q._raw);
  assert.equal(restarted.bitrate_kbps, 0, "a new connection's counters start again: never a negative rate");
});

test("summariseStats: a connection with nothing received reports no round trip and no loss", async () => {
  const q = await summariseStats(statsOf([{ type: "candidate-pair", state: "succeeded", nominated: false, currentRoundTripTime: 0.05 }]));
  assert.deepEqual({ rtt: q.rtt_ms, loss: q.loss_pct, frames: q.frames_decoded, fps: q.fps }, { rtt: null, loss: 0, frames: 0, fps: 0 });
});

test("capVideoSenders: every video this connection sends is capped, nothing it only receives, none without a cap", async () => {
  const pc = new RTCPeerConnection({});
  pc.addTransceiver(new FakeTrack("audio"), { direction: "sendrecv" });
  pc.addTransceiver(new FakeTrack("video"), { direction: "sendrecv" });
  pc.addTransceiver("video", { direction: "recvonly" });
  pc.addTransceiver("video", { direction: "sendonly" }); // a star's relay slot
  assert.deepEqual(await capVideoSenders(pc, 0), []);
  assert.deepEqual(await capVideoSenders(pc, 800), [800_000, 800_000]);
  const caps = pc.getTransceivers().map((t) => t.sender.parameters.encodings[0]?.maxBitrate ?? null);
  assert.deepEqual(caps, [null, 800_000, null, 800_000]);
});

test("capVideoSenders: a sender that refuses the cap is left out of the caps in force", async (t) => {
  const pc = new RTCPeerConnection({});
  const refusing = pc.addTransceiver(new FakeTrack("video"), { direction: "sendrecv" });
  refusing.sender.setParameters = async () => { throw new Error("InvalidModificationError"); };
  pc.addTransceiver(new FakeTrack("video"), { direction: "sendrecv" });
  t.mock.method(console, "warn", () => {});
  assert.deepEqual(await capVideoSenders(pc, 500), [500_000]);
  assert.equal(console.warn.mock.callCount(), 1);
});

afterEach(() => settle(2));

test("combineQuality: a point's own quality is its worst connection's round trip and loss, the bitrates added up", () => {
  const q = combineQuality([
    { rtt_ms: 40, loss_pct: 0.5, bitrate_kbps: 900, fps: 25, frames_decoded: 1000 },
    { rtt_ms: 120, loss_pct: 0.1, bitrate_kbps: 700, fps: 12, frames_decoded: 400 },
    { rtt_ms: null, loss_pct: 0, bitrate_kbps: 0, fps: 0, frames_decoded: 0 }, // a connection still starting
  ]);
  assert.deepEqual(q, { rtt_ms: 120, loss_pct: 0.5, bitrate_kbps: 1600, fps: 0, frames_decoded: 1400, peers: 3, level: "ok" });
  assert.equal(combineQuality([]), null, "no connection: nothing to show or send");
});

test("combineQuality: the badge is good under 300 ms and 3 % loss, a warning under 10 % loss, bad beyond", () => {
  const level = (rtt_ms, loss_pct) => combineQuality([{ rtt_ms, loss_pct }]).level;
  assert.equal(level(299, 2.9), "ok");
  assert.equal(level(300, 0), "warn", "a slow link with no loss is a warning");
  assert.equal(level(50, 3), "warn");
  assert.equal(level(50, 9.9), "warn");
  assert.equal(level(50, 10), "bad");
  assert.equal(level(900, 12), "bad");
});
