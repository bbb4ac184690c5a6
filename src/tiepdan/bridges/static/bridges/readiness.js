// Readiness test of a bridge point, run in the point's own browser.
// Camera and microphone (preview, level meter), then a WebRTC connection to the server's peer:
// round-trip time, a bounded uplink burst (the server counts it), a bounded downlink burst,
// and packet loss from the receiver reports on the camera stream. The server stores and judges.
import { downlinkKbps, medianMs, packetLossPct, readStats } from "./measure.js";

const root = document.getElementById("readiness");
const startButton = document.getElementById("start");
const verdictBox = document.getElementById("verdict");
const preview = document.getElementById("preview");
const meter = document.getElementById("level");

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const vi = (value, digits = 1) => value.toLocaleString("vi-VN", { maximumFractionDigits: digits });
const mbps = (kbps) => `${vi(kbps / 1000)} Mbps`;

function step(name, text, ok) {
  const item = root.querySelector(`[data-step="${name}"]`);
  item.querySelector("span").textContent = text;
  item.classList.toggle("ok", ok === true);
  item.classList.toggle("bad", ok === false);
}

function withTimeout(promise, ms, message) {
  return Promise.race([promise, sleep(ms).then(() => { throw new Error(message); })]);
}

async function checkDevices() {
  let stream = null;
  const result = { stream, camera_ok: false, microphone_ok: false, peak_level: 0 };
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240, frameRate: 15 }, audio: true });
  } catch (error) {
    step("devices", `không mở được camera, micro (${error.name}): hãy cho phép trình duyệt dùng camera và micro rồi chạy lại`, false);
    return result;
  }
  result.stream = stream;
  preview.srcObject = stream;
  await withTimeout(new Promise((resolve) => {
    if (preview.videoWidth > 0) resolve();
    preview.addEventListener("loadeddata", resolve, { once: true });
  }), 5000, "no video").catch(() => {});
  const videoTrack = stream.getVideoTracks()[0];
  result.camera_ok = Boolean(videoTrack && videoTrack.readyState === "live" && preview.videoWidth > 0);

  const audioTrack = stream.getAudioTracks()[0];
  if (audioTrack) {
    const context = new AudioContext();
    await context.resume();
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    context.createMediaStreamSource(new MediaStream([audioTrack])).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const until = performance.now() + 2000;
    while (performance.now() < until) {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      const rms = Math.sqrt(sum / samples.length);
      meter.value = Math.min(1, rms * 4);
      result.peak_level = Math.max(result.peak_level, rms);
      await sleep(50);
    }
    context.close();
    result.microphone_ok = result.peak_level > 0.005;
  }
  const parts = [result.camera_ok ? "camera có hình" : "camera không có hình", result.microphone_ok ? "micro thu được âm thanh" : "micro không thu được âm thanh"];
  step("devices", parts.join(", "), result.camera_ok && result.microphone_ok);
  return result;
}

async function postJSON(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf },
    credentials: "same-origin",
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `Máy chủ trả lời lỗi ${response.status}`);
  return data;
}

function nextMessage(channel, type, ms) {
  return withTimeout(new Promise((resolve) => {
    const listener = (event) => {
      if (typeof event.data !== "string") return;
      const message = JSON.parse(event.data);
      if (message.t === type) {
        channel.removeEventListener("message", listener);
        resolve(message);
      }
    };
    channel.addEventListener("message", listener);
  }), ms, `hết thời gian chờ ${type}`);
}

async function connect(stream) {
  const pc = new RTCPeerConnection({ iceServers: [] });
  const channel = pc.createDataChannel("probe", { ordered: true });
  channel.binaryType = "arraybuffer";
  const video = stream && stream.getVideoTracks()[0];
  const sender = video ? pc.addTrack(video, stream) : null;
  await pc.setLocalDescription(await pc.createOffer());
  await withTimeout(new Promise((resolve) => {
    if (pc.iceGatheringState === "complete") resolve();
    pc.addEventListener("icegatheringstatechange", () => pc.iceGatheringState === "complete" && resolve());
  }), 3000, "gather").catch(() => {});
  const answer = await postJSON(root.dataset.offerUrl, { sdp: pc.localDescription.sdp, type: "offer" });
  await pc.setRemoteDescription({ type: "answer", sdp: answer.sdp });
  await withTimeout(new Promise((resolve) => {
    if (channel.readyState === "open") resolve();
    channel.addEventListener("open", resolve, { once: true });
  }), 10000, "Không mở được kênh dữ liệu tới máy chủ trong 10 giây");
  return { pc, channel, sender, video, probe: answer.probe, limits: answer.limits };
}

