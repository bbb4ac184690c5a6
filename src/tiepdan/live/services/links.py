"""Join links: a one-time link for a point's PC, bound to the first browser that opens it."""
from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tiepdan.core import audit, policy

from .. import realtime
from ..models import JoinLink, RoomPoint, RoomState, hash_token
from .common import LiveError


def _default_link_validity() -> dt.timedelta:
    return dt.timedelta(hours=settings.LIVE_JOIN_LINK_HOURS)


@transaction.atomic
def issue_join_link(*, by, point: RoomPoint, valid_for: dt.timedelta | None = None) -> tuple[JoinLink, str]:
    """A one-time link for a point's PC (a commune hall needs no official's password). Returns the link and
    the token, which is shown once and stored only as a hash."""
    policy.require(by, "live.issue_link", point)
    if point.room.state == RoomState.CLOSED:
        raise LiveError("Phiên đã kết thúc, không cấp đường dẫn tham gia.")
    token = secrets.token_urlsafe(32)
    link = JoinLink(point=point, token_hash=hash_token(token), issued_by=by, expires_at=timezone.now() + (valid_for if valid_for is not None else _default_link_validity()))
    link.full_clean()
    link.save()
    audit.record(actor=by, action="live.issue_link", obj=link, changes={"point": point.pk, "expires_at": link.expires_at.isoformat()})
    return link, token


@transaction.atomic
def revoke_join_link(*, by, link: JoinLink, reason: str) -> JoinLink:
    policy.require(by, "live.issue_link", link)
    if not reason.strip():
        raise LiveError("Vui lòng ghi lý do thu hồi đường dẫn.")
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = by
        link.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(actor=by, action="live.revoke_link", obj=link, reason=reason)
        # A browser already inside on this link is refused from now on.
        point = link.point
        if point.connected:
            realtime.kick_after_commit(point.room_id, point.pk)
    return link


@transaction.atomic
def redeem_join_link(*, token: str, device_key: str) -> JoinLink:
    """Open a link: the first browser to open it is bound to it (its device cookie, ``device_key``) and
    holds the grant in its session. That browser may open it again while it is valid (a reload,
    a crash, a restarted PC); any other browser is refused."""
    link = JoinLink.objects.select_for_update().select_related("point__room").filter(token_hash=hash_token(token)).first()
    if link is None:
        raise PermissionDenied("Đường dẫn tham gia không đúng. Vui lòng kiểm tra lại đường dẫn trong giấy mời hoặc liên hệ Ban Tiếp công dân.")
    refusal = link.refusal(timezone.now())
    if refusal:
        raise PermissionDenied(refusal)
    if not device_key:
        raise PermissionDenied("Trình duyệt chưa cho lưu cookie nên không ghi nhận được máy này. Vui lòng cho phép cookie rồi mở lại đường dẫn.")
    if link.used_at is not None:
        if link.device_hash and secrets.compare_digest(link.device_hash, hash_token(device_key)):
            audit.record(actor=None, action="live.reopen_link", obj=link, changes={"point": link.point_id})
            return link
        raise PermissionDenied("Đường dẫn tham gia này đã được mở trên một máy khác. Mỗi đường dẫn chỉ dùng trên một máy; vui lòng liên hệ Ban Tiếp công dân để được cấp đường dẫn mới.")
    link.used_at = timezone.now()
    link.device_hash = hash_token(device_key)
    link.save(update_fields=["used_at", "device_hash"])
    audit.record(actor=None, action="live.redeem_link", obj=link, changes={"point": link.point_id})
    return link
