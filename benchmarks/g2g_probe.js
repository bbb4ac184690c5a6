// Glass-to-glass probe, injected into a page before its own scripts (Playwright add_init_script).
//
// Sender side: getUserMedia() returns a canvas on which the page's clock
// (performance.timeOrigin + performance.now(), ms since the epoch) is drawn as
// 64 black/white blocks every frame: 48 bits of the time, 16 bits of its complement
// (a frame read wrong is dropped, never counted). Audio is a quiet oscillator.
// Receiver side: every remote video track any RTCPeerConnection receives is
// played into a hidden <video>; requestVideoFrameCallback reads the blocks back
// from each decoded frame and subtracts from this page's clock. Both pages run on
// one machine, so both clocks are the same clock.
//
// window.__g2g = {samples: {trackId: [ms, ...]}, firstFrameAt: epoch ms of the first decoded remote frame}
(() => {
  const GRID = 8, BLOCK = 24, SIZE = GRID * BLOCK;
  const now = () => performance.timeOrigin + performance.now();
  const state = { samples: {}, firstFrameAt: null, bad: 0 };
  window.__g2g = state;

  function drawClock(ctx) {
    const t = Math.round(now());
    const bits = [];
    for (let i = 47; i >= 0; i--) bits.push(Math.floor(t / 2 ** i) % 2);
    const check = (~t) & 0xffff;
    for (let i = 15; i >= 0; i--) bits.push((check >> i) & 1);
    for (let k = 0; k < 64; k++) {
      ctx.fillStyle = bits[k] ? "#fff" : "#000";
      ctx.fillRect((k % GRID) * BLOCK, Math.floor(k / GRID) * BLOCK, BLOCK, BLOCK);
    }
  }

  function clockStream() {
    const canvas = document.createElement("canvas");
    canvas.width = SIZE; canvas.height = SIZE;
    const ctx = canvas.getContext("2d");
    drawClock(ctx);
    // A timer, not requestAnimationFrame: the benchmark pages may be in the background.
    setInterval(() => drawClock(ctx), 1000 / 60);
    const stream = canvas.captureStream(30);
    try {
      const audio = new AudioContext();
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      gain.gain.value = 0.01;
      const dest = audio.createMediaStreamDestination();
      osc.connect(gain).connect(dest);
      osc.start();
      stream.addTrack(dest.stream.getAudioTracks()[0]);
    } catch (_) { /* video alone is enough to measure */ }
    return stream;
  }

  const realGUM = navigator.mediaDevices && navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  if (navigator.mediaDevices) {
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      if (constraints && constraints.video) {
        const s = clockStream();
        if (!constraints.audio) for (const t of s.getAudioTracks()) s.removeTrack(t);
        return s;
      }
      return realGUM(constraints);
    };
  }
  window.__g2gClockStream = clockStream;

  function decode(ctx, video) {
    ctx.drawImage(video, 0, 0, SIZE, SIZE);
    const pixels = ctx.getImageData(0, 0, SIZE, SIZE).data;
    const bits = [];
    for (let k = 0; k < 64; k++) {
      const x = (k % GRID) * BLOCK + BLOCK / 2, y = Math.floor(k / GRID) * BLOCK + BLOCK / 2;
      const i = (Math.floor(y) * SIZE + Math.floor(x)) * 4;
      bits.push((pixels[i] + pixels[i + 1] + pixels[i + 2]) / 3 > 127 ? 1 : 0);
    }
    let t = 0;
    for (let k = 0; k < 48; k++) t = t * 2 + bits[k];
    let check = 0;
    for (let k = 48; k < 64; k++) check = check * 2 + bits[k];
    return check === ((~t) & 0xffff) ? t : null;
  }

  function watch(track) {
    if (track.kind !== "video" || state.samples[track.id]) return;
    state.samples[track.id] = [];
    const video = document.createElement("video");
    video.muted = true; video.playsInline = true; video.autoplay = true;
    video.style.cssText = "position:fixed;left:-10000px;width:64px;height:64px";
    video.srcObject = new MediaStream([track]);
    document.documentElement.appendChild(video);
    const canvas = document.createElement("canvas");
    canvas.width = SIZE; canvas.height = SIZE;
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    const onFrame = () => {
      const arrived = now();
      try {
        const sent = decode(ctx, video);
        if (sent != null && arrived - sent >= 0 && arrived - sent < 10000) {
          state.samples[track.id].push(arrived - sent);
          if (state.firstFrameAt == null) state.firstFrameAt = arrived;
        } else state.bad += 1;
      } catch (_) { state.bad += 1; }
      if (track.readyState === "live") video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
    video.play().catch(() => {});
  }

  const RealPC = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends RealPC {
    constructor(...args) {
      super(...args);
      this.addEventListener("track", (e) => watch(e.track));
    }
  };
})();
