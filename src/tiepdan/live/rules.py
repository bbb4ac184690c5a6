"""Rules of the live room that the law or the media notes decide. One small pure function each."""
from __future__ import annotations

from typing import NamedTuple

# docs/MEDIA.md, "Topology": a commune's 5 Mbps link and an ordinary PC hold a full mesh to about 4 points.
MESH_MAX_POINTS = 4


def topology_for(point_count: int) -> str:
    """docs/MEDIA.md, "Topology: who sends what to whom": full mesh only up to 4 points; beyond, a star on
    the central point's browser (each other point uploads one stream and holds one connection)."""
    return "mesh" if point_count <= MESH_MAX_POINTS else "star"


def microphone_starts_muted(role: str) -> bool:
    """Nghị định 154/2026, Điều 21: camera always on; microphone on only when asked to speak.
    The central point, where the person chairing sits, gives the floor and so starts unmuted."""
    return role != "central"


def admitted_on_arrival(role: str, was_admitted: bool) -> bool:
    """Who enters without waiting in the lobby: the central point (it hosts the session) and a point
    already admitted that comes back after a dropped connection or a reload. Everyone else waits for
    the host (Nghị định 154/2026, Điều 22: the receiving officer decides who takes part)."""
    return role == "central" or was_admitted


def may_take_floor(participates: bool, role: str) -> bool:
    """A point admitted only to follow (the Central Board observing) is not given the floor;
    the central point holds it by right. Nghị định 154/2026, Điều 22."""
    return participates and role != "central"


def minutes_gaps(*, conclusion: str, answered_at_once: bool, settlement_time_limit: str, contact_person: str) -> list[str]:
    """Nghị định 154/2026, Điều 25(3): a clear matter within competence is answered at once; a complex
    one gets a time limit for settlement and a person to contact. Returns what the minutes still lack."""
    gaps = []
    if not conclusion.strip():
        gaps.append("kết luận của người chủ trì")
    if not answered_at_once:
        if not settlement_time_limit.strip():
            gaps.append("thời hạn giải quyết")
        if not contact_person.strip():
            gaps.append("người liên hệ")
    return gaps


def may_take_minutes(*, user_id: int | None, minute_taker_id: int | None) -> bool:
    """Nghị định 154/2026, Điều 26: the Board names one person to take the minutes; only that person writes them."""
    return user_id is not None and minute_taker_id is not None and user_id == minute_taker_id


class DeviceDecision(NamedTuple):
    role: str
    media: bool  # this device publishes the point's camera and microphone
    requests_media: bool  # it asked for the media another device holds: the chair decides
    note: str  # why it got less than it asked for (Vietnamese), or ""


def default_device_role(*, may_chair_here: bool, is_minute_taker_here: bool) -> str:
    """What a browser at a point is for unless its user says otherwise: the chair's console at the
    central point, the named minute-taker's PC there, and everywhere else the point's camera."""
    if may_chair_here:
        return "console"
    if is_minute_taker_here:
        return "minutes"
    return "media"


def device_role(*, asks: str, may_chair_here: bool, is_minute_taker_here: bool, media_taken: bool) -> DeviceDecision:
    """The role of one more browser at a point (a central hall runs the chair's console, the
    minute-taker's PC and the hall's camera at once). Nobody is cut off to make room:

    - the console only for whoever may chair the session, at the central point (Nghị định 154/2026,
      Điều 22: the person chairing runs the session); the console also publishes the hall's
      picture when no other device does;
    - minutes only for the person the Board named to take them (Điều 26);
    - the media (the point's camera and microphone) one device at a time: a second device that
      asks for it waits as an observer until the chair grants it;
    - anyone else follows as an observer, without media.
    """
    if asks == "console":
        if not may_chair_here:
            return DeviceDecision("observer", False, False, "Chỉ người chủ trì phiên, tại điểm cầu trung tâm, mới mở được bàn điều hành. Máy này vào phòng với vai trò theo dõi, không điều khiển phiên.")
        return DeviceDecision("console", not media_taken, False, "")
    if asks == "minutes":
        if not is_minute_taker_here:
            return DeviceDecision("observer", False, False, "Chỉ người được phân công ghi biên bản của phiên mới mở được máy ghi biên bản. Máy này vào phòng với vai trò theo dõi.")
        return DeviceDecision("minutes", False, False, "")
    if asks == "media":
        if media_taken:
            return DeviceDecision("observer", False, True, "Điểm cầu đã có một thiết bị đang truyền hình ảnh, âm thanh. Đã gửi đề nghị tới người chủ trì; trong khi chờ, máy này chỉ theo dõi.")
        return DeviceDecision("media", True, False, "")
    return DeviceDecision("observer", False, False, "")
