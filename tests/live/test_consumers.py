"""The signalling WebSocket, driven with Channels' WebsocketCommunicator through the real ASGI stack
(origin check, session cookie, routing): who is refused and closed, the lobby, relay only between admitted points."""
import asyncio
import atexit
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.test import Client

from tiepdan.config.asgi import application
from tiepdan.live import services

pytestmark = pytest.mark.django_db(transaction=True)


def _cookie_for(user=None, link_token=None) -> bytes:
    client = Client()
    if user is not None:
        client.force_login(user)
    if link_token is not None:
        response = client.get(f"/phong-truc-tuyen/vao/{link_token}/")
        assert response.status_code == 302, response.content[:300]
    return f"sessionid={client.cookies['sessionid'].value}".encode() if "sessionid" in client.cookies else b""


def _communicator(point, cookie: bytes) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver")]
    if cookie:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, f"/ws/phong-truc-tuyen/{point.room_id}/diem/{point.pk}/", headers=headers)


_views: dict[int, dict] = {}  # the room as each communicator's browser would hold it
_MERGE_DELTA = Path(__file__).resolve().parents[1] / "js" / "merge-delta-lines.mjs"
_node: subprocess.Popen | None = None


def _merge_delta(current: dict, delta: dict) -> dict:
    """signalling.js mergeDelta itself, run by Node: the server's deltas are checked against the client that reads them."""
    global _node
    if _node is None:
        node = shutil.which("node")
        assert node, "node is needed: these tests rebuild the room with the browser's own mergeDelta (signalling.js)"
        # One process for every delta of the run: a Node start per message would slow each scenario past its timeouts.
        _node = subprocess.Popen([node, str(_MERGE_DELTA)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8")
        atexit.register(_node.kill)
    _node.stdin.write(json.dumps([current, delta]) + "\n")
    _node.stdin.flush()
    line = _node.stdout.readline()
    assert line, "the Node process running mergeDelta has ended"
    return json.loads(line)


def _merge(comm, msg) -> dict | None:
    """The room as the browser sees it after ``msg``: welcome/room set it, delta patches it (signalling.js onMessage)."""
    if msg["type"] in ("welcome", "room"):
        _views[id(comm)] = msg
    elif msg["type"] == "delta" and id(comm) in _views:
        _views[id(comm)] = _merge_delta(_views[id(comm)], msg)
    else:
        return None
    return _views[id(comm)]


async def _until(comm, kind, predicate=lambda m: True, timeout=5):
    """Read messages until one of ``kind`` satisfying ``predicate``; fail after ``timeout`` seconds.

    ``kind`` "room" means the room's state as the browser holds it, rebuilt from the welcome and the deltas.
    """
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        left = deadline - asyncio.get_running_loop().time()
        assert left > 0, f"no '{kind}' message arrived"
        msg = await comm.receive_json_from(timeout=left)
        view = _merge(comm, msg)
        if kind == "room" and view is not None and predicate(view):
            return view
        if msg["type"] == kind and predicate(msg):
            return msg


async def _assert_no_signal(comm, quiet_s=0.5):
    """Drain what is queued (without the timeout that would cancel the application): no relayed signal."""
    while not await comm.receive_nothing(timeout=quiet_s):
        assert (await comm.receive_json_from())["type"] != "signal"


async def _refused(comm) -> str:
    connected, _ = await comm.connect()
    assert connected
    msg = await comm.receive_json_from(timeout=5)
    assert msg["type"] == "refused"
    closed = await comm.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4403}
    return msg["message"]


@pytest.fixture
def commune_point(room, demo):
    return room.points.get(organisation=demo["commune"])


def test_an_official_of_another_province_is_refused_and_closed(room, commune_point, make_official, other_province):
    stranger = make_official("commune_chairman", other_province["commune"])
    message = async_to_sync(_refused)(_communicator(commune_point, _cookie_for(stranger)))
    assert "ngoài phạm vi" in message


def test_a_department_officer_may_not_sit_at_a_commune_point(room, commune_point, official):
    message = async_to_sync(_refused)(_communicator(commune_point, _cookie_for(official("sonnmt"))))
    assert "ngoài phạm vi" in message


def test_an_account_without_a_role_is_refused(room, commune_point, django_user_model):
    # Citizens have no accounts here; the nearest thing is a sign-in with no role in any unit.
    nobody = django_user_model.objects.create_user(username="chua-co-vai-tro", password="mat-khau-thu-2026")
    message = async_to_sync(_refused)(_communicator(commune_point, _cookie_for(nobody)))
    assert "Vai trò của bạn không được" in message


def test_a_browser_without_login_or_link_is_refused(room, commune_point):
    message = async_to_sync(_refused)(_communicator(commune_point, b""))
    assert "đăng nhập" in message


def test_a_link_revoked_after_it_was_opened_is_refused_at_the_websocket(room, commune_point, official):
    board = official("bantcd")
    link, token = services.issue_join_link(by=board, point=commune_point)
    cookie = _cookie_for(link_token=token)
    services.revoke_join_link(by=board, link=link, reason="Máy tính bị mất")
    message = async_to_sync(_refused)(_communicator(commune_point, cookie))
    assert "thu hồi" in message


def test_a_link_opened_for_one_point_does_not_open_another(room, commune_point, official):
    _, token = services.issue_join_link(by=official("bantcd"), point=commune_point)
    cookie = _cookie_for(link_token=token)
    other = room.points.exclude(pk=commune_point.pk).exclude(role="central").first()
    message = async_to_sync(_refused)(_communicator(other, cookie))
    assert "đăng nhập" in message or "không dành" in message


def test_lobby_then_admission_then_relay_mute_and_removal(room, commune_point, official):
    board = official("bantcd")
    central = room.central_point()
    _, token = services.issue_join_link(by=board, point=commune_point)
    chair_cookie, hall_cookie = _cookie_for(board), _cookie_for(link_token=token)

    async def scenario():
        chair = _communicator(central, chair_cookie)
        hall = _communicator(commune_point, hall_cookie)
        assert (await chair.connect())[0]
        welcome = await _until(chair, "welcome")
        assert welcome["can_chair"] is True and welcome["self"]["role"] == "central"
        assert welcome["credentials"]["topology"] == "mesh"
        assert (await hall.connect())[0]
        hall_welcome = await _until(hall, "welcome")
        me = next(p for p in hall_welcome["points"] if p["id"] == str(commune_point.pk))
        assert me["status"] == "lobby" and me["muted"] is True
        assert hall_welcome["can_chair"] is False

        # In the lobby, nothing the hall sends reaches the chair.
        await hall.send_json_to({"type": "signal", "to": str(central.pk), "data": {"sdp": {"type": "offer", "sdp": "x"}}})
        await _until(chair, "room", lambda m: any(p["id"] == str(commune_point.pk) and p["status"] == "lobby" for p in m["points"]))
        await _assert_no_signal(chair)

        # The hall may not command the session.
        await hall.send_json_to({"type": "command", "command": "admit", "point": str(commune_point.pk)})
        assert "Chỉ người điều hành" in (await _until(hall, "error"))["message"]

        await chair.send_json_to({"type": "command", "command": "admit", "point": str(commune_point.pk)})
        await _until(hall, "room", lambda m: next(p for p in m["points"] if p["id"] == str(commune_point.pk))["status"] == "admitted")
        await hall.send_json_to({"type": "signal", "to": str(central.pk), "data": {"candidate": {"candidate": "c"}}})
        relayed = await _until(chair, "signal")
        assert relayed["from"] == str(commune_point.pk) and relayed["data"] == {"candidate": {"candidate": "c"}}

        await chair.send_json_to({"type": "command", "command": "floor", "point": str(commune_point.pk)})
        opened = await _until(hall, "room", lambda m: m["room"]["floor"] == str(commune_point.pk))
        assert next(p for p in opened["points"] if p["id"] == str(commune_point.pk))["muted"] is False
        await chair.send_json_to({"type": "command", "command": "mute", "point": str(commune_point.pk), "muted": True})
        await _until(hall, "room", lambda m: next(p for p in m["points"] if p["id"] == str(commune_point.pk))["muted"] is True)

        await chair.send_json_to({"type": "command", "command": "remove", "point": str(commune_point.pk), "reason": "Gây mất trật tự"})
        removed = await _until(hall, "removed")
        assert "mời điểm cầu của bạn ra" in removed["message"]
        assert await hall.receive_output(timeout=5) == {"type": "websocket.close", "code": 4001}
        await hall.disconnect()  # what the server tells the application once the socket is closed
        seen = await _until(chair, "room", lambda m: next(p for p in m["points"] if p["id"] == str(commune_point.pk))["connected"] is False)
        assert next(p for p in seen["points"] if p["id"] == str(commune_point.pk))["status"] == "removed"
        # Removed means out: the same link does not bring it back through the WebSocket.
        assert "ra khỏi phiên" in await _refused(_communicator(commune_point, hall_cookie))
        await chair.disconnect()

    async_to_sync(scenario)()
    kinds = list(room.events.values_list("kind", flat=True))
    for kind in ("joined", "admitted", "floor_given", "muted", "removed", "left"):
        assert kind in kinds


def test_the_central_board_is_admitted_as_observer_and_cannot_take_the_floor(make_session, official):
    chair_user = official("bantcd")
    room = services.open_room(by=chair_user, session=make_session(communes=1, observer=True))
    observer = room.points.get(role="observer")
    chair_cookie, observer_cookie = _cookie_for(chair_user), _cookie_for(official("trunguong"))

    async def scenario():
        chair = _communicator(room.central_point(), chair_cookie)
        watcher = _communicator(observer, observer_cookie)
        assert (await chair.connect())[0]
        await _until(chair, "welcome")
        assert (await watcher.connect())[0]
        welcome = await _until(watcher, "welcome")
        assert next(p for p in welcome["points"] if p["id"] == str(observer.pk))["status"] == "lobby"
        await chair.send_json_to({"type": "command", "command": "admit", "point": str(observer.pk), "as_observer": True})
        admitted = await _until(watcher, "room", lambda m: next(p for p in m["points"] if p["id"] == str(observer.pk))["status"] == "admitted")
        assert next(p for p in admitted["points"] if p["id"] == str(observer.pk))["participates"] is False
        await chair.send_json_to({"type": "command", "command": "floor", "point": str(observer.pk)})
        assert "chỉ tham dự theo dõi" in (await _until(chair, "error"))["message"]
        await watcher.disconnect()
        await chair.disconnect()

    async_to_sync(scenario)()


def test_a_burst_of_changes_reaches_the_chair_merged_and_ends_in_the_true_state(room, commune_point, official, monkeypatch):
    """Changes closer together than the push window are merged; the last state must still arrive."""
    from channels.db import database_sync_to_async

    from tiepdan.live import realtime

    monkeypatch.setattr(realtime, "COALESCE_S", 1.0)  # every change after the first falls in the merged push

    from tiepdan.live.models import RoomPoint

    board = official("bantcd")
    central = room.central_point()
    halls = list(room.points.exclude(role="central").order_by("pk"))

    async def scenario():
        chair = _communicator(central, _cookie_for(board))
        assert (await chair.connect())[0]
        await _until(chair, "welcome")

        def burst():
            for point in halls:  # admit everyone, then mute and unmute in quick succession
                services.admit(by=board, point=point)
            for _ in range(3):
                for point in halls:
                    services.set_muted(by=board, point=point, muted=False)
                    services.set_muted(by=board, point=point, muted=True)
            services.set_muted(by=board, point=halls[-1], muted=False)

        for point in halls:
            await database_sync_to_async(lambda p=point: RoomPoint.objects.filter(pk=p.pk).update(status="lobby"))()
        await database_sync_to_async(burst)()
        final = await _until(chair, "room", lambda m: all(
            next(p for p in m["points"] if p["id"] == str(h.pk))["status"] == "admitted" for h in halls
        ) and next(p for p in m["points"] if p["id"] == str(halls[-1].pk))["muted"] is False)
        assert [next(p for p in final["points"] if p["id"] == str(h.pk))["muted"] for h in halls] == [True] * (len(halls) - 1) + [False]
        await chair.disconnect()

    async_to_sync(scenario)()


def test_a_points_quality_reaches_the_chair_and_itself_but_not_the_other_points(room, official):
    """A thousand points measuring every 3 s must not be a thousand messages to every browser."""
    board = official("bantcd")
    central = room.central_point()
    first, second = list(room.points.exclude(role="central").order_by("pk"))[:2]
    for point in (first, second):
        services.admit(by=board, point=point)
    cookies = [_cookie_for(board)] + [_cookie_for(link_token=services.issue_join_link(by=board, point=p)[1]) for p in (first, second)]

    async def scenario():
        chair, one, other = (_communicator(p, c) for p, c in zip((central, first, second), cookies))
        for comm in (chair, one, other):
            assert (await comm.connect())[0]
            await _until(comm, "welcome")
        await one.send_json_to({"type": "quality", "quality": {"rtt_ms": 42, "loss_pct": 0.5, "bitrate_kbps": 900}})
        to_chair = await _until(chair, "quality")
        assert to_chair["point_id"] == str(first.pk) and to_chair["quality"]["rtt_ms"] == 42.0
        assert (await _until(one, "quality"))["quality"]["loss_pct"] == 0.5
        while not await other.receive_nothing(timeout=0.5):
            assert (await other.receive_json_from())["type"] != "quality"
        for comm in (chair, one, other):
            await comm.disconnect()

    async_to_sync(scenario)()


def test_a_browser_that_stops_reading_does_not_hold_up_the_room_and_gets_its_messages_in_order():
    """The hub hands each connection the room's text in turn: one whose socket is full must not block
    the others (live.hub.send_now), and must still get every message, in order, once it reads."""
    import collections

    from tiepdan.live.consumers import RoomConsumer

    async def scenario():
        stuck, sent = asyncio.Event(), {"slow": [], "quick": []}

        def consumer(name, blocked):
            c = RoomConsumer()
            c.backlog = None

            async def room_send(message):
                if blocked:
                    await stuck.wait()  # the browser's socket buffer is full until it reads
                sent[name].append(message["text"])

            c.room_send = room_send
            return c

        slow, quick = consumer("slow", True), consumer("quick", False)
        for n in range(3):  # what the hub does for each change: every connection in turn
            for c in (slow, quick):
                c.deliver(f"change {n}")
        assert sent == {"slow": [], "quick": ["change 0", "change 1", "change 2"]}
        assert isinstance(slow.backlog, collections.deque)
        stuck.set()
        await asyncio.wait_for(slow.writer, timeout=5)
        assert sent["slow"] == ["change 0", "change 1", "change 2"] and slow.backlog is None

    async_to_sync(scenario)()


def test_a_browser_that_vanishes_with_a_full_socket_ends_its_queue_and_gets_nothing_more():
    """The send that waited on a full socket fails when the server learns the browser is gone:
    its queue ends with it, and the room's later messages are not kept for it."""
    from tiepdan.live.consumers import RoomConsumer

    async def scenario():
        drained, sent = asyncio.Event(), []
        c = RoomConsumer()
        c.backlog = None

        async def room_send(message):
            await drained.wait()
            if c.closing:
                raise OSError("the browser is gone")  # what uvicorn raises once the connection is lost
            sent.append(message["text"])

        c.room_send = room_send
        c.deliver("change 0")
        c.deliver("change 1")
        assert c.backlog is not None and len(c.backlog) == 2
        c.closing = True
        drained.set()
        await asyncio.wait_for(c.writer, timeout=5)
        c.deliver("change 2")
        assert sent == [] and c.backlog is None

    async_to_sync(scenario)()


def test_on_redis_room_changes_and_relayed_signals_both_arrive(room, commune_point, official, settings):
    """At scale the channel layer is Redis (channels_redis): the hub's channel and the consumers' own
    channels must share the process's receive loop, or one starves the other; and a room quiet for a
    while must still be connected."""
    from tests.conftest import require_service
    from tiepdan.config.settings import redis_channel_layer

    require_service("127.0.0.1", 6379, "Redis")

    settings.CHANNEL_LAYERS = {"default": redis_channel_layer("redis://127.0.0.1:6379/5", prefix=f"tiepdan-test-{os.getpid()}")}
    board = official("bantcd")
    central = room.central_point()
    services.admit(by=board, point=commune_point)
    chair_cookie = _cookie_for(board)
    hall_cookie = _cookie_for(link_token=services.issue_join_link(by=board, point=commune_point)[1])

    async def scenario():
        chair, hall = _communicator(central, chair_cookie), _communicator(commune_point, hall_cookie)
        for comm in (chair, hall):
            assert (await comm.connect())[0]
            await _until(comm, "welcome")
        await asyncio.sleep(6)  # a quiet room: longer than redis-py 8's default read timeout (5 s)
        await chair.send_json_to({"type": "command", "command": "floor", "point": str(commune_point.pk)})
        await _until(hall, "room", lambda m: m["room"]["floor"] == str(commune_point.pk), timeout=10)
        await hall.send_json_to({"type": "signal", "to": str(central.pk), "data": {"candidate": {"candidate": "c"}}})
        assert (await _until(chair, "signal", timeout=10))["from"] == str(commune_point.pk)
        for comm in (chair, hall):
            await comm.disconnect()

    async_to_sync(scenario)()


def test_a_connection_that_fails_does_not_cost_the_points_after_it_the_change():
    """The hub writes a change to each connection in turn: one in a bad state (an error, not a full
    socket) is logged and skipped, and the points after it still get the change."""
    from tiepdan.live.hub import Hub, RoomMirror

    class Browser:
        backend_name = "mesh"

        def __init__(self, key, broken=False):
            self.point_key, self.broken, self.got = key, broken, []

        async def closed_by_change(self):
            return False

        def deliver(self, entry):
            if self.broken:
                raise RuntimeError("Unexpected ASGI message 'websocket.send', after sending 'websocket.close'.")
            self.got.append(entry)

    async def scenario():
        hub = Hub(layer=None, loop=asyncio.get_running_loop())
        mirror = hub.rooms[1] = RoomMirror(1)
        mirror.connections = [Browser("1"), Browser("2", broken=True), Browser("3")]  # in this order
        snapshot = {"room": {"id": 1, "backend": "mesh"}, "points": [], "events": []}
        await hub.dispatch({"type": "room.snapshot", "room_id": 1, "snapshot": snapshot, "channels": {}})
        return mirror.connections

    browsers = async_to_sync(scenario)()
    assert [len(b.got) for b in browsers] == [1, 0, 1]


# --- Several devices at one point, each with its role --------------------------------------------------
def _device(cookie: bytes, key: str) -> bytes:
    """The session cookie plus this browser's device cookie (set by the point page in a real browser)."""
    return b"; ".join(c for c in (cookie, f"tiepdan_live_device={key}".encode()) if c)


def _at(point, cookie: bytes, role: str = "") -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"cookie", cookie)]
    query = f"?role={role}" if role else ""
    return WebsocketCommunicator(application, f"/ws/phong-truc-tuyen/{point.room_id}/diem/{point.pk}/{query}", headers=headers)


