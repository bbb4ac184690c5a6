// The recording upload queue (recordings/static/recordings/uploadqueue.js) against a fake IndexedDB and a
// fake server that keeps the upload API's contract (CONTRACTS §2): nothing is deleted on this machine
// before the server acknowledged it, a reload resumes what is missing, a refused slice is kept aside.
import { test } from "node:test";
import assert from "node:assert/strict";

import { DB_NAME, HttpApi, IdbStore, UploadQueue, backoffMs, heldByServer, verdict } from "../../src/tiepdan/recordings/static/recordings/uploadqueue.js";
import { FakeIndexedDB, FakeRecordingServer } from "./recorder-fakes.mjs";

const ROOM = 7;
const urls = { tracks: `/ghi-hinh/phong/${ROOM}/luong/`, track: "/ghi-hinh/luong/0/" };
const quiet = { warn: () => {} };
const FAST = { baseMs: 5, maxMs: 20 };

async function page(idb, server, options = {}) {
  const store = await IdbStore.open(idb);
  const queue = new UploadQueue({ store, api: new HttpApi({ urls, fetch: server.fetch }), room: ROOM, backoff: FAST, log: quiet, ...options });
  return { store, queue };
}

const blob = (text) => new Blob([text]);
const take = (n = 1) => ({ take: `00000000-0000-4000-8000-00000000000${n}`, point: 12, source: "own", mimeType: "video/webm;codecs=vp8,opus" });

async function until(cond, what, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test("every slice reaches the server in order, and is kept on this machine until the server acknowledges it", async () => {
  const idb = new FakeIndexedDB(), server = new FakeRecordingServer();
  let release;
  server.holdPuts = new Promise((r) => { release = r; });
  const { queue } = await page(idb, server);
  const t = take();
  await queue.openTake(t);
  for (let seq = 0; seq < 6; seq++) await queue.add(t.take, seq, blob(`slice ${seq}`), 1000 + seq * 2000);
  // Nothing answered yet: all six are in IndexedDB, at most two on the wire.
  assert.equal(idb.count(DB_NAME, "slices"), 6);
  await until(() => server.active === 2, "two uploads in flight");
  assert.equal(server.maxActive, 2, "bounded concurrency");
  release();
  server.holdPuts = null;
  await queue.idle();
  // Every slice held (two on the wire at once may be stored in either order; the order sent is checked below).
  assert.deepEqual([...server.track(t.take).slices.keys()].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5]);
  assert.equal(idb.count(DB_NAME, "slices"), 0, "deleted once acknowledged");
  assert.equal(server.maxActive, 2);
  const puts = server.calls.filter((c) => c.startsWith("PUT")).map((c) => Number(c.split("/doan/")[1].replace("/", "")));
  assert.deepEqual(puts, [0, 1, 2, 3, 4, 5], "sent in the order recorded");
  assert.deepEqual(queue.stats(), { queued: 0, sending: 0, sent: 6, failing: false, aside: 0, lost: 0 });
});

