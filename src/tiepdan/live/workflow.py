"""The room's two state machines, as declared tables for ``core.statemachine``.

``ROOM``: a room is opened (the lobby), goes live when the chair starts the reception, and is closed.
``POINT``: a point's place in the room: not yet arrived, waiting in the lobby, admitted, removed.

Each row names the policy action that allows the move and whether it must say why; the services
(``live.services``) call ``ROOM.apply`` and ``POINT.apply``, which lock, refuse in Vietnamese,
check the policy, save, and audit (``live.room.<state>``, ``live.point.<state>``). The room's
trail (``RoomEvent``) and the push to every browser stay in the service, which knows what else
moved with the state. Moves taken by the system (``by=None``) are a browser's arrival at its point,
under ``rules.admitted_on_arrival``: the service takes them, and audits who arrived beside them.
The chair's overrides are rows that need a reason: closing a room that never went live, and
letting a removed point back into the lobby.
"""
from __future__ import annotations

from tiepdan.core.statemachine import Change, Machine, Move

from .models import LiveRoom, PointStatus, RoomPoint, RoomState

R, P = RoomState, PointStatus

# Closing a room that never went live means nobody was received online: the chair's call, which must say why.
CLOSE_UNSTARTED = ("Phiên chưa bắt đầu tiếp: kết thúc phòng họp khi chưa tiếp công dân nào cần nêu lý do "
                   "(ví dụ: hoãn phiên, điểm cầu trung tâm không kết nối được), để ghi vào nhật ký.")

ROOM_MOVES: dict[tuple[str, str], Move] = {
    (R.OPEN, R.LIVE): Move("live.chair"),
    (R.LIVE, R.CLOSED): Move("live.chair"),
    (R.OPEN, R.CLOSED): Move("live.chair", reason_hint=CLOSE_UNSTARTED),
}


def _room_moved(change: Change) -> list[str]:
    """The fields that go with the room's new state (the database checks ``closed_at`` only when closed)."""
    room = change.obj
    if change.to_state == R.LIVE:
        room.started_at = change.at
        return ["started_at"]
    if change.to_state == R.CLOSED:
        room.closed_at, room.recording = change.at, False
        return ["closed_at", "recording"]
    return []


ROOM = Machine(
    model=LiveRoom, moves=ROOM_MOVES, noun="phòng họp", audit_action="live.room.{to}", final={R.CLOSED},
    why_not={(R.LIVE, R.OPEN): "phiên đã bắt đầu tiếp, không trở lại phòng chờ."},
    prepare=_room_moved, lock_related=("province_committee", "session"),
)

REMOVE_NEEDS_REASON = "Vui lòng ghi lý do mời điểm cầu ra khỏi phiên."
LET_BACK_NEEDS_REASON = "Điểm cầu đã bị mời ra: cho trở lại phòng chờ cần nêu lý do (ví dụ: đã khắc phục sự cố, công dân cam kết giữ trật tự), để ghi vào nhật ký."

POINT_MOVES: dict[tuple[str, str], Move] = {
    # A browser arrives at its point: it waits in the lobby (the system's move, on arrival) ...
    (P.AWAITED, P.LOBBY): Move("live.join", system=True),
    # ... or the chair admits the point before anyone arrived; the central point enters on arrival (Điều 22).
    (P.AWAITED, P.ADMITTED): Move("live.chair", system=True),
    (P.LOBBY, P.ADMITTED): Move("live.chair"),
    # The chair removes a point, always saying why (the reason is read in the trail and by the point).
    (P.LOBBY, P.REMOVED): Move("live.chair", reason_hint=REMOVE_NEEDS_REASON),
    (P.ADMITTED, P.REMOVED): Move("live.chair", reason_hint=REMOVE_NEEDS_REASON),
    # The chair's override: a removed point let back, into the lobby only, saying why (its browser may then connect again).
    (P.REMOVED, P.LOBBY): Move("live.chair", reason_hint=LET_BACK_NEEDS_REASON),
}


def _point_moved(change: Change) -> list[str]:
    if change.to_state == P.REMOVED:
        change.obj.muted = True  # a removed point is not heard (Nghị định 154/2026, Điều 21)
        return ["muted"]
    return []


POINT = Machine(
    model=RoomPoint, field="status", moves=POINT_MOVES, noun="điểm cầu", audit_action="live.point.{to}",
    why_not={
        (P.AWAITED, P.REMOVED): "điểm cầu chưa vào phòng họp, không có gì để mời ra.",
        (P.REMOVED, P.ADMITTED): "điểm cầu đã bị mời ra chỉ trở lại qua phòng chờ.",
    },
    prepare=_point_moved, lock_related=("room", "room__province_committee", "organisation"),
)