def test_the_chair_and_the_minute_taker_sit_at_the_central_point_at_once_and_the_chair_sees_both(make_session, official):
    board = official("bantcd")
    room = services.open_room(by=board, session=make_session(communes=1, minute_taker="thanhtra"))
    central = room.central_point()
    chair_cookie = _device(_cookie_for(board), "may-chu-tri-000000000001")
    minutes_cookie = _device(_cookie_for(official("thanhtra")), "may-ghi-bien-ban-0000001")

    async def scenario():
        chair, minutes = _at(central, chair_cookie), _at(central, minutes_cookie)
        assert (await chair.connect())[0]
        welcome = await _until(chair, "welcome")
        assert welcome["device"]["role"] == "console" and welcome["device"]["media"] is True and welcome["can_chair"] is True
        assert (await minutes.connect())[0]
        taker = await _until(minutes, "welcome")
        assert taker["device"]["role"] == "minutes" and taker["device"]["media"] is False and taker["can_chair"] is False
        assert taker["credentials"] is None  # it takes no part in the media
        listed = await _until(chair, "devices", lambda m: len(m["devices"]) == 2)
        assert {(d["role"], d["who"]) for d in listed["devices"]} == {("console", board.get_full_name()), ("minutes", official("thanhtra").get_full_name())}
        # Both stay connected: the minute-taker's arrival closed nothing.
        assert await chair.receive_nothing(timeout=0.5) or (await chair.receive_json_from())["type"] not in ("replaced", "refused")
        await chair.send_json_to({"type": "ping"})
        assert (await _until(chair, "pong"))["type"] == "pong"
        await minutes.send_json_to({"type": "ping"})
        assert (await _until(minutes, "pong"))["type"] == "pong"
        await minutes.disconnect()
        await _until(chair, "devices", lambda m: [d["role"] for d in m["devices"]] == ["console"])
        await chair.disconnect()

    async_to_sync(scenario)()
    central.refresh_from_db()
    assert central.devices.filter(role="minutes").exists()


