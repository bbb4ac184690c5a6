// The chair's console at the central point: points and their state, the devices at each point,
// the agenda, commands, minutes. The minute-taker's PC runs the minutes alone (startMinutes).
const $ = (id) => document.getElementById(id);

// Rebuilding a table must not drop the keyboard's place: a control is known by its data-key, and the
// one that had focus gets it back after the rebuild (else its row, else the table), never <body>.
function keepingFocus(container, rebuild) {
  const focused = document.activeElement;
  const key = focused && container.contains(focused) ? focused.dataset.key : null;
  const row = focused && container.contains(focused) ? focused.closest("[data-row]") : null;
  const rowKey = row ? row.dataset.row : null;
  rebuild();
  if (!key && !rowKey) return;
  const again = (key && container.querySelector(`[data-key="${CSS.escape(key)}"]`))
    || (rowKey && container.querySelector(`[data-row="${CSS.escape(rowKey)}"] button`))
    || (rowKey && container.querySelector(`[data-row="${CSS.escape(rowKey)}"]`))
    || container;
  if (!again.matches("button, input, select, textarea, a[href]")) again.tabIndex = -1;
  again.focus();
}

export function start(state, signalling, config) {
  let offline = false; // the room's link is down: see holdWhileOffline
  const table = $("points-table").querySelector("tbody");
  const devicesTable = $("devices-table").querySelector("tbody");

  function qualityText(q) {
    if (!q || q.rtt_ms == null) return "—";
    return `${q.rtt_ms} ms · mất ${q.loss_pct || 0}% · ${q.bitrate_kbps || 0} kbps`;
  }

  function qualityClass(q) {
    if (!q || q.rtt_ms == null) return "";
    return q.rtt_ms < 300 && (q.loss_pct || 0) < 3 ? "ok" : (q.loss_pct || 0) < 10 ? "warn" : "bad";
  }

  function button(label, command, extra = {}, cls = "btn secondary") {
    const b = document.createElement("button");
    b.type = "button";
    b.className = cls;
    b.textContent = label;
    b.dataset.command = command;
    for (const [k, v] of Object.entries(extra)) b.dataset[k] = v;
    // Stable across rebuilds: the same command on the same point (a mute toggles, the key stays).
    b.dataset.key = [command, extra.point || "", extra.device || "", extra.observer || ""].join(":");
    return b;
  }

  let lastKey = "";
  function render(snap) {
    // Rebuild the rows only when something other than the measured quality changed, so a button
    // under the chair's pointer is not replaced every time a point reports its connection.
    const key = JSON.stringify([snap.room.spotlight, snap.points.map((p) => [p.id, p.status, p.connected, p.muted, p.participates, p.reconnects])]);
    if (key !== lastKey) { lastKey = key; keepingFocus(table, () => renderRows(snap)); holdWhileOffline(); }
    $("events").innerHTML = (snap.events || []).map((e) => `<li><time>${e.at.slice(11, 19)}</time> ${escapeHtml(e.label)}${e.point ? ` — ${escapeHtml(e.point)}` : ""}</li>`).join("");
    if (document.activeElement !== $("timer-minutes")) $("timer-minutes").value = Math.round(snap.room.matter_allotted_s / 60);
    // Closing a room that never went live is the chair's call and must say why (live.workflow.ROOM).
    const close = $("console").querySelector('[data-command="close"]');
    if (snap.room.state === "open") close.dataset.reasonPrompt = "Phiên chưa bắt đầu tiếp. Lý do kết thúc phòng họp khi chưa tiếp công dân nào (ghi vào nhật ký):";
    else delete close.dataset.reasonPrompt;
  }

  // Every browser at every point: who, in which role, since when; a second media device waits for the chair.
  function renderDevices(devices) {
    keepingFocus(devicesTable, () => {
      devicesTable.innerHTML = "";
      for (const d of devices) {
        const tr = document.createElement("tr");
        tr.dataset.row = `device-${d.id}`;
        tr.dataset.device = d.id;
        const since = new Date(d.since).toLocaleTimeString("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit", second: "2-digit" });
        tr.innerHTML = `<td data-label="Điểm cầu">${escapeHtml(d.point_name)}</td>
          <td data-label="Vai trò">${escapeHtml(d.role_label)}${d.media ? ` <span class="badge ok">đang truyền hình ảnh</span>` : ""}${d.requests_media ? ` <span class="badge warn">đề nghị truyền hình ảnh</span>` : ""}</td>
          <td data-label="Người dùng">${escapeHtml(d.who)}</td><td data-label="Từ lúc"><time datetime="${escapeHtml(d.since)}">${since}</time></td><td data-label="Thao tác" class="actions"></td>`;
        if (d.requests_media) {
          tr.querySelector(".actions").append(button("Cho truyền hình ảnh", "grant_media", { device: d.id }, "btn"), button("Không cho", "deny_media", { device: d.id }));
        }
        devicesTable.appendChild(tr);
      }
    });
    holdWhileOffline();
  }

  function renderQuality(pointId, quality) {
    const cell = table.querySelector(`tr[data-point="${pointId}"] .q`);
    if (!cell) return;
    cell.textContent = qualityText(quality);
    cell.className = `q ${qualityClass(quality)}`;
  }

  function renderRows(snap) {
    table.innerHTML = "";
    for (const p of snap.points) {
      const tr = document.createElement("tr");
      tr.dataset.point = p.id;
      tr.dataset.row = `point-${p.id}`;
      const q = state.pointQuality[p.id];
      tr.className = `point-${p.status}`;
      const conn = p.connected ? `<span class="badge ok">trực tuyến</span>` : `<span class="badge ${p.status === "awaited" ? "" : "bad"}">mất kết nối</span>`;
      const again = p.reconnects ? ` <small>(kết nối lại ${p.reconnects} lần)</small>` : "";
      tr.innerHTML = `<td data-label="Điểm cầu">${escapeHtml(p.name)}${p.id === snap.room.spotlight ? " <span class=\"badge ok\">hiển thị lớn</span>" : ""}${!p.participates && p.status === "admitted" ? " <small>(theo dõi)</small>" : ""}</td>
        <td data-label="Trạng thái" class="status">${p.status_label}</td><td data-label="Kết nối">${conn}${again}<br><small class="q ${qualityClass(q)}">${qualityText(q)}</small></td>
        <td data-label="Micro" class="mic">${p.muted ? "đã tắt" : "đang mở"}</td><td data-label="Thao tác" class="actions"></td>`;
      const actions = tr.querySelector(".actions");
      if (p.role !== "central") {
        if (p.status === "lobby") {
          actions.append(button("Cho vào", "admit", { point: p.id }, "btn"));
          if (p.role === "observer") actions.append(button("Cho vào (chỉ theo dõi)", "admit", { point: p.id, observer: "1" }));
        }
        if (p.status === "admitted") {
          if (p.participates) actions.append(button("Mời phát biểu", "floor", { point: p.id }));
          actions.append(button(p.muted ? "Mở micro" : "Tắt micro", "mute", { point: p.id, muted: p.muted ? "0" : "1" }));
          actions.append(button("Hiển thị lớn", "spotlight", { point: p.id }));
        }
        if (p.status === "admitted" || p.status === "lobby") actions.append(button("Mời ra", "remove", { point: p.id }));
        // The chair's override, which must say why (live.workflow.POINT): the point waits in the lobby again.
        if (p.status === "removed") actions.append(button("Cho trở lại phòng chờ", "let_back", { point: p.id, reasonPrompt: "Lý do cho điểm cầu đã bị mời ra trở lại phòng chờ (ghi vào nhật ký):" }));
      }
      table.appendChild(tr);
    }
  }

  document.body.addEventListener("live-room-changed", (e) => render(e.detail));
  document.body.addEventListener("live-quality", (e) => renderQuality(e.detail.point_id, e.detail.quality));
  document.body.addEventListener("live-devices", (e) => renderDevices(e.detail));
  signalling.addEventListener("welcome", (e) => renderDevices(e.detail.devices || []));
  if (signalling.current && signalling.current.devices) renderDevices(signalling.current.devices);

  // The agenda is swapped by htmx when the room changes: the keyboard keeps its place there too.
  const agendaBox = $("agenda");
  let agendaFocus = null;
  agendaBox.addEventListener("htmx:beforeSwap", () => {
    const f = document.activeElement;
    agendaFocus = f && agendaBox.contains(f) ? (f.dataset.key || "agenda") : null;
  });
  agendaBox.addEventListener("htmx:afterSwap", () => {
    if (!agendaFocus) return;
    const again = agendaBox.querySelector(`[data-key="${CSS.escape(agendaFocus)}"]`) || agendaBox.querySelector("li.current") || agendaBox;
    if (!again.matches("button, a[href]")) again.tabIndex = -1;
    again.focus();
    agendaFocus = null;
  });

  // While the room's link is down (a server restart, the network) a command would go nowhere: the console's
  // controls wait, disabled, and say why, until the welcome of the new link brings the room back.
  function holdWhileOffline() {
    for (const c of $("console").querySelectorAll("[data-command], #timer-minutes")) c.disabled = offline;
    $("console-offline").hidden = !offline;
  }
  signalling.addEventListener("closed", (e) => { if (e.detail.retryInMs != null) { offline = true; holdWhileOffline(); } });
  signalling.addEventListener("welcome", () => { offline = false; holdWhileOffline(); });
  agendaBox.addEventListener("htmx:afterSwap", holdWhileOffline);

  // Every console button speaks the same protocol: data-command plus its data-* arguments.
  $("console").addEventListener("click", (e) => {
    const b = e.target.closest("[data-command]");
    if (!b) return;
    const { command, point, item, muted, observer, device, confirm: question, reasonPrompt } = b.dataset;
    if (question && !window.confirm(question)) return;
    const extra = {};
    if (reasonPrompt) {  // an override the server accepts only with a reason (starting a session not marked ready)
      const reason = window.prompt(reasonPrompt, "");
      if (!reason || !reason.trim()) return;
      extra.reason = reason.trim();
    }
    if (point) extra.point = point;
    if (item) extra.item = item;
    if (device) extra.device = device;
    if (command === "mute") extra.muted = muted === "1";
    if (command === "admit") extra.as_observer = observer === "1";
    if (command === "remove") {
      const reason = window.prompt("Lý do mời điểm cầu ra khỏi phiên (ghi vào nhật ký):", "Vi phạm nội quy phiên tiếp");
      if (!reason) return;
      extra.reason = reason;
    }
    if (!signalling.command(command, extra)) { offline = true; holdWhileOffline(); }
  });
  $("timer-minutes").addEventListener("change", (e) => signalling.command("timer", { minutes: Number(e.target.value) }));

  // Share a screen (or a document window from the dossier) in place of the camera; stop to return to it.
  $("share-screen").addEventListener("click", async () => {
    if (state.screen) return stopShare();
    try {
      const display = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      const mixed = new MediaStream([display.getVideoTracks()[0], ...state.localStream.getAudioTracks()]);
      state.screen = mixed;
      display.getVideoTracks()[0].addEventListener("ended", stopShare);
      await state.backend.publish(mixed);
      $("share-screen").textContent = "Dừng chia sẻ màn hình";
      signalling.command("screen", { on: true });
    } catch (err) {
      window.alert("Không chia sẻ được màn hình: trình duyệt đã từ chối hoặc không hỗ trợ. Hãy chọn một cửa sổ hoặc màn hình để chia sẻ.");
    }
  });
  async function stopShare() {
    if (!state.screen) return;
    state.screen.getVideoTracks().forEach((t) => t.stop());
    state.screen = null;
    await state.backend.publish(state.localStream);
    $("share-screen").textContent = "Chia sẻ màn hình";
    signalling.command("screen", { on: false });
  }

  startMinutes(config);
}

