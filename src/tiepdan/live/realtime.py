"""Pushing the room's state to every connected point after a service committed.

Services call ``push_snapshot`` inside ``transaction.on_commit``; each server process's
hub (``live.hub``) hears the room's group once and forwards what arrives to the
browsers of its connections.

Why deltas and a throttle: a room of a thousand points that pushed its whole state
on every change sent n points to n browsers for each of n arrivals (O(n³) bytes while
the room fills; a chair's mute waited 36 s behind them). Now each push carries only
the points whose state changed since this process last pushed (a few hundred bytes),
and pushes within ``COALESCE_S`` of the previous one are merged into one that reads
the state once at the end of the window. A browser that (re)connects gets the full
state in its welcome; a point missing from a delta has not changed.
"""
from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import logging
import threading
import time

import redis
from asgiref.sync import SyncToAsync, async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import close_old_connections, transaction
from redis.exceptions import LockError

from . import selectors

log = logging.getLogger(__name__)

# Presence storms (hundreds of points arriving) merge into one push per window; a lone
# change (the chair's mute) goes out at once, because the window starts with it.
COALESCE_S = 0.05


def group_name(room_id: int) -> str:
    return f"live-room-{room_id}"


_served_by: asyncio.AbstractEventLoop | None = None


def remember_server_loop(loop: asyncio.AbstractEventLoop) -> None:
    """The loop the WebSocket consumers run on (the consumer calls this when a point connects)."""
    global _served_by
    _served_by = loop


def _send(coroutine_function, *args) -> None:
    """Call the channel layer from sync code, on the loop that serves the consumers.

    The in-memory layer's queues belong to that loop: a message put from another loop (a
    job, a thread of our own) sits unseen until something else wakes the consumer. A
    service called from a request already runs beside that loop (asgiref routes the call
    there); any other caller hands the call to the server's loop and waits for it.
    """
    loop = _served_by
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if loop is not None and loop.is_running() and running is not loop and getattr(SyncToAsync.threadlocal, "main_event_loop", None) is not loop:
        asyncio.run_coroutine_threadsafe(coroutine_function(*args), loop).result(timeout=5)
        return
    if running is None:
        async_to_sync(coroutine_function)(*args)
        return
    worker = threading.Thread(target=lambda: async_to_sync(coroutine_function)(*args))
    worker.start()
    worker.join(timeout=5)


def snapshot_delta(previous: tuple[dict, dict] | None, current: tuple[dict, dict], only: set[str] | None = None) -> dict | None:
    """What changed between two ``room_snapshot`` results, as a ``room.delta`` message (None: nothing).

    ``room`` and ``events`` are small and sent whole when they changed; ``points`` lists
    only the points whose public state changed; ``channels`` (server side only) maps every
    changed point to its channel name, "" when it is no longer connected. ``only``: the
    current snapshot holds just these points, the others did not change. The points named
    so, and the room's fields, are sent as read whatever this process last pushed: with
    several server processes another may have pushed a newer state of them since.
    """
    snapshot, channels = current
    if previous is None:
        return {"type": "room.snapshot", "snapshot": snapshot, "channels": channels}
    before, before_channels = previous
    named = only if only is not None else set()
    if only is not None:
        before_channels = {pid: ch for pid, ch in before_channels.items() if pid in only}
    # A point's measured quality is not in the snapshot: it reaches the chair and that point alone
    # (room.quality), and a thousand points measuring every 3 s would make every delta whole.
    wanted = {p["id"] for p in snapshot["points"]}
    old_points = {p["id"]: p for p in before["points"] if p["id"] in wanted}
    points = [p for p in snapshot["points"] if p["id"] in named or old_points.get(p["id"]) != p]
    changed_channels = {pid: channels.get(pid, "") for pid in set(channels) | set(before_channels) | named
                        if pid in named or channels.get(pid) != before_channels.get(pid)}
    message: dict = {"type": "room.delta", "points": points, "channels": changed_channels}
    if only is not None or snapshot["room"] != before["room"]:
        message["room"] = snapshot["room"]
    if snapshot["events"] != before["events"]:
        message["events"] = snapshot["events"]
    if not points and not changed_channels and len(message) == 3:
        return None
    return message


