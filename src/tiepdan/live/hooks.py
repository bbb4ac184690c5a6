"""What later stages do when a room starts or closes, without live importing them (the layers go one way).

A later app registers a callable ``(room)`` in its ``AppConfig.ready`` (recordings: the recording
starts with the room, Decree 154/2026 Art. 24). ``run`` calls them once the room's transaction has
committed, so a rolled-back start starts nothing; each runs on its own (``robust``): one that fails is
logged and does not stop the others, nor undo the room's change, which the chair already saw happen.
"""
from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from .models import LiveRoom

room_started: list[Callable] = []
room_closed: list[Callable] = []

_EVENTS = {"room_started": room_started, "room_closed": room_closed}


def register(event: str, hook: Callable) -> None:
    """Add ``hook`` to ``event`` (``"room_started"`` or ``"room_closed"``) once, however often ``ready`` runs."""
    hooks = _EVENTS[event]
    if hook not in hooks:
        hooks.append(hook)


def run(event: str, room) -> None:
    """Queue every hook of ``event`` for after the commit of the current transaction (now, outside one)."""
    room_id = room.pk
    for hook in list(_EVENTS[event]):
        transaction.on_commit(lambda hook=hook: hook(_fresh(room_id)), robust=True)


def _fresh(room_id: int):
    return LiveRoom.objects.select_related("province_committee", "session").get(pk=room_id)
