// The bridge point's readiness test, its figures as the browser computes them before the server judges them
// (bridges/static/bridges/measure.js, used by readiness.js).
import { test } from "node:test";
import assert from "node:assert/strict";

import { downlinkKbps, medianMs, packetLossPct, readStats } from "../../src/tiepdan/bridges/static/bridges/measure.js";

test("the round trip is the middle of the pings: one slow answer does not move it", () => {
  const times = [31, 29, 480, 30, 32];
  assert.equal(medianMs(times), 31);
  assert.deepEqual(times, [31, 29, 480, 30, 32], "the measured list is left as it was");
});

test("readStats: the nominated pair's round trip in ms, the camera's packets sent and those the server lost", async () => {
  const report = new Map(Object.entries({
    a: { type: "candidate-pair", state: "succeeded", nominated: false, currentRoundTripTime: 0.9 },
    b: { type: "candidate-pair", state: "succeeded", nominated: true, currentRoundTripTime: 0.0215 },
    c: { type: "outbound-rtp", kind: "audio", packetsSent: 77 },
    d: { type: "outbound-rtp", kind: "video", packetsSent: 1200 },
    e: { type: "remote-inbound-rtp", kind: "video", packetsLost: 18 },
  }));
  assert.deepEqual(await readStats({ getStats: async () => report }), { candidate_rtt_ms: 21.5, packets_sent: 1200, packets_lost: 18 });
});

test("readStats: nothing measured stays null, and a negative loss (duplicated packets) counts as none", async () => {
  const empty = await readStats({ getStats: async () => new Map() });
  assert.deepEqual(empty, { candidate_rtt_ms: null, packets_sent: null, packets_lost: null });
  const dup = await readStats({ getStats: async () => new Map([["x", { type: "remote-inbound-rtp", kind: "video", packetsLost: -3 }]]) });
  assert.equal(dup.packets_lost, 0);
});

test("packet loss is the lost share of what the camera sent, at most 100 %, unknown without a stream", () => {
  assert.equal(packetLossPct({ packets_sent: 1200, packets_lost: 18 }), 1.5);
  assert.equal(packetLossPct({ packets_sent: 1200, packets_lost: 0 }), 0, "no loss is a figure, not a missing one");
  assert.equal(packetLossPct({ packets_sent: 10, packets_lost: 40 }), 100);
  assert.equal(packetLossPct({ packets_sent: 0, packets_lost: 0 }), null);
  assert.equal(packetLossPct({ packets_sent: null, packets_lost: null }), null);
  assert.equal(packetLossPct({ packets_sent: 500, packets_lost: null }), null);
});

test("the downlink rate is read after the first quarter of the bytes, past the sender's slow start", () => {
  // 4 MB in 1 MB chunks: the first took 1 s (slow start), the next three 100 ms each.
  const samples = [[1000, 1_000_000], [1100, 2_000_000], [1200, 3_000_000], [1300, 4_000_000]];
  // From the sample at 1 MB (the first quarter) to the last: 3 MB in 300 ms = 80 000 kbit/s.
  assert.equal(downlinkKbps(samples, 4_000_000), 80_000);
});

test("the downlink rate needs two samples apart in time", () => {
  assert.equal(downlinkKbps([], 0), null);
  assert.equal(downlinkKbps([[5, 100]], 100), null);
  assert.equal(downlinkKbps([[5, 100], [5, 200]], 200), null);
  // The quarter falls on the last sample: the two last samples are used.
  assert.equal(downlinkKbps([[0, 1], [10, 1_000_000]], 1_000_000), ((1_000_000 - 1) * 8) / 10);
});