def test_an_inspector_at_the_central_point_is_refused_the_console_and_the_chair_is_not_cut_off(room, official, demo):
    from tiepdan.live.models import RoomPoint

    board = official("bantcd")
    central = room.central_point()
    # The Chairman's committee hosts the session: every provincial unit's official may sit at that point.
    RoomPoint.objects.filter(pk=central.pk).update(organisation=demo["committee"])
    inspector = official("thanhtra")
    chair_cookie = _device(_cookie_for(board), "may-chu-tri-000000000001")

    async def scenario():
        chair = _at(central, chair_cookie)
        assert (await chair.connect())[0]
        await _until(chair, "welcome")
        intruder = _at(central, _device(_cookie_for(inspector), "may-thanh-tra-0000000001"), role="console")
        assert (await intruder.connect())[0]
        welcome = await _until(intruder, "welcome")
        assert welcome["device"]["role"] == "observer" and welcome["can_chair"] is False
        assert "Chỉ người chủ trì phiên" in welcome["device"]["note"]
        await intruder.send_json_to({"type": "command", "command": "start"})
        assert "Chỉ người điều hành" in (await _until(intruder, "error"))["message"]
        # The chair is still in charge: it sees the inspector's device and its commands work.
        listed = await _until(chair, "devices", lambda m: len(m["devices"]) == 2)
        assert {d["role"] for d in listed["devices"]} == {"console", "observer"}
        await chair.send_json_to({"type": "command", "command": "start"})
        await _until(chair, "room", lambda m: m["room"]["state"] == "live")
        await intruder.disconnect()
        await chair.disconnect()

    async_to_sync(scenario)()
    central.refresh_from_db()
    assert central.devices.get(role="console").user == board


