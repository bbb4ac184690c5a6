// The room's recorder (recordings/static/recordings/recorder.js) with a fake MediaRecorder: which streams
// it records when, one take per MediaRecorder run, slices numbered from 0 and kept before they are sent,
// a take closed on a clean stop, and the status line that never hides a gap.
import { test } from "node:test";
import assert from "node:assert/strict";

import { RoomRecorder, pickMimeType, statusText, streamSignature } from "../../src/tiepdan/recordings/static/recordings/recorder.js";
import { HttpApi, IdbStore, UploadQueue } from "../../src/tiepdan/recordings/static/recordings/uploadqueue.js";
import { FakeIndexedDB, FakeRecordingServer } from "./recorder-fakes.mjs";

// The slices a fake server holds, by number: two uploads on the wire at once may be stored in either order.
const held = (track) => [...track.slices.keys()].sort((a, b) => a - b);

class Track {
  constructor(kind) { this.kind = kind; this.id = `${kind}-${Track.n++}`; this.readyState = "live"; }
}
Track.n = 0;
class Stream {
  constructor(tracks) { this.tracks = tracks; }
  getTracks() { return [...this.tracks]; }
  getAudioTracks() { return this.tracks.filter((t) => t.kind === "audio"); }
  getVideoTracks() { return this.tracks.filter((t) => t.kind === "video"); }
}
class FakeRecorder {
  static all = [];
  static isTypeSupported(t) { return t === "video/webm;codecs=vp8,opus" || t === "audio/webm;codecs=opus"; }
  constructor(stream, options) { Object.assign(this, { stream, options, state: "inactive" }); FakeRecorder.all.push(this); }
  start(timeslice) { this.timeslice = timeslice; this.state = "recording"; this.onstart && this.onstart(); }
  slice(text) { this.ondataavailable({ data: new Blob([text]) }); }
  requestData() { this.slice("flushed"); }
  stop() { this.slice("last"); this.state = "inactive"; setTimeout(() => this.onstop && this.onstop(), 0); }
}
globalThis.MediaRecorder = FakeRecorder;
globalThis.MediaStream = Stream;

const av = () => new Stream([new Track("audio"), new Track("video")]);
const quiet = { warn: () => {} };

async function setup() {
  FakeRecorder.all = [];
  const idb = new FakeIndexedDB(), server = new FakeRecordingServer();
  const store = await IdbStore.open(idb);
  const queue = new UploadQueue({ store, api: new HttpApi({ urls: { tracks: "/ghi-hinh/phong/3/luong/", track: "/ghi-hinh/luong/0/" }, fetch: server.fetch }), room: 3, log: quiet });
  return { idb, server, queue, recorder: new RoomRecorder({ queue, pointId: 10 }) };
}
const settle = (ms = 30) => new Promise((r) => setTimeout(r, ms));

test("nothing is recorded before the room is recorded; then the point's own stream is, in 2 s slices", async () => {
  const { server, queue, recorder } = await setup();
  const own = av();
  recorder.sync({ on: false, own });
  await settle();
  assert.equal(FakeRecorder.all.length, 0);
  recorder.sync({ on: true, own });
  await settle();
  assert.equal(FakeRecorder.all.length, 1);
  const mr = FakeRecorder.all[0];
  assert.equal(mr.timeslice, 2000);
  assert.equal(mr.options.mimeType, "video/webm;codecs=vp8,opus");
  mr.slice("a"); mr.slice("b");
  await settle();
  await queue.idle();
  const [track] = server.tracks.values();
  assert.equal(track.source, "own");
  assert.equal(track.point, 10);
  assert.deepEqual(held(track), [0, 1]);
  // The room closes: a clean stop gives the last slice and closes the take at it.
  recorder.sync({ on: false, own });
  await settle();
  await queue.idle();
  assert.deepEqual(held(track), [0, 1, 2]);
  assert.equal(track.closed, true);
  assert.equal(track.lastSeq, 2);
});

test("the central browser records each admitted point's received stream once both its tracks arrived", async () => {
  const { server, queue, recorder } = await setup();
  const audio = new Track("audio");
  const received = new Stream([audio]);
  recorder.sync({ on: true, own: av(), relays: new Map([["11", received]]) });
  await settle();
  assert.equal(FakeRecorder.all.length, 1, "only the own stream: the hall's video track is not there yet");
  received.tracks.push(new Track("video"));
  recorder.sync({ on: true, own: recorder.last.own, relays: new Map([["11", received]]) });
  await settle();
  assert.equal(FakeRecorder.all.length, 2);
  FakeRecorder.all[1].slice("r0");
  await settle();
  await queue.idle();
  const relay = [...server.tracks.values()].find((t) => t.source === "relay");
  assert.equal(relay.point, 11);
  assert.deepEqual([...relay.slices.keys()], [0]);
  // The hall left: its relay take ends cleanly; the own take goes on.
  recorder.sync({ on: true, own: recorder.last.own, relays: new Map() });
  await settle();
  await queue.idle();
  assert.equal(relay.closed, true);
  assert.equal(FakeRecorder.all[0].state, "recording");
});

test("a stream whose tracks changed (a reconnected hall) is a new take, numbered from 0 again", async () => {
  const { server, queue, recorder } = await setup();
  const own = av();
  recorder.sync({ on: true, own, relays: new Map([["11", av()]]) });
  await settle();
  FakeRecorder.all[1].slice("x");
  recorder.sync({ on: true, own, relays: new Map([["11", av()]]) });
  await settle();
  FakeRecorder.all[2].slice("y");
  await settle();
  await queue.idle();
  const relays = [...server.tracks.values()].filter((t) => t.source === "relay");
  assert.equal(relays.length, 2);
  assert.notEqual(relays[0].take, relays[1].take);
  assert.deepEqual(relays.map(held), [[0, 1], [0]]);
  assert.equal(relays[0].closed, true);
});

test("the status line says what was sent, what waits, and every gap", () => {
  assert.deepEqual(statusText({ queued: 0, sent: 12, failing: false, aside: 0, lost: 0 }), { text: "Ghi hình: đã gửi 12 đoạn", level: "ok" });
  assert.equal(statusText({ queued: 3, sent: 12, failing: true, aside: 0, lost: 0 }).text, "Mất kết nối ghi hình — đang gửi lại… (3 đoạn đã lưu trên máy này, chờ gửi)");
  const bad = statusText({ queued: 0, sent: 12, failing: false, aside: 1, lost: 2 });
  assert.equal(bad.level, "bad");
  assert.match(bad.text, /1 đoạn bị máy chủ từ chối/);
  assert.match(bad.text, /2 đoạn bị mất/);
});

test("the container is the first one the browser can write; a stream's signature is its live tracks", () => {
  assert.equal(pickMimeType({ video: true }, (t) => t === "video/webm"), "video/webm");
  assert.equal(pickMimeType({ video: false }, (t) => t.startsWith("audio/webm")), "audio/webm;codecs=opus");
  assert.equal(pickMimeType({ video: true }, () => false), "");
  const s = av();
  const before = streamSignature(s);
  s.tracks[0].readyState = "ended";
  assert.notEqual(streamSignature(s), before);
  assert.equal(streamSignature(null), "");
});
