"""The chair's commands over the WebSocket, as a table: the command's name → what it acts on → the service.

The console sends ``{"type": "command", "command": NAME, ...}``. ``COMMANDS[NAME]`` says which
object of the room the command needs (a point, an agenda item, a device, or the room alone) and
which verb of ``live.services`` it calls; the verb checks the policy, moves the state and audits.
This module only finds the object (in this room, never another's) and reads the arguments, so a
malformed command is refused with a Vietnamese message instead of failing inside a service.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from . import services
from .models import LiveRoom, RoomDevice, RoomPoint
from .selectors import agenda_items

# What a command acts on, besides the room.
ROOM_ONLY = None
POINT = "point"  # a point of this room, required
POINT_OR_NONE = "point?"  # a point of this room, or none (the spotlight back to the automatic choice)
ITEM = "item"  # an item of this session's agenda
DEVICE = "device"  # a device at a point of this room

NOT_FOUND = {
    POINT: "Không tìm thấy điểm cầu này trong phòng họp.",
    ITEM: "Không tìm thấy vụ việc này trong chương trình phiên.",
    DEVICE: "Không tìm thấy thiết bị này trong phòng họp.",
}


@dataclass(frozen=True)
class Command:
    target: str | None
    run: Callable  # run(by, room, target, content): calls one verb of live.services


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _number(value) -> int | None:
    """A whole number the browser sent as a number or a string of digits; anything else is None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


COMMANDS: dict[str, Command] = {
    "admit": Command(POINT, lambda by, room, point, c: services.admit(by=by, point=point, as_observer=bool(c.get("as_observer")))),
    "mute": Command(POINT, lambda by, room, point, c: services.set_muted(by=by, point=point, muted=bool(c.get("muted", True)))),
    "remove": Command(POINT, lambda by, room, point, c: services.remove(by=by, point=point, reason=_text(c.get("reason")))),
    "let_back": Command(POINT, lambda by, room, point, c: services.let_back(by=by, point=point, reason=_text(c.get("reason")))),
    "floor": Command(POINT, lambda by, room, point, c: services.give_floor(by=by, point=point)),
    "spotlight": Command(POINT_OR_NONE, lambda by, room, point, c: services.set_spotlight(by=by, room=room, point=point)),
    "start": Command(ROOM_ONLY, lambda by, room, _, c: services.start_session(by=by, room=room, reason=_text(c.get("reason")))),
    "close": Command(ROOM_ONLY, lambda by, room, _, c: services.close_room(by=by, room=room, reason=_text(c.get("reason")))),
    "start_matter": Command(ITEM, lambda by, room, item, c: services.start_matter(by=by, room=room, item=item)),
    "close_matter": Command(ROOM_ONLY, lambda by, room, _, c: services.close_matter(by=by, room=room)),
    "call_next": Command(ROOM_ONLY, lambda by, room, _, c: services.call_next(by=by, room=room)),
    # Out of range or not a number: the service says the allowed range.
    "timer": Command(ROOM_ONLY, lambda by, room, _, c: services.set_timer(by=by, room=room, minutes=_number(c.get("minutes")) or 0)),
    "screen": Command(ROOM_ONLY, lambda by, room, _, c: services.note_screen_share(by=by, room=room, on=bool(c.get("on")))),
    "grant_media": Command(DEVICE, lambda by, room, device, c: services.grant_media(by=by, device=device)),
    "deny_media": Command(DEVICE, lambda by, room, device, c: services.deny_media(by=by, device=device)),
}


def _target(kind: str | None, room: LiveRoom, content: dict):
    if kind is ROOM_ONLY:
        return None
    key = POINT if kind == POINT_OR_NONE else kind
    raw = content.get(key)
    if kind == POINT_OR_NONE and raw in (None, ""):
        return None
    pk = _number(raw)
    found = None
    if pk is not None:
        if key == POINT:
            found = RoomPoint.objects.filter(pk=pk, room=room).first()
        elif key == ITEM:
            found = next((i for i in agenda_items(room) if i.pk == pk), None)
        else:
            found = RoomDevice.objects.filter(pk=pk, point__room=room).first()
    if found is None:
        raise ValidationError(NOT_FOUND[key])
    return found


def run(*, by, room_id: int, content: dict) -> None:
    """Run one command of the console's browser. Raises ValidationError or PermissionDenied (told to the browser)."""
    name = content.get("command")
    command = COMMANDS.get(name) if isinstance(name, str) else None
    if command is None:
        raise ValidationError(f"Lệnh điều hành “{str(name)[:40]}” không có trong phòng họp. Vui lòng tải lại trang bàn điều hành rồi thử lại.")
    room = LiveRoom.objects.get(pk=room_id)
    command.run(by, room, _target(command.target, room, content), content)
