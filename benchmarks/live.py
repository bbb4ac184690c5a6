"""Live sessions: time to join and glass-to-glass delay per media path, and signalling fan-out.

    make bench ONLY=live
    BENCH_LIVE_SECONDS=10 BENCH_FANOUT_POINTS=1000 make bench ONLY=live

Media (Chromium, fake devices, everything on loopback): the sender's picture is
its own clock drawn as blocks (``g2g_probe.js``); the receiver reads it back from
each decoded frame (requestVideoFrameCallback) and subtracts from its clock.
- ``g2g_<mode>_p50_ms`` / ``_p95_ms``: one-way delay, for mode ``mesh`` (the app's
  room page, no services) and ``janus`` (the app's room page through our Janus);
  reference: ``plain``, two pages with one RTCPeerConnection each and no app,
  measured in the same run. Target (ITU-T G.114): under 150 ms.
- ``join_<mode>_ms``: from the click on "Vào phòng" to the first decoded frame of
  the other point (signalling, ICE, DTLS, first key frame); reference: the plain
  pair from createOffer to its first decoded frame.

Signalling (``fanout_p50_ms`` / ``fanout_p99_ms``): BENCH_FANOUT_POINTS WebSocket
clients connected as points of one room to the product's server (``manage.py serve``,
in a process of its own); the chair presses mute on the console's own WebSocket; the
time until each client has the new state of that point. The clients are lean
(``_rawws``) and timed when the bytes arrive. Reference: the same number of clients on
a bare Channels consumer (a group member per connection, ``_bare_app``) served the same
way, the event sent by one more client. Target: p99 under 50 ms. Connecting is bounded by
BENCH_FANOUT_CONNECT_S; the figure says how many points were really connected,
and the event is sent only once every connection has been quiet for 2 s (``settle_s``).
BENCH_LIVE_PARTS=media or =fanout runs one half.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import secrets
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks._beside import percentile
from benchmarks._threads import off_loop

PROBE_JS = (Path(__file__).parent / "g2g_probe.js").read_text()
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
    "--allow-loopback-in-peer-connection", "--autoplay-policy=no-user-gesture-required",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Server:
    """An ASGI application served by uvicorn on loopback, in a thread of this process (the in-memory channel layer is per process)."""

    def __init__(self, app):
        import uvicorn

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", ws="websockets-sansio", ws_per_message_deflate=False, lifespan="off", ws_max_queue=64))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("ASGI server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)




# --- Data ------------------------------------------------------------------------------------------------
def prepare(*, migrate: bool = True) -> dict:
    from django.core.management import call_command

    from tiepdan.organisations import demo
    from tiepdan.organisations.services import load_administrative_units

    if migrate:
        call_command("migrate", verbosity=0, interactive=False)
    load_administrative_units({20})
    return demo.seed(province_code=20)


def _session(orgs: dict, organisations: list) -> object:
    """A reception session today with the Board as its central point and ``organisations`` as component points."""
    from django.utils import timezone

    from tiepdan.scheduling.models import ReceptionSession, SessionPoint

    now = timezone.now()
    today = timezone.localdate()
    session = ReceptionSession.objects.create(
        province_committee=orgs["committee"], kind="ad_hoc", ad_hoc_reason="urgent_complex", ad_hoc_note="Phiên đo hiệu năng (benchmarks/live.py)", date=today,
        online_starts_at=now, online_ends_at=now + dt.timedelta(hours=3), location="Phòng đo thử", capacity_seats=15, status="ready",
    )
    SessionPoint.objects.create(session=session, organisation=orgs["board"], role="central")
    SessionPoint.objects.bulk_create([SessionPoint(session=session, organisation=o, role="component") for o in organisations])
    return session


def _room(orgs: dict, organisations: list, *, janus: bool):
    from django.conf import settings

    from tiepdan.live import services as live
    from tiepdan.live.models import PointRole
    from tiepdan.organisations.models import User

    settings.JANUS_ENABLED = janus
    chair = User.objects.get(username="bantcd")
    room = live.open_room(by=chair, session=_session(orgs, organisations))
    for point in room.points.exclude(role=PointRole.CENTRAL):
        live.admit(by=chair, point=point)
    return room, chair


def _communes(orgs: dict, n: int) -> list:
    from tiepdan.organisations.models import Organisation

    return list(Organisation.objects.filter(kind=Organisation.Kind.COMMUNE_COMMITTEE, parent=orgs["committee"]).order_by("unit__code")[:n])


# --- Media -----------------------------------------------------------------------------------------------
_OFFER = """async () => { const s = await navigator.mediaDevices.getUserMedia({video: true, audio: false});
 window.__t0 = performance.timeOrigin + performance.now();
 window.pc = new RTCPeerConnection(); for (const t of s.getTracks()) pc.addTrack(t, s);
 await pc.setLocalDescription(await pc.createOffer());
 await new Promise(r => { if (pc.iceGatheringState === 'complete') r(); pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r(); });
 return [pc.localDescription.toJSON(), window.__t0]; }"""
_ANSWER = """async (offer) => { window.pc = new RTCPeerConnection(); await pc.setRemoteDescription(offer);
 await pc.setLocalDescription(await pc.createAnswer());
 await new Promise(r => { if (pc.iceGatheringState === 'complete') r(); pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r(); });
 return pc.localDescription.toJSON(); }"""


def _page(browser, base_url: str):
    context = browser.new_context(base_url=base_url, locale="vi-VN", permissions=["camera", "microphone"])
    context.set_default_timeout(60_000)
    context.add_init_script(PROBE_JS)
    return context, context.new_page()


def _samples(page) -> tuple[list[float], float | None]:
    state = page.evaluate("() => window.__g2g")
    samples = [s for per_track in state["samples"].values() for s in per_track]
    return samples, state["firstFrameAt"]


def measure_plain(browser, base_url: str, seconds: float) -> dict:
    """Two pages, one RTCPeerConnection each, no app: the reference."""
    (c1, sender), (c2, receiver) = _page(browser, base_url), _page(browser, base_url)
    try:
        for page in (sender, receiver):
            page.goto("/dang-nhap/", wait_until="domcontentloaded")
        offer, t0 = sender.evaluate(_OFFER)
        answer = receiver.evaluate(_ANSWER, offer)
        sender.evaluate("(a) => pc.setRemoteDescription(a)", answer)
        receiver.wait_for_function("() => window.__g2g.firstFrameAt != null")
        receiver.wait_for_timeout(seconds * 1000)
        samples, first = _samples(receiver)
        return {"samples": samples, "join_ms": first - t0}
    finally:
        c1.close()
        c2.close()


def _enter(page, path: str, login_as: str | None = None) -> None:
    if login_as:
        from tiepdan.organisations.demo import DEMO_PASSWORD

        page.goto("/dang-nhap/", wait_until="domcontentloaded")
        page.get_by_label("Tên đăng nhập").fill(login_as)
        page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_load_state("domcontentloaded")
    page.goto(path, wait_until="domcontentloaded")
    page.wait_for_selector("#enter:not([disabled])")


def measure_room(browser, base_url: str, room, seconds: float) -> dict:
    """The app's room page at the central point (the sender) and at one commune (the receiver, entered through a join link)."""
    from tiepdan.live import services as live
    from tiepdan.live.models import PointRole
    from tiepdan.organisations.models import User

    central = room.central_point()
    commune = room.points.filter(role=PointRole.COMPONENT).first()
    _, token = off_loop(live.issue_join_link, by=User.objects.get(username="bantcd"), point=commune)
    (c1, sender), (c2, receiver) = _page(browser, base_url), _page(browser, base_url)
    try:
        _enter(sender, f"/phong-truc-tuyen/{room.pk}/diem/{central.pk}/", login_as="bantcd")
        sender.click("#enter")
        _enter(receiver, f"/phong-truc-tuyen/vao/{token}/")
        t0 = receiver.evaluate("() => performance.timeOrigin + performance.now()")
        receiver.click("#enter")
        receiver.wait_for_function("() => window.__g2g.firstFrameAt != null", timeout=90_000)
        receiver.wait_for_timeout(seconds * 1000)
        samples, first = _samples(receiver)
        backend = receiver.evaluate("() => window.tiepdanRoom.credentials.backend")
        return {"samples": samples, "join_ms": first - t0, "backend": backend}
    finally:
        c1.close()
        c2.close()


