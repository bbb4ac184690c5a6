"""Writing and verifying the audit log. Services call ``record``; nothing else needs to remember to."""
from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from . import context
from .models import AuditEntry

GENESIS_HASH = "0" * 64
# Any 64-bit number: the PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK_KEY = 7_424_301_905


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite: transactions start IMMEDIATE (settings), so writers are already serialised.


def record(*, actor, action: str, obj=None, reason: str = "", changes: dict | None = None, object_type: str = "", object_id: str = "", object_repr: str = "") -> AuditEntry:
    """Append one entry, chained to the previous one.

    ``actor`` is a user or None (the system); ``obj`` a model instance or None.
    Runs inside the caller's transaction: if the service fails, its audit row goes too.
    """
    ctx = context.current()
    with transaction.atomic():
        _lock_chain()
        last = AuditEntry.objects.order_by("-id").only("entry_hash").first()
        entry = AuditEntry(
            at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=_label(actor),
            action=action,
            object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
            object_id=object_id or (str(obj.pk) if obj is not None else ""),
            object_repr=(object_repr or (str(obj) if obj is not None else ""))[:300],
            changes=changes or {},
            reason=reason or "",
            ip_address=ctx.ip_address,
            user_agent=ctx.user_agent,
            previous_hash=last.entry_hash if last else GENESIS_HASH,
        )
        entry.entry_hash = entry.compute_hash()
        entry.save()
        return entry


def _label(actor) -> str:
    if actor is None or not getattr(actor, "pk", None):
        return "Hệ thống"
    name = getattr(actor, "get_full_name", lambda: "")() or actor.get_username()
    return f"{name} ({actor.get_username()})"[:200]


@dataclass
class ChainReport:
    checked: int
    first_broken_id: int | None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Walk the whole log in order; name the first entry whose hash or link is wrong."""
    expected_previous = GENESIS_HASH
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=batch_size):
        checked += 1
        if entry.previous_hash != expected_previous:
            return ChainReport(checked, entry.pk, "liên kết với bản ghi trước bị đứt (có bản ghi bị xóa hoặc chèn)")
        if entry.compute_hash() != entry.entry_hash:
            return ChainReport(checked, entry.pk, "nội dung đã bị sửa sau khi ghi")
        expected_previous = entry.entry_hash
    return ChainReport(checked, None)