test("the hash the server checks is the SHA-256 of the slice's bytes", async () => {
  const idb = new FakeIndexedDB(), server = new FakeRecordingServer();
  const seen = [];
  const spy = (url, init) => { if (init && init.method === "PUT") seen.push(init.headers); return server.fetch(url, init); };
  const store = await IdbStore.open(idb);
  const queue = new UploadQueue({ store, api: new HttpApi({ urls, fetch: spy }), room: ROOM, log: quiet });
  await queue.openTake(take());
  await queue.add(take().take, 0, blob("abc"), 1234.6);
  await queue.idle();
  assert.equal(seen[0]["X-Slice-SHA256"], "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert.equal(seen[0]["X-Client-Time-Ms"], "1235");
});

test("while the server is away the slices wait on this machine and the page says so; they all go when it is back", async () => {
  const idb = new FakeIndexedDB(), server = new FakeRecordingServer();
  const { queue } = await page(idb, server);
  const states = [];
  queue.addEventListener("change", (e) => states.push(e.detail.failing));
  const t = take();
  await queue.openTake(t);
  await queue.add(t.take, 0, blob("a"), 0);
  await queue.idle();
  server.up = false;
  for (let seq = 1; seq < 5; seq++) await queue.add(t.take, seq, blob(`s${seq}`), seq);
  await until(() => queue.stats().failing, "the failing state");
  await new Promise((r) => setTimeout(r, 60)); // several tries, each refused
  assert.equal(idb.count(DB_NAME, "slices"), 4, "nothing unacknowledged is deleted");
  assert.equal(queue.stats().queued, 4);
  server.up = true;
  await queue.idle();
  assert.deepEqual([...server.track(t.take).slices.keys()].sort((a, b) => a - b), [0, 1, 2, 3, 4]);
  assert.equal(queue.stats().failing, false);
  assert.ok(states.includes(true) && states.at(-1) === false);
});

test("a reloaded page sends the earlier take's unacknowledged slices, and closes that take at its last kept slice", async () => {
  const idb = new FakeIndexedDB(), server = new FakeRecordingServer();
  const first = await page(idb, server);
  const t = take(1);
  await first.queue.openTake(t);
  await first.queue.add(t.take, 0, blob("a"), 0);
  await first.queue.idle();
  server.up = false; // the link is lost, then the page is reloaded: the first queue is gone
  await first.queue.add(t.take, 1, blob("b"), 2000);
  await first.queue.add(t.take, 2, blob("c"), 4000);
  server.up = true;

  const second = await page(idb, server);
  const t2 = take(2); // the new page's own take goes on meanwhile
  await second.queue.openTake(t2);
  await second.queue.add(t2.take, 0, blob("new"), 6000);
  await second.queue.resume();
  await second.queue.idle();
  const old = server.track(t.take);
  assert.deepEqual([...old.slices.keys()].sort((a, b) => a - b), [0, 1, 2]);
  assert.equal(old.closed, true);
  assert.equal(old.lastSeq, 2);
  assert.deepEqual([...server.track(t2.take).slices.keys()], [0]);
  assert.equal(server.track(t2.take).closed, false, "the running take stays open");
  assert.equal(idb.count(DB_NAME, "slices"), 0);
  assert.equal(idb.count(DB_NAME, "takes"), 1, "the closed take is forgotten, the running one kept");
});

test("on resume, what the server already holds is not sent again, and what neither side has is counted as lost", async () => {
  const idb = new FakeIndexedDB(), server = new FakeRecordingServer();
  const first = await page(idb, server);
  const t = take();
  await first.queue.openTake(t);
  for (let seq = 0; seq < 4; seq++) await first.queue.add(t.take, seq, blob(`s${seq}`), seq);
  await first.queue.idle();
  // The page died after seq 1 and 3 were acknowledged but before they were deleted here; seq 2 never reached IndexedDB.
  const store = first.store;
  await store.putSlice({ take: t.take, seq: 1, room: String(ROOM), blob: blob("s1"), size: 2, sha256: "x", clientTimeMs: 1, attempts: 0, notBefore: 0 });
  await store.putSlice({ take: t.take, seq: 3, room: String(ROOM), blob: blob("s3"), size: 2, sha256: "y", clientTimeMs: 3, attempts: 0, notBefore: 0 });
  server.track(t.take).slices.delete(2);
  server.calls.length = 0;

  const second = await page(idb, server);
  await second.queue.resume();
  await second.queue.idle();
  assert.deepEqual(server.calls.filter((c) => c.startsWith("PUT")), [], "held slices are not sent twice");
  assert.equal(second.queue.stats().lost, 1, "the gap at seq 2 is reported, not hidden");
  assert.equal(idb.count(DB_NAME, "slices"), 0);
  assert.deepEqual(server.track(t.take).lastSeq, 3);
});

test("a slice the server holds with another content (409) is kept aside and reported, not retried forever", async () => {
  const idb = new FakeIndexedDB(), server = new FakeRecordingServer();
  const { queue } = await page(idb, server);
  const t = take();
  await queue.openTake(t);
  await queue.add(t.take, 0, blob("a"), 0);
  await queue.idle();
  server.track(t.take).slices.set(1, "someone-else's-hash");
  await queue.add(t.take, 1, blob("b"), 1);
  await queue.add(t.take, 2, blob("c"), 2);
  await queue.closeTake(t.take, 2);
  await queue.idle();
  await new Promise((r) => setTimeout(r, 60));
  const puts1 = server.calls.filter((c) => c.endsWith("/doan/1/"));
  assert.equal(puts1.length, 1, "asked once");
  assert.deepEqual(queue.stats().aside, 1);
  assert.deepEqual(queue.aside, [{ take: t.take, seq: 1, why: "conflict", status: 409 }]);
  assert.equal(idb.count(DB_NAME, "slices"), 1, "kept on this machine");
  assert.equal(server.track(t.take).slices.get(2) != null, true, "the slices after it still go");
  assert.equal(server.track(t.take).closed, true);
  // After a reload it is still reported, and still not sent.
  const again = await page(idb, server);
  await again.queue.resume();
  await again.queue.idle();
  assert.equal(again.queue.stats().aside, 1);
  assert.equal(server.calls.filter((c) => c.endsWith("/doan/1/")).length, 1);
});

test("a clean stop closes the take only after its last slice was acknowledged", async () => {
  const idb = new FakeIndexedDB(), server = new FakeRecordingServer();
  let release;
  server.holdPuts = new Promise((r) => { release = r; });
  const { queue } = await page(idb, server);
  const t = take();
  await queue.openTake(t);
  await queue.add(t.take, 0, blob("a"), 0);
  await queue.add(t.take, 1, blob("b"), 1);
  await queue.closeTake(t.take, 1);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(server.calls.some((c) => c.includes("ket-thuc")), false);
  release();
  server.holdPuts = null;
  await queue.idle();
  const calls = server.calls.filter((c) => !c.startsWith("POST /ghi-hinh/phong"));
  assert.match(calls.at(-1), /ket-thuc\/$/);
  assert.equal(server.track(t.take).lastSeq, 1);
});

test("a take still being recorded by another page of this browser is left to it", async () => {
  const idb = new FakeIndexedDB(), server = new FakeRecordingServer();
  const first = await page(idb, server);
  const t = take();
  server.up = false;
  await first.queue.openTake(t);
  await first.queue.add(t.take, 0, blob("a"), 0);
  server.up = true;
  const other = await page(idb, server);
  await other.queue.resume({ busy: async (id) => id === t.take });
  assert.equal(other.queue.takes.has(t.take), false);
});

test("the wait between tries doubles and stays bounded; the answers are sorted as the contract says", () => {
  const mid = () => 0.5;
  const waits = [0, 1, 2, 3, 4, 5, 10, 50].map((n) => backoffMs(n, { baseMs: 500, maxMs: 10_000, random: mid }));
  assert.deepEqual(waits, [375, 750, 1500, 3000, 6000, 7500, 7500, 7500]);
  for (let n = 0; n < 60; n++) assert.ok(backoffMs(n) <= 10_000);
  assert.deepEqual([201, 200, 409, 403, 413, 404, 400, 0, 500, 502, 503, 429, 408].map(verdict),
    ["acked", "acked", "conflict", "refused", "refused", "refused", "retry", "retry", "retry", "retry", "retry", "retry", "retry"]);
  const status = { next_seq: 6, missing: [[2, 3]] };
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((s) => heldByServer(status, s)), [true, true, false, false, true, true, false]);
});