def _emit_media(emit, mode: str, result: dict, reference: dict) -> None:
    s, ref = result["samples"], reference["samples"]
    if not s:
        raise RuntimeError(f"{mode}: no frame could be read back")
    emit(f"g2g_{mode}_p50_ms", statistics.median(s), statistics.median(ref), frames=len(s), target_ms=150)
    emit(f"g2g_{mode}_p95_ms", percentile(s, 0.95), percentile(ref, 0.95), frames=len(s), target_ms=150)
    emit(f"join_{mode}_ms", result["join_ms"], reference["join_ms"])


def _start_janus(tmp: Path):
    from django.conf import settings

    from tiepdan.live.janus.config import JanusConfig
    from tiepdan.live.janus.process import JanusProcess

    settings.JANUS_ADMIN_SECRET = secrets.token_hex(16)
    settings.JANUS_HTTP_PORT, settings.JANUS_ADMIN_PORT, settings.JANUS_WS_PORT = _free_port(), _free_port(), _free_port()
    settings.JANUS_WS_IP, settings.JANUS_PUBLIC_WS_URL = "127.0.0.1", ""
    settings.JANUS_DIR, settings.JANUS_REC_DIR = tmp / "janus", tmp / "rec"
    settings.JANUS_ICE_ENFORCE_LIST = "lo"
    return JanusProcess(JanusConfig.from_settings()).start()


