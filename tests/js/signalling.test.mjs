// The room as a point's browser holds it: the welcome (or a whole "room") sets it, each "delta" patches it
// (signalling.js mergeDelta). The server side of the same contract is live/realtime.py snapshot_delta.
import { test } from "node:test";
import assert from "node:assert/strict";

import { Signalling, mergeDelta } from "../../src/tiepdan/live/static/live/signalling.js";
import { point, roomState, welcome } from "./room-fixtures.mjs";

test("a delta that changes one point replaces that point and keeps the others, in their order", () => {
  const current = welcome([point(1), point(2), point(3)]);
  const merged = mergeDelta(current, { type: "delta", points: [point(2, { muted: false })] });
  assert.deepEqual(merged.points.map((p) => [p.id, p.muted]), [["1", true], ["2", false], ["3", true]]);
  assert.equal(merged.points[0], current.points[0], "an unchanged point is the same object, not a copy");
  assert.equal(merged.type, "room");
  assert.equal(current.points[1].muted, true, "the room held before is not modified");
});

test("a point new to the room is added after the others", () => {
  const merged = mergeDelta(welcome([point(1), point(2)]), { type: "delta", points: [point(7, { status: "lobby" })] });
  assert.deepEqual(merged.points.map((p) => p.id), ["1", "2", "7"]);
  assert.equal(merged.points[2].status, "lobby");
});

test("a point the chair removed stays listed with its new status, so it is no longer taken for admitted", () => {
  const merged = mergeDelta(welcome([point(1), point(2)]), { type: "delta", points: [point(2, { status: "removed", connected: false })] });
  assert.deepEqual(merged.points.map((p) => [p.id, p.status]), [["1", "admitted"], ["2", "removed"]]);
});

test("the room's fields and its events are kept when the delta does not name them", () => {
  const current = welcome([point(1)]);
  const merged = mergeDelta(current, { type: "delta", points: [point(1, { connected: false })] });
  assert.deepEqual(merged.room, current.room);
  assert.deepEqual(merged.events, current.events);
  assert.equal(merged.points[0].connected, false);
});

test("a delta's events replace the list: the server sends its latest entries whole, the oldest fall off", () => {
  const old = [{ kind: "admitted", point: "Xã A" }, { kind: "muted", point: "Xã A" }];
  const current = { ...welcome([point(1)]), events: old };
  const latest = [{ kind: "floor_given", point: "Xã B" }, { kind: "admitted", point: "Xã A" }];
  const merged = mergeDelta(current, { type: "delta", points: [], events: latest });
  assert.deepEqual(merged.events, latest, "replaced, not appended");
});

test("a delta's room replaces the room's fields, and the points it does not name are untouched", () => {
  const current = welcome([point(1), point(2)]);
  const merged = mergeDelta(current, { type: "delta", points: [], room: roomState({ state: "live", spotlight: "2" }) });
  assert.equal(merged.room.state, "live");
  assert.equal(merged.room.spotlight, "2");
  assert.deepEqual(merged.points, current.points);
});

test("credentials come with a delta only when the media path changed: the merged room does not repeat old ones", () => {
  // room.js switches back end when a "room" event carries credentials; repeating the welcome's
  // on every later change would tear the media down each time.
  const current = { ...welcome([point(1)]), credentials: { module: "mesh.js", topology: "mesh" } };
  const plain = mergeDelta(current, { type: "delta", points: [point(1, { muted: false })] });
  assert.equal(plain.credentials, undefined);
  const switched = mergeDelta(current, { type: "delta", points: [], credentials: { module: "janus.js" } });
  assert.deepEqual(switched.credentials, { module: "janus.js" });
});

test("deltas applied one after another add up: the browser's room equals the server's", () => {
  let room = welcome([point(1), point(2), point(3)]);
  room = mergeDelta(room, { type: "delta", points: [point(2, { muted: false })], room: roomState({ spotlight: "2" }) });
  room = mergeDelta(room, { type: "delta", points: [point(2), point(3, { muted: false })], room: roomState({ spotlight: "3" }) });
  room = mergeDelta(room, { type: "delta", points: [point(4, { status: "lobby" })] });
  assert.deepEqual(room.points.map((p) => [p.id, p.status, p.muted]), [
    ["1", "admitted", true], ["2", "admitted", true], ["3", "admitted", false], ["4", "lobby", true],
  ]);
  assert.equal(room.room.spotlight, "3");
});

// --- The Signalling object's handling of what arrives (no socket: onMessage is what ws.onmessage calls) ---
function listen(signalling, ...names) {
  const heard = [];
  for (const name of names) signalling.addEventListener(name, (e) => heard.push([name, e.detail]));
  return heard;
}

test("a delta that arrives before the welcome is dropped: there is no room yet to patch", () => {
  const s = new Signalling("/ws/x/");
  const heard = listen(s, "room", "presence");
  s.onMessage({ type: "delta", points: [point(1)] });
  assert.deepEqual(heard, []);
  assert.equal(s.current, undefined);
});

test("after the welcome a delta emits the merged room and the points' presence", () => {
  const s = new Signalling("/ws/x/");
  s.onMessage(welcome([point(1), point(2)]));
  const heard = listen(s, "room", "presence");
  s.onMessage({ type: "delta", points: [point(1, { muted: false })] });
  assert.deepEqual(heard.map(([name]) => name), ["room", "presence"]);
  assert.equal(heard[0][1].points[0].muted, false);
  assert.equal(s.lastPresence, heard[1][1].points);
  assert.equal(s.current.points[0].muted, false);
});

test("a whole room replaces what the deltas built, points gone from it included", () => {
  const s = new Signalling("/ws/x/");
  s.onMessage(welcome([point(1), point(2)]));
  s.onMessage({ type: "room", ...welcome([point(1)]) });
  s.onMessage({ type: "delta", points: [point(3)] });
  assert.deepEqual(s.current.points.map((p) => p.id), ["1", "3"]);
});

test("signals wait until the media back end is ready, then arrive in order; holding them again drops the queue", () => {
  const s = new Signalling("/ws/x/");
  const heard = listen(s, "signal");
  s.onMessage({ type: "signal", from: "2", data: { sdp: 1 } });
  s.onMessage({ type: "signal", from: "3", data: { sdp: 2 } });
  assert.equal(heard.length, 0);
  s.flushSignals();
  assert.deepEqual(heard.map(([, d]) => d.from), ["2", "3"]);
  s.onMessage({ type: "signal", from: "4", data: {} });
  assert.equal(heard.length, 3, "once ready, a signal is passed on at once");
  s.holdSignals();
  s.onMessage({ type: "signal", from: "5", data: {} });
  s.flushSignals();
  assert.deepEqual(heard.map(([, d]) => d.from), ["2", "3", "4", "5"], "only what came after the hold");
});

test("a refusal, a removal or a replacement is final: the browser will not reconnect", () => {
  for (const type of ["refused", "removed", "replaced"]) {
    const s = new Signalling("/ws/x/");
    const heard = listen(s, type);
    s.onMessage({ type, message: "…" });
    assert.equal(s.final, true, type);
    assert.equal(heard.length, 1);
  }
  const s = new Signalling("/ws/x/");
  s.onMessage({ type: "error", message: "Lệnh điều hành không hợp lệ." });
  assert.equal(s.final, false, "an error answers one command; the room goes on");
});