def test_a_second_media_device_waits_as_observer_until_the_chair_grants_it(room, commune_point, official):
    board = official("bantcd")
    services.admit(by=board, point=services.device_connected(point=commune_point, channel_name="x")[0])
    services.device_disconnected(conn=commune_point.devices.get().conn)
    hall_user = official("chutichxa")
    chair_cookie = _device(_cookie_for(board), "may-chu-tri-000000000001")
    camera_pc = _device(_cookie_for(hall_user), "may-camera-hoi-truong-01")
    laptop = _device(_cookie_for(hall_user), "may-xach-tay-0000000001")

    async def scenario():
        chair = _at(room.central_point(), chair_cookie)
        assert (await chair.connect())[0]
        await _until(chair, "welcome")
        first, second = _at(commune_point, camera_pc), _at(commune_point, laptop)
        assert (await first.connect())[0]
        assert (await _until(first, "welcome"))["device"]["media"] is True
        assert (await second.connect())[0]
        waiting = await _until(second, "welcome")
        assert waiting["device"]["role"] == "observer" and "gửi đề nghị tới người chủ trì" in waiting["device"]["note"]
        asked = await _until(chair, "devices", lambda m: any(d["requests_media"] for d in m["devices"]))
        request = next(d for d in asked["devices"] if d["requests_media"])
        # Until the chair decides, the waiting device relays nothing.
        await second.send_json_to({"type": "signal", "to": str(room.central_point().pk), "data": {"candidate": "c"}})
        await _assert_no_signal(chair)
        await chair.send_json_to({"type": "command", "command": "grant_media", "device": request["id"]})
        granted = await _until(second, "device")
        assert granted["device"]["media"] is True and granted["credentials"]["topology"] == "mesh"
        demoted = await _until(first, "device")
        assert demoted["device"]["media"] is False and demoted["device"]["role"] == "observer"
        await _until(chair, "room", lambda m: next(p for p in m["points"] if p["id"] == str(commune_point.pk))["conn"] == granted["conn"])
        for comm in (first, second, chair):
            await comm.disconnect()

    async_to_sync(scenario)()
    assert room.events.filter(kind="media_granted", point=commune_point).exists()


