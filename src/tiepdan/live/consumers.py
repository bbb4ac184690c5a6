"""The room's signalling over the app's WebSocket: thin, every state change goes through ``services``.

One connection per browser (a device: ``RoomDevice``); a point may have several, each
with a role (``rules.device_role``), and only its media device takes part in the media.
Authorisation is checked here, at the WebSocket: an official's session or a join link
redeemed in this browser, for THIS point of THIS room; anything else is told why and
closed (code 4403). SDP and ICE are relayed only between the media devices of admitted
points. Each message is bounded in size and each connection in rate (settings
LIVE_MAX_MESSAGE_BYTES, LIVE_MAX_MESSAGES_PER_S, LIVE_MESSAGE_BURST): what is over is
refused and not relayed, and a connection that keeps flooding is closed (4429).

What a browser may send is one table, ``ROUTES``: the message's type → its handler, the device
that may send it, and its rate class; a type not in it is refused with a message. The chair's
commands are another table, ``live.commands.COMMANDS``.
"""
from __future__ import annotations

import asyncio
import collections
import json
import logging
import time
from dataclasses import dataclass
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.exceptions import ChannelFull
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from tiepdan.core import audit

from . import commands, realtime, services
from .backends import backend_for
from .hub import Unfinished, hub_for, send_now
from .models import DeviceRole, PointStatus, RoomPoint
from .selectors import room_devices, room_quality, room_snapshot

log = logging.getLogger(__name__)

REFUSED = 4403
REMOVED = 4001
REPLACED = 4002
FLOODED = 4429
DEVICE_COOKIE = "tiepdan_live_device"
# Refusals are counted, told and logged once per window; this many refused in one window is abuse.
FLOOD_WINDOW_S = 5.0
FLOOD_CLOSE_AFTER = 3  # windows in a row with refusals, or oversized frames in one window
TOO_BIG = "Tin nhắn gửi lên phòng họp quá lớn ({size} byte, tối đa {limit} byte), đã bị từ chối và không được chuyển tiếp."
TOO_FAST = "Điểm cầu gửi quá nhiều tin nhắn ({count} tin bị từ chối trong {window:.0f} giây); các tin vượt mức không được chuyển tiếp."
FLOOD_CLOSED = "Kết nối gửi quá nhiều hoặc quá lớn dữ liệu nên đã bị ngắt. Trình duyệt sẽ tự kết nối lại; nếu lặp lại, vui lòng báo kỹ thuật viên."


UNKNOWN_TYPE = "Phòng họp không nhận loại tin nhắn “{kind}”; tin nhắn đã bị bỏ qua. Vui lòng tải lại trang; nếu vẫn báo lỗi, vui lòng báo kỹ thuật viên."
CONSOLE_ONLY = "Chỉ người điều hành tại điểm cầu trung tâm mới được điều khiển phiên."


class TokenBucket:
    """Each connection's allowance: ``rate_per_s`` on average, ``burst`` at once (a point joining a star sends many ICE candidates)."""

    def __init__(self, rate_per_s: float, burst: int):
        self.rate_per_s, self.burst = rate_per_s, burst
        self.tokens, self.at = float(burst), time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate_per_s)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or "Thao tác không thực hiện được."


def _text(value) -> str:
    return value if isinstance(value, str) else ""


@dataclass(frozen=True)
class RateClass:
    """How often one kind of message is taken, beyond the connection's bucket (which every message meets before it is decoded).

    ``min_interval_s``: a message of this class within this long of the last one taken is dropped
    without a word: it repeats what the connection said a moment ago.
    """

    name: str
    min_interval_s: float = 0.0


BUCKET_ONLY = RateClass("bucket")  # SDP and ICE (a star's join sends many), pings, the chair's clicks
MEASURE = RateClass("measure", 1.5)  # the browser's getStats, sent every few seconds
# "I lost the SFU": each one makes the server ask Janus (up to JANUS_HEALTH_TIMEOUT_S on the database
# thread), so a browser repeating it must not hold up the room; the server's own check runs anyway.
REPORT = RateClass("report", 5.0)

