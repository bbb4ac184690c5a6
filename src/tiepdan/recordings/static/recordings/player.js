// The recording's player: one <video> per point, kept in step with the central point's clock.
//
// The server hands over "segments": the windows of the timeline this viewer may play (the whole recording, or
// their own matters' chapters, minus restricted stretches), each with every point's source and where that
// source's time 0 lies on the recording's timeline (offset_s). Session time T is the central video's time
// plus its offset; every other video is held at T minus its own offset. Between segments the player jumps
// over what it may not play; a seek into such a stretch goes to the next segment.

const DRIFT_S = 0.3;

function clock(s) {
  const t = Math.max(0, Math.floor(s));
  return [Math.floor(t / 3600), Math.floor(t / 60) % 60, t % 60].map((n) => String(n).padStart(2, "0")).join(":");
}

export class Player {
  constructor(root, data) {
    this.root = root;
    this.segments = data.segments;
    this.restricted = data.restricted || [];
    this.videos = new Map();
    for (const figure of root.querySelectorAll(".rec-point")) {
      this.videos.set(Number(figure.dataset.point), { figure, video: figure.querySelector("video"), offset: 0, active: false });
    }
    this.current = -1;
    this.playing = false;
    this.announcer = root.querySelector("#rec-announcer");
    this.seekInput = root.querySelector("#rec-seek");
    this.timeOut = root.querySelector("#rec-time");
    this.playButton = root.querySelector("#rec-play");
    this.heard = null;
  }

  segmentAt(t) {
    // The segment holding t, else the first one after it (t inside a stretch not played for this viewer).
    let index = this.segments.findIndex((s) => t >= s.start_s && t < s.end_s);
    if (index < 0) index = this.segments.findIndex((s) => s.start_s > t);
    return index;
  }

  load(index) {
    if (index === this.current) return;
    this.current = index;
    const segment = this.segments[index];
    const byPoint = new Map(segment.sources.map((s) => [s.point, s]));
    for (const [point, entry] of this.videos) {
      const source = byPoint.get(point);
      entry.active = Boolean(source);
      entry.figure.classList.toggle("absent", !source);
      if (!source) {
        entry.video.pause();
        entry.video.removeAttribute("src");
        entry.video.load();
        continue;
      }
      entry.offset = source.offset_s;
      if (entry.video.dataset.url !== source.url) {
        entry.video.dataset.url = source.url;
        entry.video.src = source.url;
      }
    }
    this.master = [...this.videos.entries()].find(([point]) => (segment.sources.find((s) => s.point === point) || {}).central)
      || [...this.videos.entries()].find(([, e]) => e.active);
  }

  now() {
    if (!this.master) return 0;
    const [, entry] = this.master;
    return entry.video.currentTime + entry.offset;
  }

  seek(t) {
    let index = this.segmentAt(t);
    if (index < 0) {
      this.say("Không còn đoạn nào bạn được xem sau vị trí này.");
      return;
    }
    const segment = this.segments[index];
    if (t < segment.start_s) {
      this.say(`Đoạn này không được phát cho bạn; chuyển tới ${clock(segment.start_s)}.`);
      t = segment.start_s;
    }
    this.load(index);
    for (const entry of this.videos.values()) {
      if (!entry.active) continue;
      const local = Math.max(0, t - entry.offset);
      entry.video.currentTime = local;
    }
    this.show(t);
  }

  show(t) {
    this.seekInput.value = String(t);
    this.timeOut.textContent = clock(t);
  }

  hear(point) {
    this.heard = point;
    for (const [p, entry] of this.videos) {
      entry.video.muted = p !== point;
      entry.figure.classList.toggle("heard", p === point);
    }
  }

  async play() {
    this.playing = true;
    this.playButton.textContent = "Tạm dừng";
    const t = this.now();
    await Promise.all([...this.videos.values()].filter((e) => e.active && t >= e.offset).map((e) => e.video.play().catch(() => {})));
  }

  pause() {
    this.playing = false;
    this.playButton.textContent = "Phát";
    for (const entry of this.videos.values()) entry.video.pause();
  }

  tick() {
    if (this.current < 0) return;
    const t = this.now();
    const segment = this.segments[this.current];
    if (t >= segment.end_s - 0.05 && this.playing) {
      const next = this.current + 1;
      if (next < this.segments.length) {
        this.say(`Bỏ qua đoạn không được phát; tiếp tục từ ${clock(this.segments[next].start_s)}.`);
        this.seek(this.segments[next].start_s);
        this.play();
      } else {
        this.pause();
      }
      return;
    }
    for (const [point, entry] of this.videos) {
      if (!entry.active || (this.master && this.master[0] === point)) continue;
      const target = t - entry.offset;
      if (target < 0 || (entry.video.duration && target > entry.video.duration)) {
        if (!entry.video.paused) entry.video.pause();
        continue;
      }
      if (Math.abs(entry.video.currentTime - target) > DRIFT_S) entry.video.currentTime = target;
      if (this.playing && entry.video.paused) entry.video.play().catch(() => {});
    }
    this.show(t);
  }

  say(text) {
    if (this.announcer) this.announcer.textContent = text;
  }

  start(t) {
    const chosen = this.root.querySelector("input[name=rec-sound]:checked") || this.root.querySelector("input[name=rec-sound]");
    if (chosen) {
      chosen.checked = true;
      this.hear(Number(chosen.value));
    }
    this.seek(t);
    this.timer = setInterval(() => this.tick(), 250);
  }
}

function init() {
  const root = document.getElementById("player");
  const dataNode = document.getElementById("player-data");
  if (!root || !dataNode) return;
  const data = JSON.parse(dataNode.textContent);
  if (!data.segments.length) return;
  const player = new Player(root, data);
  window.tiepdanPlayer = player; // for the browser test and for debugging from the console
  root.addEventListener("change", (event) => {
    if (event.target.name === "rec-sound") player.hear(Number(event.target.value));
  });
  player.seekInput.addEventListener("change", () => player.seek(Number(player.seekInput.value)));
  player.playButton.addEventListener("click", () => (player.playing ? player.pause() : player.play()));
  for (const button of document.querySelectorAll(".rec-chapter")) {
    button.addEventListener("click", () => {
      document.querySelectorAll(".rec-chapters li").forEach((li) => li.classList.toggle("current", li.contains(button)));
      player.seek(Number(button.dataset.start));
    });
  }
  for (const small of document.querySelectorAll("[data-clock]")) small.textContent = clock(Number(small.dataset.clock));
  const fromHash = /^#t=(\d+(?:\.\d+)?)$/.exec(window.location.hash);
  player.start(fromHash ? Number(fromHash[1]) : data.start_s);
}

init();
