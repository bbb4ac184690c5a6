"""The audit log: an append-only, keyed hash chain of who did what to which object."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from .labels import object_type_label


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Nhật ký kiểm tra chỉ được ghi thêm, không được sửa.")

    def delete(self):
        raise PermissionError("Nhật ký kiểm tra chỉ được ghi thêm, không được xóa.")


class AuditEntry(models.Model):
    """One row of the audit log (nhật ký). Written only by ``core.audit.record``.

    ``entry_hash`` is an HMAC-SHA256, under a key kept in the settings and never in the database, of the
    row's content and ``previous_hash``: changing or removing any row breaks the chain from there on, and
    rewriting rows with freshly computed hashes needs the key (``manage.py verify_audit``). Signed
    checkpoints of the head, kept outside the database, show a cut tail (``core.audit``).

    ``object_path`` and ``actor_path`` are the organisation paths of the object and of the actor when the
    entry was written, so the log is scoped like every other list (``policy.visible``): a province sees
    what was done to its objects and what its people did. Both empty: the system itself, seen nationally.

    ``chain`` is the chain the entry belongs to (one per province committee, '' for the national chain;
    ``core.audit.chain_of``) and ``seq`` its place in that chain, 1, 2, 3...: the MAC covers both.
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
    object_path = models.CharField(max_length=255, blank=True, db_index=True)
    actor_path = models.CharField(max_length=255, blank=True, db_index=True)
    chain = models.CharField(max_length=255, blank=True)
    seq = models.PositiveBigIntegerField()
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    # policy.visible: an entry is in a subtree when its object or its actor is.
    jurisdiction_path_fields = ("object_path", "actor_path")

    class Meta:
        ordering = ["id"]
        verbose_name = "bản ghi nhật ký"
        verbose_name_plural = "nhật ký kiểm tra"
        constraints = [
            # Two writers of one chain can never take the same place: the second insert fails, nothing forks.
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_one_entry_per_place_in_chain"),
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="audit_seq_from_one"),
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Nhật ký kiểm tra chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Nhật ký kiểm tra chỉ được ghi thêm, không được xóa.")

    @property
    def object_type_label(self) -> str:
        return object_type_label(self.object_type)

    def __str__(self) -> str:
        return f"#{self.pk} {timezone.localtime(self.at):%d/%m/%Y %H:%M} {self.actor_label} {self.action} {self.object_repr}"


class AuditChainHeadQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionError("Đầu chuỗi nhật ký không được xóa.")


class AuditChainHead(models.Model):
    """The head of one audit chain: how many entries it has and the last one's id and hash.

    ``core.audit.record`` locks this row (SELECT ... FOR UPDATE on PostgreSQL) to append to the chain, so
    writers of one province queue on their province's row and never on another's. Kept in the same
    transaction as the entry, so it always names the newest committed entry of its chain; a checkpoint
    reads all heads in one statement without stopping any writer.
    """

    chain = models.CharField(max_length=255, unique=True, blank=True)
    count = models.PositiveBigIntegerField(default=0)
    last_id = models.BigIntegerField(null=True, blank=True)
    last_hash = models.CharField(max_length=64)

    objects = AuditChainHeadQuerySet.as_manager()

    class Meta:
        ordering = ["chain"]
        verbose_name = "đầu chuỗi nhật ký"
        verbose_name_plural = "đầu chuỗi nhật ký"

    def delete(self, *args, **kwargs):
        raise PermissionError("Đầu chuỗi nhật ký không được xóa.")

    def __str__(self) -> str:
        return f"{self.chain or 'quốc gia'}: {self.count} bản ghi"