def test_the_same_browser_reloading_replaces_only_its_own_device(room, official):
    board = official("bantcd")
    central = room.central_point()
    session = _cookie_for(board)

    async def scenario():
        old, other = _at(central, _device(session, "may-chu-tri-000000000001")), _at(central, _device(session, "may-khac-00000000000002"), role="observer")
        assert (await old.connect())[0]
        await _until(old, "welcome")
        assert (await other.connect())[0]
        await _until(other, "welcome")
        again = _at(central, _device(session, "may-chu-tri-000000000001"))
        assert (await again.connect())[0]
        assert (await _until(again, "welcome"))["device"]["media"] is True
        assert "cửa sổ khác" in (await _until(old, "replaced"))["message"]
        assert await old.receive_output(timeout=5) == {"type": "websocket.close", "code": 4002}
        await other.send_json_to({"type": "ping"})
        await _until(other, "pong")  # the other browser was not cut off
        for comm in (old, other, again):
            await comm.disconnect()

    async_to_sync(scenario)()


# --- Quality only for the chair and the point itself ----------------------------------------------------
def test_the_welcome_carries_other_points_quality_only_to_the_chair(room, official):
    board = official("bantcd")
    first, second = list(room.points.exclude(role="central").order_by("pk"))[:2]
    for point in (first, second):
        services.admit(by=board, point=point)
    point, device = services.device_connected(point=first, channel_name="x")
    services.report_quality(point=point, conn=device.conn, quality={"rtt_ms": 42, "loss_pct": 0.5})
    services.device_disconnected(conn=device.conn)
    services.report_quality  # noqa: B018 (the figures stay stored after it left)
    from tiepdan.live.models import RoomPoint

    RoomPoint.objects.filter(pk=first.pk).update(quality={"rtt_ms": 42.0, "loss_pct": 0.5})
    cookies = [_cookie_for(board), _cookie_for(link_token=services.issue_join_link(by=board, point=second)[1])]

    async def scenario():
        chair, other = _communicator(room.central_point(), cookies[0]), _communicator(second, cookies[1])
        assert (await other.connect())[0]
        welcome = await _until(other, "welcome")
        assert str(first.pk) not in welcome["quality"]
        assert all("quality" not in p for p in welcome["points"])
        assert (await chair.connect())[0]
        assert (await _until(chair, "welcome"))["quality"][str(first.pk)]["rtt_ms"] == 42.0
        await chair.send_json_to({"type": "command", "command": "spotlight", "point": str(first.pk)})
        pushed = await _until(other, "delta")  # and no push of the whole room or of a change carries them
        assert all("quality" not in p for p in pushed.get("points", []))
        for comm in (chair, other):
            await comm.disconnect()

    async_to_sync(scenario)()


