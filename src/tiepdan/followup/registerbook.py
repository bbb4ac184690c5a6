"""Column 12 of the register book (Form 03/TCD, «Theo dõi quá trình giải quyết và kết quả») from the tasks.

Registered on ``documents.registerbook.COLUMN_12_PROVIDERS`` in ``FollowupConfig.ready()``: documents sits below
followup and cannot import it.
"""
from __future__ import annotations

from .models import Task, TaskState


def column_12(matter_ids: list[int]) -> dict[int, str]:
    """Per matter, one line per task: the agency, the due day, the state and, once reported, the answer's number."""
    lines: dict[int, list[str]] = {}
    tasks = Task.objects.filter(matter_id__in=matter_ids).select_related("agency").prefetch_related("reports__answer_document").order_by("due_on", "id")
    for task in tasks:
        answers = [r.answer_document.number for r in task.reports.all() if r.answer_document_id]
        line = f"{task.agency.short_name or task.agency.name}: hạn {task.due_on:%d/%m/%Y}, {task.get_state_display().lower()}"
        if task.state == TaskState.ACCEPTED and task.closed_at:
            line += f" ngày {task.closed_at:%d/%m/%Y}"
        if answers:
            line += f"; văn bản trả lời số {answers[-1]}"
        lines.setdefault(task.matter_id, []).append(line)
    return {matter_id: "\n".join(text) for matter_id, text in lines.items()}
