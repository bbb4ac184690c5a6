// The device check before entering: camera, microphone (with a level meter), speaker.
export async function openDevices({ cameraId, micId } = {}) {
  return navigator.mediaDevices.getUserMedia({
    video: cameraId ? { deviceId: { exact: cameraId } } : { width: { ideal: 640 }, height: { ideal: 360 } },
    audio: micId ? { deviceId: { exact: micId } } : true,
  });
}

export async function listDevices() {
  const devices = await navigator.mediaDevices.enumerateDevices();
  return {
    cameras: devices.filter((d) => d.kind === "videoinput"),
    mics: devices.filter((d) => d.kind === "audioinput"),
    speakers: devices.filter((d) => d.kind === "audiooutput"),
  };
}

let audioContext = null;
export function audioCtx() {
  audioContext = audioContext || new AudioContext();
  if (audioContext.state === "suspended") audioContext.resume().catch(() => {});
  return audioContext;
}

// Calls onLevel(0..1) about 10 times a second with the stream's audio level; returns a stop function.
export function watchLevel(stream, onLevel) {
  if (!stream.getAudioTracks().length) return () => {};
  const ctx = audioCtx();
  const source = ctx.createMediaStreamSource(stream);
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 512;
  source.connect(analyser);
  const data = new Uint8Array(analyser.fftSize);
  const timer = setInterval(() => {
    analyser.getByteTimeDomainData(data);
    let peak = 0;
    for (const v of data) peak = Math.max(peak, Math.abs(v - 128) / 128);
    onLevel(peak);
  }, 100);
  return () => { clearInterval(timer); source.disconnect(); };
}

export function playTestTone(sinkId) {
  const ctx = audioCtx();
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  gain.gain.value = 0.1;
  osc.frequency.value = 440;
  const dest = ctx.createMediaStreamDestination();
  osc.connect(gain).connect(dest);
  const el = new Audio();
  el.srcObject = dest.stream;
  if (sinkId && el.setSinkId) el.setSinkId(sinkId).catch(() => {});
  el.play().catch(() => {});
  osc.start();
  setTimeout(() => { osc.stop(); el.srcObject = null; }, 800);
}
