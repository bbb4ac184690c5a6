// The room's state in the shape the server sends it (live/selectors.py room_snapshot): small builders.
export function point(id, fields = {}) {
  return {
    id: String(id), name: `Điểm cầu ${id}`, role: id === 1 ? "central" : "component", status: "admitted",
    status_label: "Đã vào phòng", participates: true, muted: true, connected: true, conn: `c${id}`, reconnects: 0,
    ...fields,
  };
}

export function roomState(fields = {}) {
  return { state: "waiting", state_label: "Chờ bắt đầu", backend: "mesh", spotlight: null, recording: false, current_item: null, ...fields };
}

export function welcome(points, fields = {}) {
  return { type: "welcome", room: roomState(), points, events: [{ kind: "opened", point: "" }], credentials: null, ...fields };
}