// --- Minutes: autosaved as typed, with the version each save is based on ----------------------
// On the chair's console, and alone on the named minute-taker's PC.
export function startMinutes(config) {
  const form = $("minutes");
  const status = $("minutes-status");
  let current = null, version = 0, timer = null, saving = false, dirty = false;

  async function syncMinutes(item) {
    const itemId = item ? item.id : null;
    if (itemId === current) return;
    if (dirty) await save();
    current = itemId;
    form.hidden = !itemId;
    $("minutes-empty").hidden = !!itemId;
    if (!itemId) return;
    const res = await fetch(`${config.minutes_url}?item=${itemId}`, { credentials: "same-origin" });
    const data = await res.json();
    if (!res.ok) { status.textContent = data.error; return; }
    load(data);
  }

  function load(data) {
    version = data.version;
    for (const [name, value] of Object.entries(data.fields)) {
      const el = form.elements[name];
      if (el.type === "checkbox") el.checked = !!value; else el.value = value;
      el.disabled = !data.editable;
    }
    status.textContent = data.editable ? (data.updated_at ? `Đã lưu (phiên bản ${data.version}).` : "Chưa ghi.") : data.refusal;
  }

  function fields() {
    const out = {};
    for (const el of form.elements) if (el.name) out[el.name] = el.type === "checkbox" ? el.checked : el.value;
    return out;
  }

  async function save() {
    if (!current || saving) return;
    saving = true; dirty = false;
    status.textContent = "Đang lưu…";
    try {
      const res = await fetch(config.minutes_url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ item: current, version, fields: fields() }),
      });
      const data = await res.json();
      if (res.ok) { version = data.version; status.textContent = `Đã lưu lúc ${data.saved_at} (phiên bản ${data.version}).`; }
      else { status.textContent = data.error; dirty = res.status !== 409 && res.status !== 403; }
    } catch (err) {
      dirty = true;
      status.textContent = "Chưa lưu được (mất kết nối). Nội dung vẫn còn trên màn hình; sẽ lưu lại khi có kết nối.";
    } finally { saving = false; }
  }

  document.body.addEventListener("live-room-changed", (e) => syncMinutes(e.detail.room.current_item));
  form.addEventListener("input", () => { dirty = true; clearTimeout(timer); timer = setTimeout(save, 800); });
  setInterval(() => dirty && save(), 5000);
  window.addEventListener("beforeunload", () => { if (dirty) navigator.sendBeacon && save(); });
}

function csrf() {
  const m = document.cookie.match(/csrftoken=([^;]+)/);
  return m ? m[1] : JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}
