"""Pushing the room's state to every connected point after a service committed.

Services call these inside ``transaction.on_commit``; the signalling consumer
forwards what arrives to its browser.
"""
from __future__ import annotations

import asyncio
import threading

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def group_name(room_id: int) -> str:
    return f"live-room-{room_id}"


def _send(coroutine_function, *args) -> None:
    """Call the channel layer from sync code; from a thread that runs its own event loop (a caller
    that is itself async, e.g. a browser-driving test) the call is made from a short-lived thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(coroutine_function)(*args)
        return
    worker = threading.Thread(target=lambda: async_to_sync(coroutine_function)(*args))
    worker.start()
    worker.join(timeout=5)


def push_snapshot(room_id: int) -> None:
    from .selectors import room_snapshot

    layer = get_channel_layer()
    if layer is None:
        return
    snapshot, channels = room_snapshot(room_id)
    _send(layer.group_send, group_name(room_id), {"type": "room.snapshot", "snapshot": snapshot, "channels": channels})


def kick_after_commit(room_id: int, point_id: int) -> None:
    def kick():
        layer = get_channel_layer()
        if layer is not None:
            _send(layer.group_send, group_name(room_id), {"type": "room.kick", "point_id": point_id})

    transaction.on_commit(kick)
