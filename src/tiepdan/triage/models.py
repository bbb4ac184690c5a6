"""The Board's proposal and the Chairman's (or Board's) decision on a matter, with the reply to a citizen not received."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from .rules import Ground


class Proposal(models.Model):
    """Đề xuất tiếp trực tuyến: the Board proposes a matter to the Chairman on a ground of Art. 20 or the plan."""

    matter = models.ForeignKey("intake.Matter", on_delete=models.CASCADE, related_name="proposals")
    ground = models.CharField("căn cứ", max_length=16, choices=Ground.choices)
    reason = models.TextField("lý do đề xuất")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()

    class Meta:
        ordering = ["-proposed_at"]

    def __str__(self) -> str:
        return f"Đề xuất tiếp trực tuyến ({self.get_ground_display()})"


class Decision(models.Model):
    """Quyết định: approved for online reception, or declined with a written reply to the citizen."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Đồng ý tiếp"
        DECLINED = "declined", "Không tiếp"

    matter = models.ForeignKey("intake.Matter", on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    reason = models.TextField("lý do")
    # For a decline: what the citizen can do instead, and the reply's number (the document is rendered from these).
    advice = models.TextField("công dân có thể", blank=True)
    reply_number = models.CharField("số văn bản trả lời", max_length=60, blank=True)
    # The reply as issued: numbered from the organisation's one register, stored with its SHA-256.
    reply_document = models.ForeignKey("documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="văn bản trả lời")

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"Quyết định: {self.get_outcome_display()}"


class RepeatFinding(models.Model):
    """What the Board found when it linked a repeat: the matter it repeats and what, if anything, is new.

    When the earlier matter was settled correctly and answered and nothing is new
    (``rules.settled_repeat``), ``grounds_on`` is the day the grounds arose and
    ``refusal_due_on`` the day by which the head must issue Form 01/TCD (Decree 154 Art. 4(3));
    ``refusal_document`` is that notice once issued.
    """

    matter = models.OneToOneField("intake.Matter", on_delete=models.CASCADE, related_name="repeat_finding")
    original = models.ForeignKey("intake.Matter", on_delete=models.PROTECT, related_name="+", verbose_name="vụ việc được lặp lại")
    new_facts = models.TextField("nội dung, tình tiết, tài liệu mới", blank=True)
    original_settled = models.BooleanField("vụ việc trước đã được giải quyết đúng pháp luật và trả lời", default=False)
    found_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    found_at = models.DateTimeField()
    grounds_on = models.DateField("ngày có căn cứ từ chối", null=True, blank=True)
    refusal_due_on = models.DateField("hạn ra thông báo từ chối (Mẫu 01/TCD)", null=True, blank=True)
    refusal_document = models.ForeignKey("documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="thông báo từ chối tiếp")

    class Meta:
        verbose_name = "kết quả xác định vụ việc lặp lại"
        verbose_name_plural = "kết quả xác định vụ việc lặp lại"
        constraints = [models.CheckConstraint(condition=models.Q(grounds_on__isnull=True) | models.Q(refusal_due_on__gte=models.F("grounds_on")), name="refusal_due_after_grounds")]

    def __str__(self) -> str:
        return f"Vụ việc số {self.matter_id} lặp lại vụ việc số {self.original_id}"