ANY_DEVICE, MEDIA_DEVICE, CONSOLE_DEVICE = "any", "media", "console"


@dataclass(frozen=True)
class Route:
    handler: str  # the consumer's method, given the decoded message
    sender: str  # ANY_DEVICE; MEDIA_DEVICE: the device holding the point's media (others are ignored); CONSOLE_DEVICE: the chair's console (others are told)
    rate: RateClass


# Every message a browser may send. Anything else is refused, and the browser told.
ROUTES: dict[str, Route] = {
    "signal": Route("_relay", MEDIA_DEVICE, BUCKET_ONLY),
    "quality": Route("_quality", MEDIA_DEVICE, MEASURE),
    "backend_failed": Route("_backend_failed", MEDIA_DEVICE, REPORT),
    "command": Route("_command", CONSOLE_DEVICE, BUCKET_ONLY),  # the command itself: live.commands.COMMANDS
    "ping": Route("_ping", ANY_DEVICE, BUCKET_ONLY),
}


class RoomConsumer(AsyncJsonWebsocketConsumer):
    """A point's browser; room changes reach it through the process's hub (``live.hub``), which calls ``deliver``."""

    conn = ""
    closing = False
    mirror = None
    backlog: collections.deque | None = None
    backend_name: str | None = None
    can_chair = False
    holds_media = False

    async def close(self, code=None, reason=None):
        # Group messages already queued keep arriving until the disconnect; none may be sent after the close.
        self.closing = True
        await super().close(code=code, reason=reason)

    async def send_json(self, content, close=False):
        if not self.closing:
            await super().send_json(content, close=close)

    async def connect(self):
        realtime.remember_server_loop(asyncio.get_running_loop())
        kwargs = self.scope["url_route"]["kwargs"]
        self.room_id, self.point_id = int(kwargs["room_id"]), int(kwargs["point_id"])
        self.point_key = str(self.point_id)
        self.group = realtime.group_name(self.room_id)
        self.last_taken: dict[str, float] = {}  # per rate class: when a message of it was last taken
        user = self.scope.get("user")
        self.user = user if user is not None and user.is_authenticated else None
        session = self.scope.get("session")
        self.link_id = (session.get("live_links", {}) if session is not None else {}).get(str(self.point_id))
        cookies = self.scope.get("cookies") or {}
        self.device_key = cookies.get(DEVICE_COOKIE, "")
        self.asks = (parse_qs(self.scope.get("query_string", b"").decode()).get("role") or [""])[0]
        self.bucket = TokenBucket(settings.LIVE_MAX_MESSAGES_PER_S, settings.LIVE_MESSAGE_BURST)
        self.window_at, self.refused_in_window, self.oversized_in_window, self.flooded_windows = time.monotonic(), 0, 0, 0
        refusal, point = await database_sync_to_async(self._authorise)()
        await self.accept()
        # Room messages go straight to the server (config.asgi.KeepServerSend); tests without it use the stack's.
        self.room_send = self.scope.get("server_send") or self.base_send
        if refusal:
            await self.send_json({"type": "refused", "message": refusal})
            await self.close(code=REFUSED)
            return
        # Listen before connecting: a change pushed between the two is then in the welcome or in a
        # delta. What the room sends before the welcome went out waits for it.
        self.backlog = collections.deque()
        self.hub = hub_for(self.channel_layer)
        self.mirror = await self.hub.join(self)
        point, device = await database_sync_to_async(services.device_connected)(
            point=point, channel_name=self.channel_name, user=self.user, link_id=self.link_id, device_key=self.device_key, asks=self.asks)
        self.conn, self.device = device.conn, device
        self.can_chair, self.holds_media = device.role == "console", device.media
        welcome = await database_sync_to_async(self._welcome)(point)
        await self.send_json(welcome)
        self._start_drain()

    def _authorise(self):
        point = RoomPoint.objects.select_related("room", "room__province_committee", "organisation").filter(pk=self.point_id, room_id=self.room_id).first()
        if point is None:
            return "Không tìm thấy điểm cầu này trong phòng họp.", None
        return services.connection_refusal(user=self.user, link_id=self.link_id, point=point), point

    def _welcome(self, point: RoomPoint) -> dict:
        snapshot, channels = room_snapshot(self.room_id)
        self.backend_name = snapshot["room"]["backend"]
        # Read after this process listened: at least as new as any delta still on its way, and a
        # delta older than it only repeats states the next push corrects.
        self.mirror.take_snapshot(snapshot, channels)
        welcome = {
            "type": "welcome",
            "self": {"id": str(point.pk), "name": point.name, "role": point.role},
            "conn": self.conn,
            "device": self._device_view(self.device.role, self.device.media, getattr(self.device, "note", "")),
            "can_chair": self.can_chair,
            "credentials": self._credentials() if self.holds_media else None,
            **snapshot,
            # Measured quality: every point's for the chair, its own for a point, nobody else's.
            "quality": room_quality(self.room_id, point_id=None if self.can_chair else self.point_id),
        }
        if self.can_chair:
            welcome["devices"] = room_devices(self.room_id)
        return welcome

    def _device_view(self, role: str, media: bool, note: str = "") -> dict:
        return {"id": str(self.device.pk), "role": role, "role_label": DeviceRole(role).label, "media": media, "note": note}

    async def disconnect(self, code):
        self.closing = True
        if self.mirror is not None:
            await self.hub.leave(self)
        if self.conn:
            await database_sync_to_async(services.device_disconnected)(conn=self.conn, user=self.user)

    # --- From the browser ------------------------------------------------------------------------
    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """Bound every message before it is decoded: its size, and this connection's rate."""
        size = len(text_data.encode()) if text_data is not None else len(bytes_data or b"")
        if size > settings.LIVE_MAX_MESSAGE_BYTES:
            self.oversized_in_window += 1
            await self._refuse(TOO_BIG.format(size=size, limit=settings.LIVE_MAX_MESSAGE_BYTES), why="oversized", size=size)
            return
        if not self.bucket.take():
            await self._refuse(None, why="rate")
            return
        try:
            await super().receive(text_data=text_data, bytes_data=bytes_data, **kwargs)
        except ValueError:  # not JSON (json.JSONDecodeError): nothing a browser of ours sends
            await self.send_json({"type": "error", "message": "Tin nhắn gửi lên phòng họp không đúng định dạng, đã bị bỏ qua."})

    async def _refuse(self, message: str | None, *, why: str, size: int = 0) -> None:
        """Refuse one message: tell this browser and log it once per window, not per message; close on abuse."""
        now = time.monotonic()
        if now - self.window_at >= FLOOD_WINDOW_S:
            self.flooded_windows = self.flooded_windows + 1 if self.refused_in_window else 0
            self.window_at, self.refused_in_window, self.oversized_in_window = now, 0, 1 if why == "oversized" else 0
        self.refused_in_window += 1
        if message is not None or self.refused_in_window == 1:
            await self.send_json({"type": "error", "message": message or TOO_FAST.format(count=self.refused_in_window, window=FLOOD_WINDOW_S)})
        if self.refused_in_window == 1:
            log.warning("live room %s point %s conn %s: messages refused (%s, %s bytes); counted for %.0f s", self.room_id, self.point_id, self.conn or "-", why, size, FLOOD_WINDOW_S)
        abuse = self.oversized_in_window >= FLOOD_CLOSE_AFTER or self.refused_in_window > 10 * settings.LIVE_MESSAGE_BURST or self.flooded_windows >= FLOOD_CLOSE_AFTER
        if abuse and not self.closing:
            log.warning("live room %s point %s conn %s: closed for flooding (%s refused in this window)", self.room_id, self.point_id, self.conn or "-", self.refused_in_window)
            await database_sync_to_async(self._audit_flood)(why)
            await self.send_json({"type": "error", "message": FLOOD_CLOSED})
            await self.close(code=FLOODED)

    def _audit_flood(self, why: str) -> None:
        point = RoomPoint.objects.filter(pk=self.point_id).first()
        if point is not None:
            audit.record(actor=self.user, action="live.flood_closed", obj=point, changes={"conn": self.conn, "why": why, "refused": self.refused_in_window})

    async def receive_json(self, content, **kwargs):
        """Dispatch one decoded message by ``ROUTES``: who may send it, how often, which handler."""
        if not self.conn or not isinstance(content, dict):
            return
        kind = content.get("type")
        route = ROUTES.get(kind) if isinstance(kind, str) else None
        if route is None:
            await self.send_json({"type": "error", "message": UNKNOWN_TYPE.format(kind=str(kind)[:40])})
            return
        if route.sender == MEDIA_DEVICE and not self.holds_media:
            return  # a console, minutes or observer device takes no part in the media; a device just moved off it may still send a little
        if route.sender == CONSOLE_DEVICE and not self.can_chair:
            await self.send_json({"type": "error", "message": CONSOLE_ONLY})
            return
        if route.rate.min_interval_s:
            now = time.monotonic()
            if now - self.last_taken.get(route.rate.name, -route.rate.min_interval_s) < route.rate.min_interval_s:
                return  # repeats what this connection said a moment ago
            self.last_taken[route.rate.name] = now
        await getattr(self, route.handler)(content)

    async def _ping(self, content):
        await self.send_json({"type": "pong"})

    async def _backend_failed(self, content):
        await database_sync_to_async(self._report_backend_failed)(_text(content.get("reason"))[:200])

    def _report_backend_failed(self, reason: str) -> None:
        """This browser lost the SFU: the server checks Janus itself and falls back if it is down (engineer F)."""
        point = RoomPoint.objects.select_related("room").get(pk=self.point_id)
        services.sfu_failed(room=point.room, reason=reason, point=point)

    def _credentials(self):
        point = RoomPoint.objects.select_related("room").get(pk=self.point_id)
        self.backend_name = point.room.backend
        return backend_for(point.room).credentials_for(point.room, point)

    async def _relay(self, content):
        to = str(content.get("to"))
        if self.mirror.status_of(self.point_key) != PointStatus.ADMITTED or self.mirror.status_of(to) != PointStatus.ADMITTED:
            return  # only between admitted points
        channel = self.mirror.channels.get(to)
        if channel:
            try:
                await self.channel_layer.send(channel, {"type": "relay.signal", "from": str(self.point_id), "from_conn": self.conn, "data": content.get("data")})
            except ChannelFull:
                log.warning("live room %s: signal from point %s to point %s dropped, its queue is full", self.room_id, self.point_id, to)

    async def _quality(self, content):
        quality = content.get("quality")
        if not isinstance(quality, dict):
            return
        clean = await database_sync_to_async(services.report_quality)(point=RoomPoint(pk=self.point_id), conn=self.conn, quality=quality)
        if clean is not None:
            await self.channel_layer.group_send(self.group, {"type": "room.quality", "room_id": self.room_id, "point_id": self.point_key, "quality": clean})

    async def _command(self, content):
        try:
            await database_sync_to_async(commands.run)(by=self.user, room_id=self.room_id, content=content)
        except (PermissionDenied, ValidationError) as exc:
            await self.send_json({"type": "error", "message": _message(exc)})

    # --- From the room, through the hub ---------------------------------------------------------------
    def deliver(self, entry: str | dict) -> None:
        """Send one room message to this browser, in order, without making the room wait on this socket.

        ``entry`` is the text every point gets, or (when the media path changed) the message
        itself, to which this point's new credentials are added first. The hub calls this for
        every connection in a row, so it never waits: what cannot be written now (an earlier
        message still queued, or a full socket) goes to this connection's own queue.
        """
        if self.closing:
            return
        if isinstance(entry, dict):
            self.backend_name = self.mirror.room["backend"]  # the credentials on their way are for this path
        if self.backlog is not None:
            self.backlog.append(entry)
            return
        if isinstance(entry, str):
            try:
                unfinished = send_now(self.room_send({"type": "websocket.send", "text": entry}))
            except OSError:
                return  # the browser is gone; disconnect() follows
            if unfinished is None:
                return
            entry = unfinished  # the socket is full (a slow or vanished browser): it finishes first in the queue
        self.backlog = collections.deque([entry])
        self._start_drain()

    def _start_drain(self) -> None:
        if self.backlog:
            self.writer = asyncio.ensure_future(self._drain())
        else:
            self.backlog = None

    async def _drain(self) -> None:
        try:
            while self.backlog and not self.closing:
                entry = self.backlog[0]
                if isinstance(entry, Unfinished):
                    await entry
                else:
                    if isinstance(entry, dict):
                        entry = json.dumps({**entry, "credentials": await database_sync_to_async(self._credentials)()})
                    await self.room_send({"type": "websocket.send", "text": entry})
                self.backlog.popleft()
        except OSError:
            pass  # the browser is gone; disconnect() follows
        finally:
            if self.backlog and isinstance(self.backlog[0], Unfinished):
                self.backlog[0].abandon()
            self.backlog = None

    async def closed_by_change(self) -> bool:
        """Close this connection if the change removed or replaced its point (True: nothing more to send).

        The room's state says so first; the database confirms, because a change pushed just
        before this connection began can arrive just after it (a reload) and is not about it.
        """
        if self.closing:
            return True
        mine = self.mirror.points.get(self.point_key)
        if mine is None or not self.conn:
            return False  # before the welcome: what it says is in the welcome
        # Another device taking the point's media is no reason to close this one: a device is
        # replaced only by its own browser coming back (``device_replaced``).
        if not (mine["status"] == PointStatus.REMOVED and not self.can_chair):
            return False
        point = await database_sync_to_async(RoomPoint.objects.filter(pk=self.point_id).values("status").first)()
        if point is not None and point["status"] == PointStatus.REMOVED:
            await self.send_json({"type": "removed", "message": "Người chủ trì đã mời điểm cầu của bạn ra khỏi phiên."})
            await self.close(code=REMOVED)
            return True
        return False

    def recheck_soon(self) -> None:
        """The point's right to be here changed (a link revoked): check it again, off the hub's loop turn."""
        asyncio.ensure_future(self._recheck())

    async def _recheck(self) -> None:
        refusal, _ = await database_sync_to_async(self._authorise)()
        if refusal:
            await self.send_json({"type": "refused", "message": refusal})
            await self.close(code=REFUSED)

    # --- To this device alone -----------------------------------------------------------------------------
    async def device_replaced(self, event):
        await self.send_json({"type": "replaced", "message": "Trình duyệt này vừa mở lại điểm cầu ở một cửa sổ khác; cửa sổ này đã ngắt."})
        await self.close(code=REPLACED)

    async def device_changed(self, event):
        """The chair moved the point's media to or from this device."""
        self.holds_media = bool(event["media"])
        view = self._device_view(event["role"], self.holds_media, event.get("note", ""))
        credentials = await database_sync_to_async(self._credentials)() if self.holds_media else None
        await self.send_json({"type": "device", "device": view, "conn": self.conn, "credentials": credentials})

    async def relay_signal(self, event):
        await self.send_json({"type": "signal", "from": event["from"], "from_conn": event["from_conn"], "data": event["data"]})