def run_media(emit, *, orgs: dict, seconds: float, modes=("mesh", "janus")) -> None:
    from playwright.sync_api import sync_playwright

    from tiepdan.config.asgi import application

    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    with tempfile.TemporaryDirectory(prefix="tiepdan-bench-live-") as tmp:
        janus = _start_janus(Path(tmp)) if "janus" in modes else None
        try:
            rooms = {mode: _room(orgs, _communes(orgs, 1), janus=mode == "janus")[0] for mode in modes}
            for mode, room in rooms.items():
                if room.backend != mode:
                    raise RuntimeError(f"the {mode} room opened on {room.backend}")
            with _Server(application) as server, sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
                try:
                    reference = measure_plain(browser, server.url, seconds)
                    emit("g2g_plain_p50_ms", statistics.median(reference["samples"]), frames=len(reference["samples"]), target_ms=150)
                    for mode, room in rooms.items():
                        result = measure_room(browser, server.url, room, seconds)
                        if result["backend"] != mode:
                            raise RuntimeError(f"{mode}: the page ran on {result['backend']}")
                        _emit_media(emit, mode, result, reference)
                finally:
                    browser.close()
        finally:
            if janus is not None:
                janus.stop()


# --- Signalling fan-out --------------------------------------------------------------------------------------
def _fanout_points(orgs: dict, n: int) -> list:
    """``n`` organisations to sit at component points (real communes first, then benchmark-only units)."""
    from tiepdan.organisations.models import Organisation

    have = list(Organisation.objects.filter(parent=orgs["committee"], name__startswith="Đơn vị đo tải ").order_by("pk")[:n])
    for i in range(len(have), n):
        have.append(Organisation.objects.create(name=f"Đơn vị đo tải {i + 1:04d}", kind=Organisation.Kind.COMMUNE_COMMITTEE, parent=orgs["committee"]))
    return have


def session_store():
    """A new session of the engine the settings name (the server reads it through the same engine)."""
    from importlib import import_module

    from django.conf import settings

    return import_module(settings.SESSION_ENGINE).SessionStore()


