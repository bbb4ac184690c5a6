"""Demo follow-up: the tasks of the demo province's issued notice (outcomes' demo runs first), one reported, one overdue."""
from __future__ import annotations

from django.utils import timezone

from tiepdan.core.workdays import working_days_before
from tiepdan.organisations.models import User
from tiepdan.outcomes.models import ConclusionNotice, NoticeState

from . import services
from .models import Task, TaskReport, TaskState


def seed(orgs: dict) -> None:
    notices = ConclusionNotice.objects.filter(session__province_committee=orgs["committee"], state=NoticeState.ISSUED)
    tasks = [t for notice in notices for t in services.create_tasks_for_notice(notice)]  # idempotent: none twice
    tasks = tasks or list(Task.objects.filter(province_committee=orgs["committee"]).order_by("id"))
    if not tasks or TaskReport.objects.filter(task__province_committee=orgs["committee"]).exists():
        return
    reporter = User.objects.filter(username="sonnmt").first()
    department = next((t for t in tasks if reporter and t.agency_id == reporter.organisation_id and t.state == TaskState.ASSIGNED), None)
    if department is not None:
        services.report(by=reporter, task=department, kind="result", text="Sở đã kiểm tra hiện trường, đo đạc lại thửa đất cùng hộ dân và UBND xã.",
                        answer="Diện tích đất bị thu hồi được xác định lại là 120 m²; Sở đề nghị UBND xã lập phương án bồi thường bổ sung.")
    late = next((t for t in tasks if t.pk != getattr(department, "pk", None) and t.state == TaskState.ASSIGNED), None)
    if late is not None:
        # Demo only: its deadline put three working days back, so a newcomer sees an overdue task on the Board's page.
        past = working_days_before(timezone.localdate(), 3)
        Task.objects.filter(pk=late.pk).update(due_on=past, state_due_on=past)
