"""The room's signalling over the app's WebSocket: thin, every state change goes through ``services``.

One connection per point's browser. Authorisation is checked here, at the WebSocket:
an official's session or a join link redeemed in this browser, for THIS point of
THIS room; anything else is told why and closed (code 4403). SDP and ICE are
relayed only between admitted points.
"""
from __future__ import annotations

import asyncio
import collections
import json
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import PermissionDenied, ValidationError

from tiepdan.core import policy

from . import realtime, services
from .backends import backend_for
from .hub import Unfinished, hub_for, send_now
from .models import PointStatus, RoomPoint
from .selectors import room_snapshot

REFUSED = 4403
REMOVED = 4001
REPLACED = 4002
QUALITY_MIN_INTERVAL_S = 1.5


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or "Thao tác không thực hiện được."


class RoomConsumer(AsyncJsonWebsocketConsumer):
    """A point's browser; room changes reach it through the process's hub (``live.hub``), which calls ``deliver``."""

    conn = ""
    closing = False
    mirror = None
    backlog: collections.deque | None = None
    backend_name: str | None = None

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
        self.last_quality = 0.0
        user = self.scope.get("user")
        self.user = user if user is not None and user.is_authenticated else None
        session = self.scope.get("session")
        self.link_id = (session.get("live_links", {}) if session is not None else {}).get(str(self.point_id))
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
        point, self.conn = await database_sync_to_async(services.point_connected)(point=point, channel_name=self.channel_name, user=self.user)
        welcome = await database_sync_to_async(self._welcome)(point)
        await self.send_json(welcome)
        self._start_drain()

    def _authorise(self):
        point = RoomPoint.objects.select_related("room", "room__province_committee", "organisation").filter(pk=self.point_id, room_id=self.room_id).first()
        if point is None:
            return "Không tìm thấy điểm cầu này trong phòng họp.", None
        refusal = services.connection_refusal(user=self.user, link_id=self.link_id, point=point)
        self.can_chair = refusal is None and self.user is not None and point.role == "central" and policy.can(self.user, "live.chair", point.room)
        return refusal, point

    def _welcome(self, point: RoomPoint) -> dict:
        snapshot, channels = room_snapshot(self.room_id)
        # Read after this process listened: at least as new as any delta still on its way, and a
        # delta older than it only repeats states the next push corrects.
        self.mirror.take_snapshot(snapshot, channels)
        return {
            "type": "welcome",
            "self": {"id": str(point.pk), "name": point.name, "role": point.role},
            "conn": self.conn,
            "can_chair": self.can_chair,
            "credentials": self._credentials(),
            **snapshot,
        }

    async def disconnect(self, code):
        self.closing = True
        if self.mirror is not None:
            await self.hub.leave(self)
        if self.conn:
            point = RoomPoint(pk=self.point_id)
            await database_sync_to_async(services.point_disconnected)(point=point, conn=self.conn, user=self.user)

    # --- From the browser ------------------------------------------------------------------------
    async def receive_json(self, content, **kwargs):
        if not self.conn:
            return
        kind = content.get("type")
        if kind == "signal":
            await self._relay(content)
        elif kind == "quality":
            await self._quality(content.get("quality") or {})
        elif kind == "command":
            await self._command(content)
        elif kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "backend_failed":
            await database_sync_to_async(self._backend_failed)(str(content.get("reason") or "")[:200])

    def _backend_failed(self, reason: str) -> None:
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
            await self.channel_layer.send(channel, {"type": "relay.signal", "from": str(self.point_id), "from_conn": self.conn, "data": content.get("data")})

    async def _quality(self, quality: dict):
        now = time.monotonic()
        if now - self.last_quality < QUALITY_MIN_INTERVAL_S:
            return
        self.last_quality = now
        clean = await database_sync_to_async(services.report_quality)(point=RoomPoint(pk=self.point_id), conn=self.conn, quality=quality)
        if clean is not None:
            await self.channel_layer.group_send(self.group, {"type": "room.quality", "room_id": self.room_id, "point_id": self.point_key, "quality": clean})

    async def _command(self, content):
        if not self.can_chair:
            await self.send_json({"type": "error", "message": "Chỉ người điều hành tại điểm cầu trung tâm mới được điều khiển phiên."})
            return
        try:
            await database_sync_to_async(self._run_command)(content)
        except (PermissionDenied, ValidationError) as exc:
            await self.send_json({"type": "error", "message": _message(exc)})

    def _run_command(self, content):
        from .models import LiveRoom

        name = content.get("command")
        room = LiveRoom.objects.get(pk=self.room_id)
        point = None
        if content.get("point") not in (None, ""):
            point = RoomPoint.objects.filter(pk=int(content["point"]), room=room).first()
            if point is None:
                raise ValidationError("Không tìm thấy điểm cầu này trong phòng họp.")
        by = self.user
        if name == "admit":
            services.admit(by=by, point=point, as_observer=bool(content.get("as_observer")))
        elif name == "mute":
            services.set_muted(by=by, point=point, muted=bool(content.get("muted", True)))
        elif name == "remove":
            services.remove(by=by, point=point, reason=content.get("reason") or "")
        elif name == "floor":
            services.give_floor(by=by, point=point)
        elif name == "spotlight":
            services.set_spotlight(by=by, room=room, point=point)
        elif name == "start":
            services.start_session(by=by, room=room)
        elif name == "close":
            services.close_room(by=by, room=room, reason=content.get("reason") or "")
        elif name == "start_matter":
            from .selectors import agenda_items

            item = next((i for i in agenda_items(room) if i.pk == int(content.get("item", 0))), None)
            if item is None:
                raise ValidationError("Không tìm thấy vụ việc này trong chương trình phiên.")
            services.start_matter(by=by, room=room, item=item)
        elif name == "close_matter":
            services.close_matter(by=by, room=room)
        elif name == "call_next":
            services.call_next(by=by, room=room)
        elif name == "timer":
            services.set_timer(by=by, room=room, minutes=int(content.get("minutes") or 0))
        elif name == "screen":
            services.note_screen_share(by=by, room=room, on=bool(content.get("on")))
        else:
            raise ValidationError("Lệnh điều hành không hợp lệ.")

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
        removed = mine["status"] == PointStatus.REMOVED and not self.can_chair
        replaced = bool(mine["conn"]) and mine["conn"] != self.conn
        if not (removed or replaced):
            return False
        point = await database_sync_to_async(RoomPoint.objects.filter(pk=self.point_id).values("status", "conn").first)()
        if point is not None and point["status"] == PointStatus.REMOVED and not self.can_chair:
            await self.send_json({"type": "removed", "message": "Người chủ trì đã mời điểm cầu của bạn ra khỏi phiên."})
            await self.close(code=REMOVED)
            return True
        if point is not None and point["conn"] and point["conn"] != self.conn:
            await self.send_json({"type": "replaced", "message": "Điểm cầu này vừa được mở ở một cửa sổ khác; cửa sổ này đã ngắt."})
            await self.close(code=REPLACED)
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

    # --- To this point alone -----------------------------------------------------------------------------
    async def relay_signal(self, event):
        await self.send_json({"type": "signal", "from": event["from"], "from_conn": event["from_conn"], "data": event["data"]})