def _chair_session(chair) -> str:
    """A signed-in browser session of the chair (the Board officer at the central point)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from tiepdan.organisations.backends import OfficialBackend

    store = session_store()
    store[SESSION_KEY] = str(chair.pk)
    store[BACKEND_SESSION_KEY] = f"{OfficialBackend.__module__}.{OfficialBackend.__qualname__}"  # as a sign-in writes it
    store[HASH_SESSION_KEY] = chair.get_session_auth_hash()
    store.create()
    return store.session_key


def _link_sessions(room) -> dict[int, str]:
    """A join link and a signed-in browser session per component point: point id -> session cookie value."""
    from django.utils import timezone

    from tiepdan.live.models import JoinLink, PointRole, hash_token
    from tiepdan.organisations.models import User

    chair = User.objects.get(username="bantcd")
    points = list(room.points.filter(role=PointRole.COMPONENT).order_by("pk"))
    links = JoinLink.objects.bulk_create([
        JoinLink(point=p, token_hash=hash_token(secrets.token_urlsafe(24)), issued_by=chair, expires_at=timezone.now() + dt.timedelta(hours=3), used_at=timezone.now())
        for p in points
    ])
    cookies = {}
    for point, link in zip(points, links):
        store = session_store()
        store["live_links"] = {str(point.pk): link.pk}
        store.create()
        cookies[point.pk] = store.session_key
    return cookies


def current_database_url() -> str:
    """The database this process uses now (under the tests, the test database), for the server process."""
    from urllib.parse import quote

    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class ServerProcess:
    """The product's server (or the reference) in a process of its own, on loopback: the clients,
    in this process, then measure the server and not themselves (this machine may have 2 cores)."""

    def __init__(self, argv: list[str], env: dict | None = None):
        self.port = _free_port()
        self.argv = [a.replace("{port}", str(self.port)) for a in argv]
        self.env = env or {}

    def __enter__(self):
        import resource
        import subprocess
        import sys

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))  # a socket per point
        root = Path(__file__).resolve().parents[1]
        env = {**os.environ, "PYTHONPATH": f"{root / 'src'}:{root}", "DATABASE_URL": current_database_url(), **self.env}
        self.process = subprocess.Popen([sys.executable, *self.argv], cwd=root, env=env, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start: {self.argv}")
                time.sleep(0.1)

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except Exception:
            self.process.kill()


async def _clients(port: int, path_for, cookies: dict, *, connect_s: float, ready: str) -> tuple[list, float]:
    """Open one WebSocket per point (bounded in time), each waiting for ``ready``; returns the open ones and how long it took."""
    from benchmarks import _rawws

    opened, started, refusals = [], time.monotonic(), {}

    async def one(key, cookie):
        conn = await _rawws.connect("127.0.0.1", port, path_for(key), cookie)
        message = await conn.wait_for((ready, "refused"), timeout=connect_s)
        if message is None or message.get("type") == "refused":
            conn.close()
            raise RuntimeError((message or {}).get("message", conn.failure or "closed"))
        opened.append(conn)

    batch = 25  # a room fills over minutes, not in one burst
    items = list(cookies.items())
    for i in range(0, len(items), batch):
        if time.monotonic() - started > connect_s:
            break
        for failure in await asyncio.gather(*(one(k, c) for k, c in items[i:i + batch]), return_exceptions=True):
            if failure is not None:
                refusals[repr(failure)[:160]] = refusals.get(repr(failure)[:160], 0) + 1
    if refusals:
        print(f"# not connected: {refusals}", file=sys.stderr)
    return opened, time.monotonic() - started


async def _settle(clients: list, until: float, quiet_s: float = 2.0) -> None:
    """Wait until every connection has been quiet for ``quiet_s`` (what the connecting phase sent has
    arrived), or ``until``: the measured event must not queue behind it."""
    while time.monotonic() < until and any(time.monotonic() - c.last < quiet_s for c in clients):
        await asyncio.sleep(0.2)


async def _deliveries(clients: list, match, trigger, *, timeout_s: float, quiet_s: float = 1.0) -> list[float]:
    """Fire ``trigger`` (a message on a WebSocket) and time, per client, the arrival of the first
    message after it that ``match``es. Arrival times are taken when the bytes reach this process;
    messages are decoded only once every client has heard something and the traffic stopped."""
    marks = [len(c.messages) for c in clients]
    t0 = time.perf_counter()
    trigger()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        if all(len(c.messages) > mark for c, mark in zip(clients, marks)) and all(time.monotonic() - c.last > quiet_s for c in clients):
            break
    found = []
    for c, mark in zip(clients, marks):
        for i in range(mark, len(c.messages)):
            at, message = c.message(i)
            if match(message):
                found.append((at - t0) * 1000)
                break
    return found


def run_fanout(emit, *, orgs: dict, points: int, connect_s: float) -> None:
    from tiepdan.live.models import PointRole

    room, chair = _room(orgs, _fanout_points(orgs, points), janus=False)
    cookies = _link_sessions(room)
    settle_s, facts = max(10.0, connect_s / 2), {}
    target = room.points.filter(role=PointRole.COMPONENT).order_by("pk").first()
    chair_cookie = _chair_session(chair)
    expected_before = target.muted
    room_path = lambda pk: f"/ws/phong-truc-tuyen/{room.pk}/diem/{pk}/"  # noqa: E731

    def is_new_state(message):
        if message.get("type") not in ("room", "delta"):  # a delta names only the points that changed
            return False
        mine = next((p for p in message.get("points", ()) if p["id"] == str(target.pk)), None)
        return mine is not None and mine["muted"] != expected_before

    # The product as `make run` serves it (manage.py serve: uvicorn, in-memory layer), without the job worker.
    with ServerProcess(["manage.py", "serve", "--no-worker", "--host", "127.0.0.1", "--port", "{port}"]) as server:
        async def scenario():
            conns, took = await _clients(server.port, room_path, cookies, connect_s=connect_s, ready="welcome")
            console, _ = await _clients(server.port, room_path, {room.central_point().pk: chair_cookie}, connect_s=connect_s, ready="welcome")
            settle_started = time.monotonic()
            await _settle(conns + console, settle_started + settle_s)
            facts["settle_s"] = round(time.monotonic() - settle_started, 1)
            closed = [c.close_code for c in conns if c.is_closed]
            facts["closed_before_event"], facts["close_codes"] = len(closed), sorted(set(closed))
            # What the chair's console sends when the mute button is pressed.
            mute = {"type": "command", "command": "mute", "point": str(target.pk), "muted": not expected_before}
            result = await _deliveries(conns, is_new_state, lambda: console[0].send(mute), timeout_s=60)
            for client in conns + console:
                client.close()
            return conns, took, result

        conns, took, delivered = asyncio.run(scenario())

    with ServerProcess(["-m", "uvicorn", "benchmarks._bare_app:application", "--host", "127.0.0.1", "--port", "{port}",
                         "--ws", "websockets-sansio", "--ws-per-message-deflate", "false", "--lifespan", "off", "--log-level", "warning"]) as bare:
        async def reference():
            ref_conns, _ = await _clients(bare.port, lambda n: f"/ws/bare/{n}/", {n: None for n in range(len(conns))}, connect_s=connect_s, ready="welcome")
            sender, _ = await _clients(bare.port, lambda n: f"/ws/bare/{n}/", {len(conns): None}, connect_s=connect_s, ready="welcome")
            await _settle(ref_conns + sender, time.monotonic() + settle_s)
            result = await _deliveries(ref_conns, lambda m: m.get("type") == "event", lambda: sender[0].send({"n": 1}), timeout_s=60)
            for client in ref_conns + sender:
                client.close()
            return result

        ref = asyncio.run(reference())

    if not delivered or not ref:
        raise RuntimeError(f"fan-out: nothing delivered (app {len(delivered)}, bare {len(ref)})")
    extra = {"points_wanted": points, "points_connected": len(conns), "delivered": len(delivered), "connect_s": round(took, 1), "target_ms": 50, **facts}
    emit("fanout_p50_ms", statistics.median(delivered), statistics.median(ref), **extra)
    emit("fanout_p99_ms", percentile(delivered, 0.99), percentile(ref, 0.99), **extra)


def run(emit, *, seconds: float | None = None, fanout_points: int | None = None, connect_s: float | None = None, migrate: bool = True, modes=("mesh", "janus")) -> None:
    seconds = float(seconds if seconds is not None else os.environ.get("BENCH_LIVE_SECONDS", "10"))
    fanout_points = int(fanout_points if fanout_points is not None else os.environ.get("BENCH_FANOUT_POINTS", "1000"))
    connect_s = float(connect_s if connect_s is not None else os.environ.get("BENCH_FANOUT_CONNECT_S", "240"))
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in this thread; ORM calls here are synchronous
    parts = os.environ.get("BENCH_LIVE_PARTS", "media,fanout").split(",")
    orgs = prepare(migrate=migrate)
    if "media" in parts:
        run_media(emit, orgs=orgs, seconds=seconds, modes=modes)
    if "fanout" in parts:
        run_fanout(emit, orgs=orgs, points=fanout_points, connect_s=connect_s)
