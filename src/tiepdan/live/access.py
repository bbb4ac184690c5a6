"""Who may sit at a point: the checks the WebSocket, the pages and the device roles ask. Reads only."""
from __future__ import annotations

from django.utils import timezone

from tiepdan.core import policy

from . import rules
from .models import DeviceRole, JoinLink, PointRole, PointStatus, RoomPoint, RoomState


def connection_refusal(*, user, link_id: int | None, point: RoomPoint) -> str | None:
    """Why this browser may not connect as ``point`` (None: it may). Checked at the WebSocket."""
    now = timezone.now()
    if point.room.state == RoomState.CLOSED:
        return "Phiên tiếp công dân này đã kết thúc."
    if point.status == PointStatus.REMOVED and not (user and user.is_authenticated and policy.can(user, "live.chair", point.room)):
        return "Điểm cầu của bạn đã được người chủ trì mời ra khỏi phiên. Vui lòng liên hệ Ban Tiếp công dân."
    if user is not None and user.is_authenticated:
        reason = _official_refusal(user, point)
        if reason is None:
            return None
        if not link_id:
            return reason
    if link_id:
        link = JoinLink.objects.select_related("point__room").filter(pk=link_id).first()
        if link is None or link.point_id != point.pk:
            return "Đường dẫn tham gia không dành cho điểm cầu này."
        return link.refusal(now)
    return "Bạn cần đăng nhập hoặc mở đường dẫn tham gia được cấp cho điểm cầu."


def _official_refusal(user, point: RoomPoint) -> str | None:
    if not policy.can(user, "live.join", point):
        reason = "Điểm cầu này nằm ngoài phạm vi quản lý của đơn vị bạn." if policy.can(user, "live.join") else f"Vai trò của bạn không được {policy.ACTION_LABELS['live.join']}."
        return reason
    if point.role == PointRole.CENTRAL and policy.can(user, "live.chair", point.room):
        return None
    if is_minute_taker_here(user, point):
        return None  # the named minute-taker's PC sits in the central hall, whatever their unit
    org_path = user.organisation.path if user.organisation_id else "/nowhere/"
    if org_path.startswith(point.organisation.path):
        return None
    return "Bạn không thuộc đơn vị ngồi tại điểm cầu này. Vui lòng vào điểm cầu của đơn vị mình."


def may_connect(*, user, point: RoomPoint) -> bool:
    return user is not None and user.is_authenticated and _official_refusal(user, point) is None


def may_chair_here(user, point: RoomPoint) -> bool:
    return user is not None and user.is_authenticated and point.role == PointRole.CENTRAL and policy.can(user, "live.chair", point.room)


def is_minute_taker_here(user, point: RoomPoint) -> bool:
    return (user is not None and point.role == PointRole.CENTRAL
            and rules.may_take_minutes(user_id=user.pk, minute_taker_id=point.room.session.minute_taker_id))


def default_device_role(*, user, point: RoomPoint) -> str:
    return rules.default_device_role(may_chair_here=may_chair_here(user, point), is_minute_taker_here=is_minute_taker_here(user, point))


def device_choices(*, user, point: RoomPoint) -> list[tuple[str, str]]:
    """The roles this official's browser may ask for at ``point`` (the page offers them), default first."""
    first = default_device_role(user=user, point=point)
    return [(role, DeviceRole(role).label) for role in dict.fromkeys([first, DeviceRole.OBSERVER])]
