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

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"Quyết định: {self.get_outcome_display()}"
