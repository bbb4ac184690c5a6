"""One listener per server process for the rooms its connections are in: the fan-out of room changes.

The room's channel-layer group has one member per server process, not one per point.
With a member per point, one change in a room of a thousand points was a thousand
copies in the channel layer (the in-memory layer deep-copies each one), a thousand
consumer wake-ups each with a hop to the database thread (Channels closes old
connections before every handler), and a thousand ``json.dumps``; behind a storm of
arrivals a point's queue overflowed (capacity 100) or held a message past the layer's
60 s expiry, and the layer then silently dropped that point from the group.

Now the layer carries one message per process. The hub keeps the room as last pushed
(``RoomMirror``: the room, its points by id, their channel names) once per process,
encodes what goes to the browsers once, and hands the same text to each connection of
the room in this process. A connection whose socket is full gets the rest queued behind
it (``RoomConsumer.deliver``), never the others.

Who gets what: room changes go to every point (the media back ends need the points'
states); a point's measured connection quality goes only to the chair and to that point;
the list of devices at every point goes only to the chair's consoles.
"""
from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Coroutine

from . import realtime

log = logging.getLogger(__name__)

# Memberships expire (in-memory and Redis layers: 1 day; a member whose message expired
# is dropped at once): the hub joins its groups again this often.
REJOIN_S = 30.0


class RoomMirror:
    """The room as this process last heard it: shared by every connection of the room here."""

    __slots__ = ("room_id", "room", "points", "channels", "connections")

    def __init__(self, room_id: int):
        self.room_id = room_id
        self.room: dict | None = None
        self.points: dict[str, dict] = {}
        self.channels: dict[str, str] = {}
        self.connections: set = set()

    @property
    def ready(self) -> bool:
        return self.room is not None

    def take_snapshot(self, snapshot: dict, channels: dict) -> None:
        self.room = snapshot["room"]
        self.points = {p["id"]: p for p in snapshot["points"]}
        self.channels = dict(channels)

    def take_delta(self, event: dict) -> None:
        for point in event["points"]:
            self.points[point["id"]] = point
        if "room" in event:
            self.room = event["room"]
        for point_id, channel in event["channels"].items():
            if channel:
                self.channels[point_id] = channel
            else:
                self.channels.pop(point_id, None)

    def status_of(self, point_id: str) -> str | None:
        return self.points.get(point_id, {}).get("status")


def _encode(message: dict) -> str:
    return json.dumps(message)


def send_now(sending: Coroutine) -> Unfinished | None:
    """Run an ASGI ``send`` as far as it goes without waiting: None when it is done (the usual case).

    The hub writes a room change to every connection in one go. Awaiting each write under a
    timeout (to notice a full socket) cost ~7 us a connection, and each stalled browser held
    the whole room for that timeout. The server's ``send`` waits only while the socket is full,
    so a send that would wait is a browser that is not reading: what is left of it is returned
    for that connection's own queue to finish (Python 3.12's eager tasks start coroutines so).
    """
    try:
        waiting_on = sending.send(None)
    except StopIteration:
        return None
    return Unfinished(sending, waiting_on)


class Unfinished:
    """A send that stopped to wait for its socket (``send_now``); awaiting it runs it to its end."""

    __slots__ = ("sending", "waiting_on")

    def __init__(self, sending: Coroutine, waiting_on):
        self.sending, self.waiting_on = sending, waiting_on

    def __await__(self):
        return self._finish().__await__()

    async def _finish(self) -> None:
        while True:
            if self.waiting_on is None:
                await asyncio.sleep(0)  # a bare yield: the coroutine only let the loop run
            else:
                await self.waiting_on  # the future it yielded (the socket drained)
            try:
                self.waiting_on = self.sending.send(None)
            except StopIteration:
                return

    def abandon(self) -> None:
        """The browser left before the socket drained: the send is dropped."""
        self.sending.close()


