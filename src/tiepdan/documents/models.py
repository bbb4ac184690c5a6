"""Issued documents: the rendered files kept as issued, numbered per organisation, year and symbol."""
from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


class DocumentKind(models.TextChoices):
    REFUSAL_NOTICE = "refusal_notice", "Thông báo từ chối tiếp công dân (Mẫu 01/TCD)"
    RECEIPT = "receipt", "Giấy biên nhận thông tin, tài liệu, bằng chứng (Mẫu 02/TCD)"
    REPLY_NOT_RECEIVED = "reply_not_received", "Văn bản trả lời công dân không được tiếp"
    INVITATION = "invitation", "Giấy mời"
    SESSION_NOTICE = "session_notice", "Thông báo lịch tiếp công dân"
    CHANGE_NOTICE = "change_notice", "Thông báo thay đổi lịch tiếp công dân"
    # Decree 154 Art. 25(2): the plans' «thông báo kết quả» and the decree's «thông báo kết luận» are one document.
    RESULT_NOTICE = "result_notice", "Thông báo kết luận việc tiếp công dân"
    MINUTES = "minutes", "Biên bản tiếp công dân"
    CITIZEN_EXTRACT = "citizen_extract", "Văn bản thông báo kết quả cho công dân"
    SETTLEMENT_ANSWER = "settlement_answer", "Văn bản trả lời kết quả giải quyết cho công dân"
    MONTHLY_REPORT = "monthly_report", "Báo cáo tháng về công tác tiếp công dân"
    OTHER = "other", "Văn bản khác"


class DocumentCounter(models.Model):
    """The last number given, per issuing organisation, year and symbol ("TB-UBND"): Decree 30 numbers restart each year."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    symbol = models.CharField(max_length=40)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "year", "symbol"], name="one_counter_per_org_year_symbol")]

    def __str__(self) -> str:
        return f"Số văn bản {self.symbol} năm {self.year}"


def _upload_to(instance: "IssuedDocument", filename: str) -> str:
    return f"documents/{instance.organisation_id}/{instance.year}/{filename}"


class IssuedDocument(models.Model):
    """Văn bản đã ban hành: the DOCX and PDF exactly as issued, with their SHA-256, and what they concern."""

    kind = models.CharField("loại văn bản", max_length=30, choices=DocumentKind.choices)
    organisation = models.ForeignKey("organisations.Organisation", verbose_name="cơ quan ban hành", on_delete=models.PROTECT, related_name="issued_documents")
    year = models.PositiveSmallIntegerField()
    symbol = models.CharField("ký hiệu", max_length=40)
    sequence = models.PositiveIntegerField("số")
    number = models.CharField("số, ký hiệu", max_length=60)  # "05/TB-UBND"
    title = models.CharField("trích yếu", max_length=300)
    issued_at = models.DateTimeField("thời điểm ban hành")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người ban hành", on_delete=models.PROTECT, related_name="issued_documents")
    docx = models.FileField(upload_to=_upload_to, max_length=255)
    docx_sha256 = models.CharField(max_length=64)
    pdf = models.FileField(upload_to=_upload_to, max_length=255)
    pdf_sha256 = models.CharField(max_length=64)
    about_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    about_id = models.CharField(max_length=64, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    # The document names a denouncer who asked for protection: only the roles that may reveal
    # that identity open it, and each opening is audited as a reveal (services.open_document).
    identity_protected = models.BooleanField("có danh tính người tố cáo được giữ bí mật", default=False)
    # The PDF carries the agency's digital signature (documents/signing.py); pdf_sha256 is then the signed file's.
    signed = models.BooleanField("đã ký số", default=False)
    # Who signed, when, the certificate's serial and the timestamp: shown on the document's page and the check page.
    signature_info = models.JSONField("thông tin chữ ký số", default=dict, blank=True)

    jurisdiction_lookup = "organisation"

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = "văn bản đã ban hành"
        verbose_name_plural = "văn bản đã ban hành"
        indexes = [models.Index(fields=["about_type", "about_id"], name="issued_document_about")]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "symbol", "sequence"], name="one_number_per_org_year_symbol"),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="issued_document_number_positive"),
        ]

    @property
    def jurisdiction_path(self) -> str:
        return self.organisation.path

    def __str__(self) -> str:
        return f"{self.number} {self.title}"
