"""Tasks the conclusion notice gives agencies, their reports, attachments and history (Decree 154/2026 Art. 25(2)).

``Task``: one per ``outcomes.Directive``, created when the notice is issued (``services.create_tasks_for_notice``),
due a number of working days after the issue. Its ``state`` changes only through ``workflow.TASK``; every state
that waits names who must act (``owner``) and by when (``state_due_on``), so ``tasks.surface_stuck_tasks`` finds
what is stuck. ``TaskReport``: what the agency reports (progress, or its result with attachments and its answer to
the citizen, a document issued through the register). ``TaskTransition``: the append-only history of moves.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tiepdan.core.roles import Role


class TaskState(models.TextChoices):
    ASSIGNED = "assigned", "Đã giao"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    REPORTED = "reported", "Đã báo cáo kết quả"
    ACCEPTED = "accepted", "Đã hoàn thành"
    RETURNED = "returned", "Yêu cầu bổ sung"


# The states in which the agency must act (it reports), and the one in which the Board must (it accepts or returns).
AGENCY_STATES = (TaskState.ASSIGNED, TaskState.IN_PROGRESS, TaskState.RETURNED)
OPEN_STATES = (*AGENCY_STATES, TaskState.REPORTED)


class Task(models.Model):
    """Nhiệm vụ giao cho cơ quan theo thông báo kết luận: nội dung, hạn giải quyết, người phải xử lý."""

    directive = models.OneToOneField("outcomes.Directive", on_delete=models.PROTECT, related_name="task", verbose_name="chỉ đạo")
    matter = models.ForeignKey("intake.Matter", on_delete=models.PROTECT, related_name="tasks", verbose_name="vụ việc")
    province_committee = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="UBND tỉnh")
    agency = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="followup_tasks", verbose_name="cơ quan được giao")
    content = models.TextField("nội dung giao")
    assigned_at = models.DateTimeField("thời điểm giao")
    due_on = models.DateField("hạn giải quyết", db_index=True)
    state = models.CharField("trạng thái", max_length=12, choices=TaskState.choices, default=TaskState.ASSIGNED, db_index=True)
    owner = models.CharField("vai trò phải xử lý", max_length=30, choices=Role.choices, blank=True)
    state_changed_at = models.DateTimeField("thời điểm chuyển trạng thái", null=True, blank=True)
    state_due_on = models.DateField("hạn của bước đang chờ", null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField("thời điểm hoàn thành", null=True, blank=True)

    # The province's Board, Chairman and inspectors see every task of the province; an agency sees its own.
    jurisdiction_lookups = ["province_committee", "agency"]

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = "nhiệm vụ theo kết luận"
        verbose_name_plural = "nhiệm vụ theo kết luận"
        indexes = [models.Index(fields=["agency", "state"], name="task_agency_state")]
        constraints = [
            models.CheckConstraint(condition=~Q(state="accepted") | Q(closed_at__isnull=False), name="accepted_task_is_closed"),
            models.CheckConstraint(condition=Q(state="accepted") | ~Q(owner=""), name="open_task_has_owner"),
        ]

    @property
    def jurisdiction_path(self) -> str:
        return self.province_committee.path

    @property
    def extra_jurisdiction_paths(self) -> tuple[str, ...]:
        return (self.agency.path,)

    def __str__(self) -> str:
        return f"Nhiệm vụ số {self.pk} ({self.agency})"


class TaskReport(models.Model):
    """Báo cáo của cơ quan: tiến độ, hoặc kết quả giải quyết kèm tài liệu và văn bản trả lời công dân."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", "Báo cáo tiến độ"
        RESULT = "result", "Báo cáo kết quả"

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports", verbose_name="nhiệm vụ")
    kind = models.CharField("loại báo cáo", max_length=10, choices=Kind.choices)
    text = models.TextField("nội dung báo cáo")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người báo cáo")
    at = models.DateTimeField("thời điểm báo cáo")
    answer_document = models.ForeignKey("documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="văn bản trả lời công dân")

    class Meta:
        ordering = ["task", "at", "id"]
        verbose_name = "báo cáo thực hiện nhiệm vụ"
        verbose_name_plural = "báo cáo thực hiện nhiệm vụ"

    @property
    def jurisdiction_path(self) -> str:
        return self.task.jurisdiction_path

    @property
    def extra_jurisdiction_paths(self) -> tuple[str, ...]:
        return self.task.extra_jurisdiction_paths

    def __str__(self) -> str:
        return f"{self.get_kind_display()} nhiệm vụ số {self.task_id}"


class ReportAttachment(models.Model):
    """Tài liệu kèm báo cáo: PDF, JPEG or PNG checked as intake checks a petition's (type by its bytes), SHA-256 stored."""

    report = models.ForeignKey(TaskReport, on_delete=models.PROTECT, related_name="attachments", verbose_name="báo cáo")
    file = models.FileField("tệp", upload_to="followup/reports/%Y/%m/")
    original_name = models.CharField("tên tệp", max_length=255)
    content_type = models.CharField("loại tệp", max_length=40)
    size_bytes = models.PositiveIntegerField("dung lượng (byte)")
    sha256 = models.CharField("mã băm SHA-256", max_length=64, db_index=True)
    uploaded_at = models.DateTimeField("thời điểm tải lên", auto_now_add=True)

    class Meta:
        ordering = ["report", "id"]
        verbose_name = "tài liệu kèm báo cáo"
        verbose_name_plural = "tài liệu kèm báo cáo"

    @property
    def jurisdiction_path(self) -> str:
        return self.report.jurisdiction_path

    @property
    def extra_jurisdiction_paths(self) -> tuple[str, ...]:
        return self.report.extra_jurisdiction_paths

    def __str__(self) -> str:
        return f"Tài liệu «{self.original_name}»"


class TaskTransition(models.Model):
    """One row per state change of a task: who, when, from, to, why. Append-only."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="transitions", verbose_name="nhiệm vụ")
    from_state = models.CharField("từ trạng thái", max_length=12, choices=TaskState.choices, blank=True)
    to_state = models.CharField("sang trạng thái", max_length=12, choices=TaskState.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="người thực hiện")
    reason = models.TextField("lý do", blank=True)
    at = models.DateTimeField("thời điểm")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "lịch sử nhiệm vụ"
        verbose_name_plural = "lịch sử nhiệm vụ"

    def __str__(self) -> str:
        return f"{self.get_from_state_display() or 'Mới'} → {self.get_to_state_display()}"