# --- Bounds on what one connection may send ------------------------------------------------------------
def _two_halls_admitted(room, board):
    halls = list(room.points.exclude(role="central").order_by("pk"))[:2]
    for point in halls:
        services.admit(by=board, point=point)
    return halls, [_cookie_for(link_token=services.issue_join_link(by=board, point=p)[1]) for p in halls]


def _chair_and_a_hall(room, board):
    """The central point with the chair's cookie, and one admitted hall with its link's cookie."""
    (hall, _), (hall_cookie, _) = _two_halls_admitted(room, board)
    return room.central_point(), _cookie_for(board), hall, hall_cookie


def test_an_oversized_frame_is_refused_and_not_relayed(room, official, settings):
    central, chair_cookie, hall, hall_cookie = _chair_and_a_hall(room, official("bantcd"))

    async def scenario():
        chair, sender = _communicator(central, chair_cookie), _communicator(hall, hall_cookie)
        assert (await chair.connect())[0]
        await _until(chair, "welcome")
        assert (await sender.connect())[0]
        await _until(sender, "welcome")
        big = "x" * (settings.LIVE_MAX_MESSAGE_BYTES + 1)
        await sender.send_json_to({"type": "signal", "to": str(central.pk), "data": {"sdp": big}})
        refused = await _until(sender, "error")
        assert "quá lớn" in refused["message"] and str(settings.LIVE_MAX_MESSAGE_BYTES) in refused["message"]
        await _assert_no_signal(chair)
        # A normal message from the same point still passes.
        await sender.send_json_to({"type": "signal", "to": str(central.pk), "data": {"candidate": "c"}})
        assert (await _until(chair, "signal"))["data"] == {"candidate": "c"}
        for comm in (chair, sender):
            await comm.disconnect()

    async_to_sync(scenario)()


