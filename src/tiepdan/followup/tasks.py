"""Background jobs of the follow-up: remind before and after each deadline, surface what is stuck."""
from __future__ import annotations

import logging

from django.urls import reverse
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tiepdan.core import audit
from tiepdan.notifications.services import notify
from tiepdan.organisations.models import Organisation

from . import rules, selectors
from .models import AGENCY_STATES, Task
from .services import agency_people, board_people

log = logging.getLogger("tiepdan.followup")

SUBJECTS = {
    "before": "Nhiệm vụ sắp đến hạn giải quyết: {due}",
    "after": "Nhiệm vụ đã quá hạn giải quyết ({late} ngày làm việc)",
}


def remind(today=None) -> dict[str, list[int]]:
    """Tell the province's Board and the agency, once per task and kind (``notify``'s key): ``before`` in the last
    working days up to the due day, ``after`` once it is overdue (rules.reminder_kind). Returns the task ids per kind."""
    today = today or timezone.localdate()
    sent: dict[str, list[int]] = {"before": [], "after": []}
    candidates = Task.objects.filter(state__in=AGENCY_STATES, due_on__lte=rules.remind_until(today)).select_related("agency", "province_committee", "matter")
    for task in candidates.order_by("due_on", "id")[:2000]:
        kind = rules.reminder_kind(task.due_on, today)
        if kind is None:
            continue
        late = rules.working_days_late(task.due_on, today)
        rows = notify(recipients=[*board_people(task.province_committee), *agency_people(task.agency)],
                      subject=SUBJECTS[kind].format(due=f"{task.due_on:%d/%m/%Y}", late=late),
                      body=f"{task.agency}: {task.content}\nHạn giải quyết: {task.due_on:%d/%m/%Y} (Nghị định 154/2026, Điều 25(2)). Vụ việc số {task.matter_id}.",
                      link=reverse("followup:task_detail", args=[task.pk]), about=task, key=f"followup.task.{task.pk}.{kind}")
        if rows:
            sent[kind].append(task.pk)
    return sent


def surface_stuck(today=None) -> dict[int, list[int]]:
    """Per province: the open tasks past the deadline of the step they wait in (the agency's report or the Board's
    acceptance). Each province with some gets one audit entry and its Board one notice a day, linking to the list."""
    today = today or timezone.localdate()
    report = {}
    for committee in Organisation.objects.filter(kind=Organisation.Kind.PROVINCE_COMMITTEE):
        stuck = list(selectors.stuck_tasks(today, Task.objects.filter(province_committee=committee)).values_list("pk", flat=True)[:500])
        if not stuck:
            continue
        audit.record(actor=None, action="task.stuck_report", obj=committee, changes={"stuck_tasks": stuck})
        log.warning("%s: %d nhiệm vụ quá hạn bước đang chờ", committee, len(stuck))
        report[committee.pk] = stuck
        notify(recipients=board_people(committee), subject="Nhiệm vụ theo kết luận đang bị chậm",
               body=f"{len(stuck)} nhiệm vụ đã quá hạn của bước đang chờ (cơ quan báo cáo, hoặc Ban ghi nhận kết quả). Hãy xem trang «Theo dõi kết luận» và đôn đốc.",
               link=reverse("followup:task_list"), about=committee, key=f"followup.stuck.{committee.pk}.{today:%Y-%m-%d}")
    return report


@db_periodic_task(crontab(hour="7", minute="15"))
def remind_deadlines():
    """Every morning at 07:15: the reminders before and after each task's deadline."""
    return remind()


@db_periodic_task(crontab(hour="7", minute="20"))
def surface_stuck_tasks():
    """Every morning at 07:20: what waits past its step's deadline."""
    return surface_stuck()
