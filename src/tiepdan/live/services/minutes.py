"""Minutes taken live, one per matter (Nghị định 154/2026, Điều 25(3), 26), saved as typed."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tiepdan.core import audit, policy

from .. import rules
from ..models import MatterMinutes
from .common import LiveError


def minutes_refusal(user, minutes) -> str | None:
    if not policy.can(user, "live.take_minutes", minutes):
        return f"Vai trò của bạn không được {policy.ACTION_LABELS['live.take_minutes']}."
    session = minutes.room.session
    if not rules.may_take_minutes(user_id=user.pk, minute_taker_id=session.minute_taker_id):
        return "Chỉ người được phân công ghi biên bản của phiên mới được ghi biên bản. Vui lòng liên hệ Ban Tiếp công dân nếu cần thay người ghi."
    return None


@transaction.atomic
def save_minutes(*, by, minutes, base_version: int, **fields):
    """Autosave: store what was typed. A save based on an older version is refused, never merged silently."""
    minutes = MatterMinutes.objects.select_for_update().select_related("room__session", "room__province_committee").get(pk=minutes.pk)
    refusal = minutes_refusal(by, minutes)
    if refusal:
        raise PermissionDenied(refusal)
    if int(base_version) != minutes.version:
        raise LiveError(f"Biên bản đã được lưu ở phiên bản mới hơn ({minutes.version}) từ một cửa sổ khác. Tải lại để xem bản mới nhất trước khi sửa tiếp.", code="stale")
    changes = {}
    for name, value in fields.items():
        if name not in MatterMinutes.FIELDS:
            raise LiveError(f"Trường không hợp lệ: {name}")
        if name == "answered_at_once":
            value = value in (True, "1", "true", "on")
        if getattr(minutes, name) != value:
            changes[name] = [getattr(minutes, name), value]
            setattr(minutes, name, value)
    if not changes:
        return minutes
    minutes.version += 1
    minutes.updated_at = timezone.now()
    minutes.updated_by = by
    minutes.full_clean()
    minutes.save()
    audit.record(actor=by, action="live.save_minutes", obj=minutes, changes={"version": minutes.version, "fields": sorted(changes)})
    return minutes
