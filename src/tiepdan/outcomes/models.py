"""What comes out of a reception session (Decree 154/2026 Art. 25(2)-(3)).

``ConclusionNotice``: the «Thông báo kết luận việc tiếp công dân» of one session, drafted by the Board
from the minutes, approved by the Chairman (or a deputy on the Chairman's authority) and issued through
the register of outgoing documents. ``NoticeItem``: one matter in it (what the citizen asked, the
agencies' opinions, the conclusion, answered at once or the time limit and the contact person).
``Directive``: a task the conclusion gives an agency, in working days (followup turns it into a Task).
``NoticeRevision`` and ``NoticeComment`` keep the history of drafts and the approver's comments.
"""
from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q


class NoticeState(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    SUBMITTED = "submitted", "Trình ký"
    RETURNED = "returned", "Trả lại để sửa"
    APPROVED = "approved", "Đã duyệt"
    ISSUED = "issued", "Đã ban hành"


class SignedAs(models.TextChoices):
    """Decree 30/2020 Art. 13: the head signs for the collective body; a deputy signs «KT.» (ký thay) the head."""

    CHAIRMAN = "chairman", "Chủ tịch ký"
    DEPUTY = "deputy", "Phó Chủ tịch ký thay (KT. Chủ tịch)"


class ConclusionNotice(models.Model):
    """Thông báo kết luận việc tiếp công dân của một phiên (Nghị định 154/2026, Điều 25(2))."""

    session = models.OneToOneField("scheduling.ReceptionSession", on_delete=models.PROTECT, related_name="conclusion_notice", verbose_name="phiên tiếp")
    state = models.CharField("trạng thái", max_length=20, choices=NoticeState.choices, default=NoticeState.DRAFT, db_index=True)
    version = models.PositiveIntegerField("lần dự thảo", default=1)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="người phải xử lý")
    owner_role = models.CharField("vai trò phải xử lý", max_length=30, blank=True)
    due_at = models.DateTimeField("hạn xử lý", null=True, blank=True)
    state_changed_at = models.DateTimeField("thời điểm chuyển trạng thái", null=True, blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="người lập dự thảo")
    signed_as = models.CharField("thẩm quyền ký", max_length=20, choices=SignedAs.choices, blank=True)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="người duyệt, ký")
    approved_at = models.DateTimeField("thời điểm duyệt", null=True, blank=True)
    document = models.ForeignKey("documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="văn bản đã ban hành")
    created_at = models.DateTimeField("thời điểm lập", auto_now_add=True)

    jurisdiction_lookup = "session__province_committee"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "thông báo kết luận việc tiếp công dân"
        verbose_name_plural = "thông báo kết luận việc tiếp công dân"
        constraints = [
            models.CheckConstraint(condition=~Q(state="issued") | Q(document__isnull=False), name="issued_notice_has_document"),
            models.CheckConstraint(condition=~Q(state__in=["approved", "issued"]) | ~Q(signed_as=""), name="approved_notice_says_who_signs"),
            models.CheckConstraint(condition=Q(version__gte=1), name="notice_version_positive"),
        ]

    @property
    def jurisdiction_path(self) -> str:
        return self.session.province_committee.path

    @property
    def province_committee(self):
        return self.session.province_committee

    def __str__(self) -> str:
        return f"Thông báo kết luận {self.session}"


class NoticeItem(models.Model):
    """Một vụ việc trong thông báo kết luận (Điều 25(3): trả lời ngay, hoặc thời hạn và người liên hệ)."""

    notice = models.ForeignKey(ConclusionNotice, on_delete=models.CASCADE, related_name="items", verbose_name="thông báo kết luận")
    agenda_item = models.OneToOneField("scheduling.AgendaItem", on_delete=models.PROTECT, related_name="notice_item", verbose_name="vụ việc trong chương trình")
    matter = models.ForeignKey("intake.Matter", on_delete=models.PROTECT, related_name="notice_items", verbose_name="vụ việc")
    position = models.PositiveSmallIntegerField("thứ tự")
    citizen_summary = models.CharField("công dân", max_length=300, blank=True)
    request = models.TextField("nội dung công dân trình bày, đề nghị", blank=True)
    agencies_opinions = models.TextField("ý kiến của các cơ quan", blank=True)
    conclusion = models.TextField("kết luận của người chủ trì", blank=True)
    answered_at_once = models.BooleanField("đã trả lời ngay tại buổi tiếp", default=False)
    time_limit = models.CharField("thời hạn giải quyết", max_length=200, blank=True)
    contact_person = models.CharField("người liên hệ với công dân", max_length=200, blank=True)
    extract = models.ForeignKey("documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="văn bản thông báo cho công dân")
    minutes_document = models.ForeignKey("documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="biên bản tiếp công dân")

    EDITABLE = ("citizen_summary", "request", "agencies_opinions", "conclusion", "answered_at_once", "time_limit", "contact_person")

    class Meta:
        ordering = ["notice", "position"]
        verbose_name = "vụ việc trong thông báo kết luận"
        verbose_name_plural = "vụ việc trong thông báo kết luận"
        constraints = [models.UniqueConstraint(fields=["notice", "position"], name="one_notice_item_per_position")]

    @property
    def jurisdiction_path(self) -> str:
        return self.notice.jurisdiction_path

    def __str__(self) -> str:
        return f"{self.position}. {self.matter}"


class Directive(models.Model):
    """Giao nhiệm vụ cho cơ quan theo kết luận: nội dung và thời hạn tính bằng ngày làm việc kể từ khi ban hành."""

    item = models.ForeignKey(NoticeItem, on_delete=models.CASCADE, related_name="directives", verbose_name="vụ việc trong thông báo")
    agency = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="directives", verbose_name="cơ quan được giao")
    content = models.TextField("nội dung giao")
    working_days = models.PositiveSmallIntegerField("thời hạn (ngày làm việc)", validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["item", "id"]
        verbose_name = "nhiệm vụ giao theo kết luận"
        verbose_name_plural = "nhiệm vụ giao theo kết luận"
        constraints = [models.CheckConstraint(condition=Q(working_days__gte=1), name="directive_has_working_days")]

    @property
    def jurisdiction_path(self) -> str:
        return self.item.notice.jurisdiction_path

    @property
    def extra_jurisdiction_paths(self) -> tuple[str, ...]:
        return (self.agency.path,)

    @property
    def notice(self) -> ConclusionNotice:
        return self.item.notice

    def __str__(self) -> str:
        return f"{self.agency}: {self.content[:60]}"


class NoticeRevision(models.Model):
    """Bản dự thảo đã trình: a snapshot of the items and directives as sent for approval (kept, never edited)."""

    notice = models.ForeignKey(ConclusionNotice, on_delete=models.CASCADE, related_name="revisions", verbose_name="thông báo kết luận")
    version = models.PositiveIntegerField("lần dự thảo")
    snapshot = models.JSONField("nội dung dự thảo")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người trình")
    submitted_at = models.DateTimeField("thời điểm trình")

    class Meta:
        ordering = ["notice", "version"]
        verbose_name = "bản dự thảo thông báo kết luận"
        verbose_name_plural = "các bản dự thảo thông báo kết luận"
        constraints = [models.UniqueConstraint(fields=["notice", "version"], name="one_revision_per_version")]

    @property
    def jurisdiction_path(self) -> str:
        return self.notice.jurisdiction_path

    def __str__(self) -> str:
        return f"Dự thảo lần {self.version}: {self.notice}"


class NoticeComment(models.Model):
    """Ý kiến của người duyệt (khi trả lại) hoặc của người soạn, gắn với một lần dự thảo."""

    notice = models.ForeignKey(ConclusionNotice, on_delete=models.CASCADE, related_name="comments", verbose_name="thông báo kết luận")
    version = models.PositiveIntegerField("lần dự thảo")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người cho ý kiến")
    at = models.DateTimeField("thời điểm")
    text = models.TextField("ý kiến")
    action = models.CharField("thao tác", max_length=20, choices=NoticeState.choices, blank=True)

    class Meta:
        ordering = ["notice", "at", "id"]
        verbose_name = "ý kiến về thông báo kết luận"
        verbose_name_plural = "ý kiến về thông báo kết luận"

    @property
    def jurisdiction_path(self) -> str:
        return self.notice.jurisdiction_path

    def __str__(self) -> str:
        return f"Ý kiến lần {self.version}: {self.text[:60]}"
