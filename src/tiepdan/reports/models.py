"""The reports the Board and the communes send the Chairman: drafted with their figures, edited, then issued."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ReportKind(models.TextChoices):
    # Lạng Sơn plan §V.2: every month the Board reports to the Chairman on the situation and the results.
    MONTHLY = "monthly", "Báo cáo tháng của Ban Tiếp công dân tỉnh"
    # Bắc Ninh plan §III.6: the commune reports to the Chairman on the citizens of its area who registered.
    COMMUNE = "commune", "Báo cáo của UBND xã về công dân đăng ký"


class ReportState(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    ISSUED = "issued", "Đã ban hành"


class ReportDraft(models.Model):
    """Báo cáo: one report of a period and a scope; its figures are a snapshot taken when drafted or refreshed.

    ``organisation`` issues it (the Board, or the commune's committee); ``scope_organisation`` is whose figures
    (the province committee, or the commune's committee). The waiting state (a draft) has an owner (the
    issuing organisation's officials) and a deadline (``due_on``).
    """

    kind = models.CharField("loại báo cáo", max_length=10, choices=ReportKind.choices)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="reports_issued", verbose_name="cơ quan báo cáo")
    scope_organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="reports_about", verbose_name="phạm vi số liệu")
    period_start = models.DateField("từ ngày")
    period_last_day = models.DateField("đến ngày")
    period_label = models.CharField("kỳ báo cáo", max_length=120)
    state = models.CharField("trạng thái", max_length=10, choices=ReportState.choices, default=ReportState.DRAFT, db_index=True)
    figures = models.JSONField("số liệu", default=dict)
    figures_at = models.DateTimeField("số liệu tính lúc")
    notes = models.TextField("đánh giá, kiến nghị", blank=True, max_length=20_000)
    version = models.PositiveIntegerField("phiên bản", default=1)
    due_on = models.DateField("hạn ban hành")
    drafted_at = models.DateTimeField("lập lúc", auto_now_add=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="người lập")
    issued_at = models.DateTimeField("ban hành lúc", null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="người ban hành")
    document = models.ForeignKey("documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="văn bản đã ban hành")
    figures_xlsx = models.FileField("số liệu (Excel)", upload_to="reports/%Y/", blank=True)

    jurisdiction_lookup = "scope_organisation"

    class Meta:
        ordering = ["-period_start", "kind", "id"]
        verbose_name = "báo cáo"
        verbose_name_plural = "báo cáo"
        constraints = [
            models.UniqueConstraint(fields=["kind", "scope_organisation", "period_start", "period_last_day"], name="one_report_per_kind_scope_period"),
            models.CheckConstraint(condition=Q(period_last_day__gte=models.F("period_start")), name="report_period_ordered"),
            models.CheckConstraint(condition=Q(state="draft") | Q(document__isnull=False), name="issued_report_has_document"),
        ]

    @property
    def jurisdiction_path(self) -> str:
        return self.scope_organisation.path

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_label}"
