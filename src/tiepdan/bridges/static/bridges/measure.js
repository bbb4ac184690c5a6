// The readiness test's arithmetic (readiness.js), apart from the page so it is tested without a browser
// (tests/js/readiness.test.mjs). The server stores the figures and judges them (bridges/rules.py).

// The middle of the ping round trips: one slow answer (a garbage collection, a retransmission) does not move it.
export function medianMs(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// From the connection's getStats(): the nominated pair's round trip, and the camera stream's packets
// sent and lost as the server's receiver reports them (remote-inbound-rtp).
export async function readStats(pc) {
  const found = { candidate_rtt_ms: null, packets_sent: null, packets_lost: null };
  const report = await pc.getStats();
  report.forEach((entry) => {
    if (entry.type === "candidate-pair" && entry.state === "succeeded" && entry.nominated && entry.currentRoundTripTime !== undefined) {
      found.candidate_rtt_ms = entry.currentRoundTripTime * 1000;
    }
    if (entry.type === "outbound-rtp" && entry.kind === "video") found.packets_sent = entry.packetsSent;
    if (entry.type === "remote-inbound-rtp" && entry.kind === "video") found.packets_lost = Math.max(0, entry.packetsLost);
  });
  return found;
}

// Percentage of the camera's packets lost, at most 100; null when the stream sent nothing to count.
export function packetLossPct(stats) {
  if (!stats.packets_sent || stats.packets_lost === null) return null;
  return Math.min(100, (100 * stats.packets_lost) / stats.packets_sent);
}

// The downlink rate (kbit/s) from (arrival time in ms, bytes so far) per chunk, taken after the first
// quarter of the bytes, past the sender's slow start; null when too little arrived to measure.
export function downlinkKbps(samples, bytes) {
  if (samples.length < 2) return null;
  let warm = samples.findIndex(([, total]) => total >= bytes * 0.25);
  warm = Math.min(Math.max(warm, 0), samples.length - 2);
  const [t0, b0] = samples[warm];
  const [t1, b1] = samples[samples.length - 1];
  return t1 > t0 ? ((b1 - b0) * 8) / (t1 - t0) : null; // bits per ms = kbps
}