async function measureRtt(channel) {
  const times = [];
  for (let id = 0; id < 5; id += 1) {
    const sent = performance.now();
    const reply = nextMessage(channel, "pong", 3000);
    channel.send(JSON.stringify({ t: "ping", id }));
    await reply;
    times.push(performance.now() - sent);
  }
  return medianMs(times);
}

async function measureUplink(channel, limits) {
  const chunk = new Uint8Array(limits.chunk_bytes);
  crypto.getRandomValues(chunk.subarray(0, Math.min(chunk.length, 65536)));
  channel.bufferedAmountLowThreshold = 256 * 1024;
  channel.send(JSON.stringify({ t: "up-begin" }));
  const started = performance.now();
  let sent = 0;
  while (sent < limits.up_bytes && performance.now() - started < limits.max_s * 1000) {
    if (channel.bufferedAmount > 1024 * 1024) {
      await new Promise((resolve) => channel.addEventListener("bufferedamountlow", resolve, { once: true }));
      continue;
    }
    channel.send(chunk);
    sent += chunk.length;
  }
  const result = nextMessage(channel, "up-result", (limits.max_s + 10) * 1000);
  channel.send(JSON.stringify({ t: "up-end" }));
  return result;
}

async function measureDownlink(channel, limits) {
  // (arrival time, bytes so far) per chunk; the rate is taken after the first quarter, past the sender's slow start.
  const samples = [];
  let bytes = 0;
  const onData = (event) => {
    if (typeof event.data === "string") return;
    bytes += event.data.byteLength;
    samples.push([performance.now(), bytes]);
  };
  channel.addEventListener("message", onData);
  const end = nextMessage(channel, "down-end", (limits.max_s + 10) * 1000);
  channel.send(JSON.stringify({ t: "down-begin" }));
  await end;
  channel.removeEventListener("message", onData);
  return downlinkKbps(samples, bytes);
}

async function run() {
  startButton.disabled = true;
  verdictBox.hidden = true;
  const result = { camera_ok: false, microphone_ok: false, downlink_kbps: null, rtt_ms: null, packet_loss_pct: null, details: {} };
  let connection = null;
  const devices = await checkDevices();
  result.camera_ok = devices.camera_ok;
  result.microphone_ok = devices.microphone_ok;
  result.details.peak_level = devices.peak_level;
  try {
    step("connect", "đang kết nối…");
    connection = await connect(devices.stream);
    result.probe = connection.probe;
    step("connect", "đã kết nối", true);

    step("rtt", "đang đo…");
    const pingMs = await measureRtt(connection.channel);
    result.details.ping_ms = pingMs;

    // Loss is read while the camera streams on its own: during the bursts below the link is full on purpose.
    step("loss", "đang đo…");
    await sleep(2500);
    const stats = await readStats(connection.pc);
    result.details.stats = stats;
    result.packet_loss_pct = packetLossPct(stats);
    if (result.packet_loss_pct !== null) {
      step("loss", `${vi(result.packet_loss_pct)} % (${stats.packets_lost}/${stats.packets_sent} gói)`, true);
    } else {
      step("loss", "không có số liệu (không gửi hình)");
    }
    result.rtt_ms = stats.candidate_rtt_ms ?? pingMs;
    step("rtt", `${vi(result.rtt_ms, 0)} ms`, true);
    // The bursts measure the link, so the camera pauses while they run.
    if (connection.sender) await connection.sender.replaceTrack(null);

    step("uplink", "đang đo…");
    const up = await measureUplink(connection.channel, connection.limits);
    result.details.uplink_server = up;
    step("uplink", up.kbps ? mbps(up.kbps) : "không đo được", Boolean(up.kbps));

    step("downlink", "đang đo…");
    result.downlink_kbps = await measureDownlink(connection.channel, connection.limits);
    step("downlink", result.downlink_kbps ? mbps(result.downlink_kbps) : "không đo được", Boolean(result.downlink_kbps));

  } catch (error) {
    result.details.error = String(error.message || error);
    step("connect", `lỗi: ${result.details.error}`, false);
  }
  try {
    const stored = await postJSON(root.dataset.resultUrl, result);
    verdictBox.textContent = stored.verdict;
    verdictBox.className = `verdict ${stored.passed ? "ok" : "bad"}`;
  } catch (error) {
    verdictBox.textContent = `Không lưu được kết quả: ${error.message}. Hãy chạy lại kiểm tra.`;
    verdictBox.className = "verdict bad";
  }
  verdictBox.hidden = false;
  if (connection) connection.pc.close();
  if (devices.stream) devices.stream.getTracks().forEach((t) => t.stop());
  startButton.disabled = false;
}

startButton.addEventListener("click", run);
