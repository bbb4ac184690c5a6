// signalling.js mergeDelta for the Python tests of the signalling WebSocket (tests/live/test_consumers.py):
// one JSON line in, [current, delta], one JSON line out, the room as the browser's own code rebuilds it.
// So those tests check the server's deltas against the client that reads them, not against a copy.
import { createInterface } from "node:readline";

import { mergeDelta } from "../../src/tiepdan/live/static/live/signalling.js";

for await (const line of createInterface({ input: process.stdin })) {
  const [current, delta] = JSON.parse(line);
  process.stdout.write(`${JSON.stringify(mergeDelta(current, delta))}\n`);
}
