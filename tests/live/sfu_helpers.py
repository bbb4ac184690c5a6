"""Helpers of the SFU tests (engineer F): a room with points, and a point joining Janus the way a browser does."""
from __future__ import annotations

import datetime as dt

from benchmarks._threads import off_loop
from tiepdan.live.janus.client import JanusClient


def room_with_points(demo, *, components: int = 3, by=None):
    """A live room for the demo province's next periodic session: the central point and ``components`` communes."""
    from tiepdan.live import services as live
    from tiepdan.organisations.models import Organisation, User
    from tiepdan.scheduling import services as scheduling

    session = scheduling.generate_periodic_sessions(by=None, province_committee=demo["committee"], today=dt.date(2026, 11, 2), months=1)[0]
    communes = Organisation.objects.filter(kind=Organisation.Kind.COMMUNE_COMMITTEE, parent=demo["committee"]).order_by("unit__code")[:components]
    for commune in communes:
        scheduling.invite_organisation(by=None, session=session, organisation=commune)
    chair = by or User.objects.get(username="bantcd")
    room = live.open_room(by=chair, session=session)
    return room, chair


def browser_like_client(janus_process, credentials: dict) -> JanusClient:
    """A client holding only what a browser is given (no admin secret)."""
    cfg = janus_process.cfg
    return JanusClient(http_url=cfg.http_url, admin_url=cfg.admin_url, admin_secret="", token=credentials["token"])


def join_as_publisher(janus_process, credentials: dict, point_id: int, *, pin: str | None = None, token: str | None = None):
    """Join the point's VideoRoom as a publisher without media (enough for Janus to list it).

    Returns (the open ``videoroom`` context, the handle, Janus's answer); raises ``JanusError`` when refused.
    """
    token = credentials["token"] if token is None else token
    client = browser_like_client(janus_process, credentials)
    ctx = client.videoroom(token=token)
    handle = ctx.__enter__()
    try:
        answer = handle.ask({
            "request": "join", "ptype": "publisher", "room": credentials["room"], "id": point_id, "display": f"point {point_id}",
            "pin": credentials["pin"] if pin is None else pin, "token": token,
        })
    except Exception:
        ctx.__exit__(None, None, None)
        raise
    return ctx, handle, answer


# --- Browser side -------------------------------------------------------------------------------------


def admit_in_advance(room, chair):
    """Admit every component point before it arrives, so the test does not depend on the lobby clicks."""
    from tiepdan.live import services as live
    from tiepdan.live.models import PointRole

    for point in room.points.exclude(role=PointRole.CENTRAL):
        live.admit(by=chair, point=point)


def open_point(new_page, login, room, point, chair_username: str = "bantcd"):
    """Open ``point``'s room page as its browser would: the chair signed in at the central point,
    a commune hall's PC through a join link issued for it. Returns the page, entered into the room."""
    from tiepdan.live import services as live
    from tiepdan.live.models import PointRole
    from tiepdan.organisations.models import User

    page = new_page()
    page.set_default_timeout(60_000)  # four Chromium pages and Janus on a shared two-core machine
    page.console_lines = []  # what the page said, shown when a wait fails
    page.on("console", lambda m: page.console_lines.append(f"{m.type}: {m.text}"[:300]))
    page.on("pageerror", lambda e: page.console_lines.append(f"pageerror: {e}"[:300]))
    if point.role == PointRole.CENTRAL:
        login(page, chair_username)
        page.goto(f"/phong-truc-tuyen/{room.pk}/diem/{point.pk}/", wait_until="domcontentloaded")
    else:
        _, token = off_loop(live.issue_join_link, by=User.objects.get(username=chair_username), point=point)
        page.goto(f"/phong-truc-tuyen/vao/{token}/", wait_until="domcontentloaded")
    page.wait_for_selector("#enter:not([disabled])")
    page.click("#enter")
    return page


# Per remote point the page shows: its id -> video frames decoded so far on the connection(s) carrying it
# (getStats inbound-rtp framesDecoded), plus which back end carries them.
RECEIVED_JS = """async () => {
  const room = window.tiepdanRoom;
  const b = room && room.backend;
  if (!b) return {backend: null, points: {}};
  const byPoint = {};
  const pairs = b.subscriptions ? [...b.subscriptions].map(([id, h]) => [id, h.pc]) : [...b.peers].map(([id, p]) => [id, p.pc]);
  for (const [id, pc] of pairs) {
    if (!pc) continue;
    let frames = 0;
    (await pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded || 0; });
    byPoint[id] = frames;
  }
  return {backend: room.credentials && room.credentials.backend, points: byPoint};
}"""


# The caps (bit/s, null where none) on every video the page sends, read from its RTCRtpSenders.
SENT_VIDEO_CAPS_JS = """() => {
  const b = window.tiepdanRoom && window.tiepdanRoom.backend;
  const caps = [];
  for (const pc of b ? b.peerConnections() : []) {
    for (const t of pc.getTransceivers()) {
      if (t.receiver.track.kind !== 'video' || !t.sender.track || !['sendrecv', 'sendonly'].includes(t.currentDirection)) continue;
      const encodings = t.sender.getParameters().encodings || [];
      caps.push(encodings.length ? (encodings[0].maxBitrate ?? null) : null);
    }
  }
  return caps;
}"""


def received(page) -> dict:
    return page.evaluate(RECEIVED_JS)


def wait_until_receiving(page, others: set[str], *, backend: str, timeout_s: float = 40.0, min_frames: int = 10) -> dict:
    """Wait until ``page`` decodes at least ``min_frames`` video frames from each of ``others`` over ``backend``."""
    import time

    deadline = time.monotonic() + timeout_s
    last = {}
    while time.monotonic() < deadline:
        last = received(page)
        if last["backend"] == backend and all(last["points"].get(o, 0) >= min_frames for o in others):
            return last
        page.wait_for_timeout(500)
    said = "\n".join(getattr(page, "console_lines", [])[-15:])
    raise AssertionError(f"not receiving from {sorted(others)} over {backend} in {timeout_s:.0f} s: {last}\n{said}")