class Hub:
    """Per server process (event loop) and channel layer: its rooms and the one channel they are heard on."""

    def __init__(self, layer, loop: asyncio.AbstractEventLoop):
        self.layer, self.loop = layer, loop
        self.rooms: dict[int, RoomMirror] = {}
        self.channel: str | None = None
        self.tasks: list[asyncio.Task] = []
        self.lock = asyncio.Lock()

    # --- Connections come and go ---------------------------------------------------------------------
    async def join(self, connection) -> RoomMirror:
        """Add a point's connection to its room here; the first of a room makes the process listen to it."""
        async with self.lock:
            if self.channel is None:
                # The layer's own prefix: channels_redis reads every local channel of a process through one
                # loop keyed by that prefix, and a channel under another prefix starves the consumers' ones.
                self.channel = await self.layer.new_channel()
                self.tasks = [asyncio.ensure_future(self._listen()), asyncio.ensure_future(self._rejoin())]
            mirror = self.rooms.get(connection.room_id)
            if mirror is None:
                mirror = self.rooms[connection.room_id] = RoomMirror(connection.room_id)
                await self.layer.group_add(realtime.group_name(connection.room_id), self.channel)
            mirror.connections.add(connection)
            return mirror

    async def leave(self, connection) -> None:
        """Remove a connection; the last of a room stops the listening, the last of all stops the hub."""
        async with self.lock:
            mirror = self.rooms.get(connection.room_id)
            if mirror is None:
                return
            mirror.connections.discard(connection)
            if mirror.connections:
                return
            del self.rooms[connection.room_id]
            await self.layer.group_discard(realtime.group_name(connection.room_id), self.channel)
            if not self.rooms:
                for task in self.tasks:
                    task.cancel()
                self.tasks, self.channel = [], None

    async def _rejoin(self) -> None:
        while True:
            await asyncio.sleep(REJOIN_S)
            for room_id in list(self.rooms):
                await self.layer.group_add(realtime.group_name(room_id), self.channel)

    async def _listen(self) -> None:
        channel = self.channel
        while True:
            message = await self.layer.receive(channel)
            try:
                await self.dispatch(message)
            except Exception:  # one bad message must not deafen the process to every room
                log.exception("live hub: message %s not delivered", message.get("type"))

    # --- Messages from the group ---------------------------------------------------------------------
    async def dispatch(self, message: dict) -> None:
        mirror = self.rooms.get(message.get("room_id"))
        if mirror is None:
            return
        kind = message["type"]
        if kind == "room.snapshot":
            mirror.take_snapshot(message["snapshot"], message["channels"])
            await self._to_everyone(mirror, {"type": "room", **message["snapshot"]}, changed=None)
        elif kind == "room.delta":
            if not mirror.ready:
                return  # the first connection's welcome, read after this process joined, already has it
            mirror.take_delta(message)
            forwarded = {"type": "delta", **{k: message[k] for k in ("room", "points", "events") if k in message}}
            await self._to_everyone(mirror, forwarded, changed={p["id"] for p in message["points"]})
        elif kind == "room.quality":
            text = _encode({"type": "quality", "point_id": message["point_id"], "quality": message["quality"]})
            for connection in list(mirror.connections):
                if connection.can_chair or connection.point_key == message["point_id"]:
                    connection.deliver(text)
        elif kind == "room.devices":
            text = _encode({"type": "devices", "devices": message["devices"]})
            for connection in list(mirror.connections):
                if connection.can_chair:
                    connection.deliver(text)
        elif kind == "room.kick":
            for connection in list(mirror.connections):
                if connection.point_key == str(message["point_id"]):
                    connection.recheck_soon()

    async def _to_everyone(self, mirror: RoomMirror, message: dict, *, changed: set | None) -> None:
        """The same text to every connection, except those whose own point changed (they may have to close)."""
        text = _encode(message)
        backend = mirror.room["backend"]
        for connection in list(mirror.connections):
            try:  # one connection's failure must not cost the points after it this change
                if changed is None or connection.point_key in changed:
                    if await connection.closed_by_change():
                        continue
                if connection.backend_name != backend:
                    connection.deliver(message)  # the media path changed: the consumer adds this point's new credentials
                else:
                    connection.deliver(text)
            except Exception:
                log.exception("live hub: point %s of room %s missed a change", connection.point_key, mirror.room_id)


_hub: Hub | None = None


def hub_for(layer) -> Hub:
    """This process's hub (one per running event loop and channel layer: tests run many loops)."""
    global _hub
    loop = asyncio.get_running_loop()
    if _hub is None or _hub.loop is not loop or _hub.layer is not layer:
        _hub = Hub(layer, loop)
    return _hub
