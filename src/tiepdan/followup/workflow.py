"""The task's state machine: a declared table for ``core.statemachine``.

assigned → in_progress (the agency's first progress report) → reported (its result) → accepted (the Board),
or → returned (the Board asks for more, saying why) → reported again. Every state but «accepted» waits on
someone: ``WAITING`` names the role and ``_task_moved`` the day (``state_due_on``), so nothing waits unowned.
"""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tiepdan.core.roles import Role
from tiepdan.core.statemachine import Change, Machine, Move
from tiepdan.organisations.models import Organisation

from . import rules
from .models import Task, TaskState, TaskTransition

T = TaskState

TRANSITIONS: dict[tuple[str, str], Move] = {
    (T.ASSIGNED, T.IN_PROGRESS): Move("followup.report"),
    (T.RETURNED, T.IN_PROGRESS): Move("followup.report"),
    (T.ASSIGNED, T.REPORTED): Move("followup.report"),
    (T.IN_PROGRESS, T.REPORTED): Move("followup.report"),
    (T.RETURNED, T.REPORTED): Move("followup.report"),
    (T.REPORTED, T.ACCEPTED): Move("followup.accept_result"),
    # The agency reads why: the reason says what is missing.
    (T.REPORTED, T.RETURNED): Move("followup.accept_result", needs_reason=True),
}

_WHY_NOT = {
    (T.ASSIGNED, T.ACCEPTED): "cơ quan được giao cần báo cáo kết quả trước.",
    (T.IN_PROGRESS, T.ACCEPTED): "cơ quan được giao cần báo cáo kết quả trước.",
    (T.RETURNED, T.ACCEPTED): "cơ quan được giao cần bổ sung và báo cáo lại trước.",
    (T.ASSIGNED, T.RETURNED): "chỉ trả lại được kết quả đã báo cáo.",
    (T.IN_PROGRESS, T.RETURNED): "chỉ trả lại được kết quả đã báo cáo.",
}


def agency_owner(agency: Organisation) -> str:
    """Who acts for the agency: a commune's officers, otherwise the department's."""
    return Role.COMMUNE_OFFICER if agency.kind == Organisation.Kind.COMMUNE_COMMITTEE else Role.DEPARTMENT_OFFICER


def waiting_for(task: Task, state: str, today) -> tuple[str, object]:
    """(owner role, deadline) of ``state`` entered ``today``: the agency until its due day, the Board once reported."""
    if state == T.REPORTED:
        return Role.BOARD_OFFICER, rules.acceptance_due_on(today)
    if state == T.RETURNED:
        return agency_owner(task.agency), rules.completion_due_on(today, task.due_on)
    if state == T.ACCEPTED:
        return "", None
    return agency_owner(task.agency), task.due_on


def _task_moved(change: Change) -> list[str]:
    task = change.obj
    task.owner, task.state_due_on = waiting_for(task, change.to_state, timezone.localdate(change.at))
    task.state_changed_at = change.at
    fields = ["owner", "state_due_on", "state_changed_at"]
    if change.to_state == T.ACCEPTED:
        task.closed_at = change.at
        fields.append("closed_at")
    return fields


def _task_history(change: Change) -> None:
    TaskTransition.objects.create(task=change.obj, from_state=change.from_state, to_state=change.to_state, by=change.by, reason=change.reason, at=change.at)


TASK = Machine(
    model=Task, moves=TRANSITIONS, noun="nhiệm vụ", audit_action="task.{to}", why_not=_WHY_NOT, final={T.ACCEPTED},
    prepare=_task_moved, history=_task_history, lock_related=("province_committee", "agency", "matter"),
)


@transaction.atomic
def transition(task: Task, to: str, *, by, reason: str = "", changes: dict | None = None) -> Task:
    """Move ``task`` to ``to`` if the table and the policy allow it; record who and why."""
    return TASK.apply(task, to, by=by, reason=reason, changes=changes)