def merge_partial(previous: tuple[dict, dict], current: tuple[dict, dict], only: set[str]) -> tuple[dict, dict]:
    """The whole room after a partial read of ``only`` its points (``room_snapshot(only=...)``)."""
    before, before_channels = previous
    snapshot, channels = current
    fresh = {p["id"]: p for p in snapshot["points"]}
    points = [fresh.pop(p["id"], p) for p in before["points"] if p["id"] not in only or p["id"] in fresh]
    points.extend(fresh.values())  # a point added to the room
    merged_channels = {pid: ch for pid, ch in before_channels.items() if pid not in only}
    merged_channels.update(channels)
    return {**snapshot, "points": points}, merged_channels


def _server_loop():
    """The event loop serving this request: the running one, or the one a sync service was called from."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    for loop in (getattr(SyncToAsync.threadlocal, "main_event_loop", None), _served_by):
        if loop is not None and loop.is_running():
            return loop
    return None


EVERY_POINT = None  # a change that may touch any point of the room: read them all

# Longest a push may hold a room across processes (a process that dies holding it frees it then).
PUSH_LOCK_S = 10.0
_redis = None


@contextlib.contextmanager
def _across_processes(room_id: int):
    """With several server processes (Redis), one push of a room at a time among all of them.

    Each process pushes the changes its own connections made (an arrival, the chair's mute).
    Two processes that read one point a few ms apart could send in the other order, and every
    browser would keep the older state; holding a Redis lock from read to send orders them
    (the channel layer delivers in the order sent). Without Redis there is one process: nothing to do.
    """
    if not settings.REDIS_URL:
        yield
        return
    global _redis
    if _redis is None:
        _redis = redis.Redis.from_url(settings.REDIS_URL)
    lock = _redis.lock(f"{settings.REDIS_CHANNEL_PREFIX}:live-push:{room_id}", timeout=PUSH_LOCK_S, blocking_timeout=PUSH_LOCK_S)
    held = lock.acquire()
    if not held:
        log.warning("live push of room %s sent without the cross-process lock (held > %.0f s)", room_id, PUSH_LOCK_S)
    try:
        yield
    finally:
        if held:
            try:
                lock.release()
            except LockError:
                pass  # it expired meanwhile: another push may already hold it


class _Pusher:
    """Per process: the state last pushed for each room, the points changed since, and the throttle."""

    def __init__(self):
        self.lock = threading.Lock()
        # One push of a room at a time, from its read to its send: a push whose read was slow (a room
        # filling up) must not send its older state after a later push sent the newer one.
        self.pushing: dict[int, threading.Lock] = collections.defaultdict(threading.Lock)
        self.last_state: dict[int, tuple[dict, dict]] = {}
        self.last_at: dict[int, float] = {}
        self.scheduled: set[int] = set()
        self.dirty: dict[int, set[str] | None] = {}

    @property
    def window_s(self) -> float:
        return COALESCE_S

    def request(self, room_id: int, point_ids=EVERY_POINT) -> None:
        now = time.monotonic()
        with self.lock:
            if point_ids is EVERY_POINT or self.dirty.get(room_id, set()) is EVERY_POINT:
                self.dirty[room_id] = EVERY_POINT
            else:
                self.dirty.setdefault(room_id, set()).update(str(pk) for pk in point_ids)
            if room_id in self.scheduled:
                return  # the push already due reads the state after this change
            wait = self.last_at.get(room_id, 0.0) + self.window_s - now
            if wait > 0:
                self.scheduled.add(room_id)
            else:
                self.last_at[room_id] = now
        if wait > 0:
            self._later(wait, room_id)
        else:
            self.push(room_id)

    def _later(self, wait: float, room_id: int) -> None:
        """Run the merged push on the server's event loop, where the in-memory channel layer lives.

        A plain thread would put into that layer's queues from another loop, and the
        consumers would never wake; only a process with no loop (a job, a command) uses one.
        """
        loop = _server_loop()
        if loop is None:
            timer = threading.Timer(wait, self._trailing, args=(room_id,))
            timer.daemon = True
            timer.start()
            return
        def on_loop():
            # Off the request thread (thread_sensitive=False): the push reads the database itself.
            asyncio.ensure_future(sync_to_async(self._trailing, thread_sensitive=False)(room_id))

        # A fresh context: the caller's (a sync service inside sync_to_async) would make asgiref
        # refuse the nested call as a possible deadlock.
        loop.call_soon_threadsafe(lambda: loop.call_later(wait, on_loop, context=contextvars.Context()), context=contextvars.Context())

    def _trailing(self, room_id: int) -> None:
        with self.lock:
            self.scheduled.discard(room_id)
            self.last_at[room_id] = time.monotonic()
        try:
            self.push(room_id)
        finally:
            close_old_connections()  # for the timer thread; on the loop, core.threads would close it anyway

    def push(self, room_id: int) -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        with self.lock:
            pushing = self.pushing[room_id]
        with pushing, _across_processes(room_id):
            self._push(layer, room_id)

    def _push(self, layer, room_id: int) -> None:
        with self.lock:
            only = self.dirty.pop(room_id, EVERY_POINT)
            if room_id not in self.last_state:
                only = EVERY_POINT  # nothing to patch yet: the whole room
        # A change to one point (a mute, an arrival) reads that point, not the thousand others.
        current = selectors.room_snapshot(room_id, only=only)
        with self.lock:
            previous = self.last_state.get(room_id)
            if previous is None and only is not EVERY_POINT:
                self.dirty[room_id] = EVERY_POINT  # forgotten meanwhile (forget_pushed_state): the next push reads it all
                return
            message = snapshot_delta(previous, current, only)
            if only is not EVERY_POINT:
                current = merge_partial(previous, current, only)
            if current[0]["room"]["state"] == "closed":
                self.last_state.pop(room_id, None)
                self.last_at.pop(room_id, None)
            else:
                self.last_state[room_id] = current
        if message is not None:
            message["room_id"] = room_id  # one listener per process hears every room it serves (live.hub)
            _send(layer.group_send, group_name(room_id), message)

    def forget(self) -> None:
        """As a new process starts: nothing pushed, nothing due. A push that was due on a loop now gone (a
        server stopped in a test) would otherwise keep its room marked as scheduled, and every later change
        of that room would wait on it for ever; a push stuck there would hold the room's lock the same way."""
        with self.lock:
            self.last_state.clear()
            self.last_at.clear()
            self.dirty.clear()
            self.scheduled.clear()
            self.pushing = collections.defaultdict(threading.Lock)


_pusher = _Pusher()


def push_snapshot(room_id: int, point_ids=EVERY_POINT) -> None:
    """Tell every point of the room what changed (at once, or merged into the push already due).

    ``point_ids``: the only points the change touched (besides the room's own fields and events).
    """
    _pusher.request(room_id, point_ids)


def forget_pushed_state() -> None:
    """Drop what this process remembers it pushed, and its server loop (tests that rebuild the database and the server)."""
    global _served_by, _redis
    _pusher.forget()
    _devices_pusher.forget()
    _served_by, _redis = None, None


def kick_after_commit(room_id: int, point_id: int) -> None:
    def kick():
        layer = get_channel_layer()
        if layer is not None:
            _send(layer.group_send, group_name(room_id), {"type": "room.kick", "room_id": room_id, "point_id": point_id})

    transaction.on_commit(kick)


# The chair's list of devices: one read per window however many browsers arrive in it.
DEVICES_COALESCE_S = 0.5


class _DevicesPusher(_Pusher):
    """The devices at every point, to the chair's consoles only (live.hub), merged like room pushes:
    a thousand points arriving are not a thousand lists of a thousand devices."""

    @property
    def window_s(self) -> float:
        return DEVICES_COALESCE_S

    def push(self, room_id: int) -> None:
        layer = get_channel_layer()
        with self.lock:
            self.dirty.pop(room_id, None)
        if layer is not None:
            _send(layer.group_send, group_name(room_id), {"type": "room.devices", "room_id": room_id, "devices": selectors.room_devices(room_id)})


_devices_pusher = _DevicesPusher()


def push_devices(room_id: int) -> None:
    """A device came, went or changed: the chair's consoles get the list (at once, or merged into the push already due)."""
    _devices_pusher.request(room_id)


def tell_device(channel_name: str, message: dict) -> None:
    """One device's own news (replaced by its own reload, its role changed), to its connection alone."""
    layer = get_channel_layer()
    if layer is not None:
        _send(layer.send, channel_name, message)