test("a take the server refuses keeps its slices aside on this machine, and does not stop the others", async () => {
  const idb = new FakeIndexedDB(), server = new FakeRecordingServer();
  const refusing = (url, init) => (url.endsWith("/luong/") && init.body.includes("relay")
    ? Promise.resolve({ status: 403, json: async () => ({ error: "Máy này không được ghi luồng này." }) })
    : server.fetch(url, init));
  const store = await IdbStore.open(idb);
  const queue = new UploadQueue({ store, api: new HttpApi({ urls, fetch: refusing }), room: ROOM, backoff: FAST, log: quiet });
  const own = take(1), relay = { ...take(2), source: "relay", point: 13 };
  await queue.openTake(own);
  await queue.openTake(relay);
  await queue.add(relay.take, 0, blob("r"), 0);
  await queue.add(own.take, 0, blob("o"), 0);
  await queue.idle();
  assert.deepEqual([...server.track(own.take).slices.keys()], [0]);
  assert.equal(queue.stats().aside, 1);
  assert.equal(idb.count(DB_NAME, "slices"), 1);
});

test("the take's clock is measured over the open's round trip, before its first slice is sent", async () => {
  // This browser's clock runs 10 s behind the server's; the open's request and its answer take 2 s each.
  const idb = new FakeIndexedDB(), server = new FakeRecordingServer();
  let browserMs = 1_000_000;
  server.clock = () => browserMs + 10_000;
  const slow = async (url, init) => {
    if (!url.endsWith("/luong/")) return server.fetch(url, init);
    browserMs += 2000;
    const res = await server.fetch(url, init);
    browserMs += 2000;
    return res;
  };
  const store = await IdbStore.open(idb);
  const queue = new UploadQueue({ store, api: new HttpApi({ urls, fetch: slow }), room: ROOM, backoff: FAST, log: quiet, now: () => browserMs });
  const t = take();
  await queue.openTake(t);
  await queue.add(t.take, 0, blob("a"), browserMs);
  await queue.idle();
  const track = server.track(t.take);
  assert.deepEqual(track.clock, { sent_ms: 1_000_000, server_now_ms: 1_012_000, received_ms: 1_004_000 });
  assert.equal(track.clockOffsetMs, 10_000, "the round trip's middle; the sending time alone would say 12 000");
  const clockAt = server.calls.findIndex((c) => c.endsWith("/dong-ho/"));
  const firstPut = server.calls.findIndex((c) => c.startsWith("PUT"));
  assert.ok(clockAt >= 0 && clockAt < firstPut, "measured before any slice is placed");
});

test("a clock call that fails does not hold the slices back", async () => {
  const idb = new FakeIndexedDB(), server = new FakeRecordingServer();
  server.clockDown = true;
  const { queue } = await page(idb, server);
  const t = take();
  await queue.openTake(t);
  await queue.add(t.take, 0, blob("a"), 0);
  await queue.idle();
  assert.deepEqual([...server.track(t.take).slices.keys()], [0]);
  assert.equal(idb.count(DB_NAME, "slices"), 0);
});
