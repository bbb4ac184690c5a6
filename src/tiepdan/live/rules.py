"""Rules of the live room that the law or the media notes decide. One small pure function each."""
from __future__ import annotations

# media.md, "Topology": a commune's 5 Mbps link and an ordinary PC hold a full mesh to about 4 points.
MESH_MAX_POINTS = 4


def topology_for(point_count: int) -> str:
    """media.md, "Topology: who sends what to whom": full mesh only up to 4 points; beyond, a star on
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
