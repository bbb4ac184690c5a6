"""The audit log: an append-only, hash-chained record of who did what to which object."""
from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import models


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Nhật ký kiểm tra chỉ được ghi thêm, không được sửa.")

    def delete(self):
        raise PermissionError("Nhật ký kiểm tra chỉ được ghi thêm, không được xóa.")


class AuditEntry(models.Model):
    """One row of the audit log (nhật ký). Written only by ``core.audit.record``.

    ``entry_hash`` covers the row's content and ``previous_hash``, so changing or
    removing any row breaks the chain from there on (``manage.py verify_audit``).
    """

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = "bản ghi nhật ký"
        verbose_name_plural = "nhật ký kiểm tra"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Nhật ký kiểm tra chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Nhật ký kiểm tra chỉ được ghi thêm, không được xóa.")

    def canonical_content(self) -> str:
        return json.dumps(
            {
                "at": self.at.isoformat(),
                "actor": self.actor_id,
                "actor_label": self.actor_label,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "object_repr": self.object_repr,
                "changes": self.changes,
                "reason": self.reason,
                "ip": self.ip_address,
                "ua": self.user_agent,
            },
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )

    def compute_hash(self) -> str:
        return hashlib.sha256((self.previous_hash + self.canonical_content()).encode()).hexdigest()

    def __str__(self) -> str:
        return f"#{self.pk} {self.at:%d/%m/%Y %H:%M} {self.actor_label} {self.action} {self.object_repr}"