def test_a_flood_beyond_the_rate_is_refused_while_another_point_is_still_served(room, official, settings, caplog):
    settings.LIVE_MAX_MESSAGES_PER_S = 5
    settings.LIVE_MESSAGE_BURST = 20
    board = official("bantcd")
    (flooder_point, calm_point), (flood_cookie, calm_cookie) = _two_halls_admitted(room, board)
    central = room.central_point()
    chair_cookie = _cookie_for(board)
    sent = 400

    async def scenario():
        chair, flooder, calm = _communicator(central, chair_cookie), _communicator(flooder_point, flood_cookie), _communicator(calm_point, calm_cookie)
        for comm in (chair, flooder, calm):
            assert (await comm.connect())[0]
            await _until(comm, "welcome")
        for i in range(sent):
            await flooder.send_json_to({"type": "signal", "to": str(central.pk), "data": {"n": i}})
        assert "quá nhiều tin nhắn" in (await _until(flooder, "error"))["message"]
        await calm.send_json_to({"type": "signal", "to": str(central.pk), "data": {"calm": True}})
        relayed_from_flooder = 0
        while True:
            msg = await _until(chair, "signal")
            if msg["from"] == str(calm_point.pk):
                break
            relayed_from_flooder += 1
        assert msg["data"] == {"calm": True}
        while not await chair.receive_nothing(timeout=0.3):
            if (await chair.receive_json_from())["type"] == "signal":
                relayed_from_flooder += 1
        # The burst and what the rate refilled meanwhile, not the flood.
        assert relayed_from_flooder < sent / 4, relayed_from_flooder
        for comm in (chair, flooder, calm):
            await comm.disconnect()

    with caplog.at_level("WARNING", logger="tiepdan.live.consumers"):
        async_to_sync(scenario)()
    refusals = [r for r in caplog.records if "messages refused" in r.getMessage()]
    assert len(refusals) == 1  # logged once for the window, not once per message


# --- What a browser may send: the dispatch table ------------------------------------------------------
def test_a_message_of_a_type_the_room_does_not_know_is_refused_with_a_message(room, official):
    central, chair_cookie, hall, hall_cookie = _chair_and_a_hall(room, official("bantcd"))

    async def scenario():
        chair, sender = _communicator(central, chair_cookie), _communicator(hall, hall_cookie)
        for comm in (chair, sender):
            assert (await comm.connect())[0]
            await _until(comm, "welcome")
        await sender.send_json_to({"type": "offer_everyone", "to": str(central.pk), "data": {"sdp": "x"}})
        refused = await _until(sender, "error")
        assert "không nhận loại tin nhắn “offer_everyone”" in refused["message"]
        await _assert_no_signal(chair)
        # The connection is not closed for it: the next message of a known type is taken.
        await sender.send_json_to({"type": "ping"})
        await _until(sender, "pong")
        for comm in (chair, sender):
            await comm.disconnect()

    async_to_sync(scenario)()


def test_a_malformed_or_unknown_command_is_refused_and_changes_nothing(room, official):
    board = official("bantcd")
    central = room.central_point()
    hall = room.points.exclude(role="central").order_by("pk").first()
    services.admit(by=board, point=hall)
    chair_cookie = _cookie_for(board)

    async def scenario():
        chair = _communicator(central, chair_cookie)
        assert (await chair.connect())[0]
        await _until(chair, "welcome")
        await chair.send_json_to({"type": "command", "command": "dissolve"})
        assert "Lệnh điều hành “dissolve” không có" in (await _until(chair, "error"))["message"]
        # A command that needs a point, sent without one or with one that is not a number.
        await chair.send_json_to({"type": "command", "command": "floor"})
        assert (await _until(chair, "error"))["message"] == "Không tìm thấy điểm cầu này trong phòng họp."
        await chair.send_json_to({"type": "command", "command": "remove", "point": "abc", "reason": "x"})
        assert (await _until(chair, "error"))["message"] == "Không tìm thấy điểm cầu này trong phòng họp."
        # A reason that is not text is no reason.
        await chair.send_json_to({"type": "command", "command": "remove", "point": str(hall.pk), "reason": {"x": 1}})
        assert "lý do" in (await _until(chair, "error"))["message"]
        await chair.send_json_to({"type": "command", "command": "timer", "minutes": "nhiều"})
        assert "từ 1 đến 180 phút" in (await _until(chair, "error"))["message"]
        await chair.disconnect()

    async_to_sync(scenario)()
    hall.refresh_from_db()
    assert hall.status == "admitted" and hall.muted
    assert not room.events.filter(kind__in=["removed", "floor_given"]).exists()


def test_a_browser_repeating_that_it_lost_the_sfu_makes_the_server_check_once(room, official, monkeypatch):
    board = official("bantcd")
    (hall, _), (hall_cookie, _) = _two_halls_admitted(room, board)
    checks = []
    monkeypatch.setattr(services, "sfu_failed", lambda **kw: checks.append(kw["reason"]))

    async def scenario():
        sender = _communicator(hall, hall_cookie)
        assert (await sender.connect())[0]
        await _until(sender, "welcome")
        for i in range(5):
            await sender.send_json_to({"type": "backend_failed", "reason": f"ICE failed {i}"})
        await sender.send_json_to({"type": "ping"})
        await _until(sender, "pong")  # messages are handled in order: the reports before it are done
        await sender.disconnect()

    async_to_sync(scenario)()
    assert checks == ["ICE failed 0"]
