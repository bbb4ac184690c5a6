"""Read-side queries of the follow-up: who sees which tasks, what is due and overdue, the counts for reports."""
from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from tiepdan.core import policy, sql
from tiepdan.intake.models import Matter

from . import rules
from .models import AGENCY_STATES, OPEN_STATES, Task, TaskState


def visible_tasks(user) -> QuerySet[Task]:
    """The tasks the user sees: the province's for its Board, Chairman and inspectors, an agency's own for it."""
    qs = Task.objects.select_related("agency", "matter", "matter__citizen", "province_committee")
    return policy.visible(user, "followup.view", qs)


def overdue_tasks(today: dt.date, qs: QuerySet[Task] | None = None) -> QuerySet[Task]:
    """Tasks still with their agency a working day or more past the due day (rules.overdue_before)."""
    qs = Task.objects.all() if qs is None else qs
    return qs.filter(state__in=AGENCY_STATES, due_on__lt=rules.overdue_before(today))


def due_soon_tasks(today: dt.date, qs: QuerySet[Task] | None = None) -> QuerySet[Task]:
    """Tasks with their agency whose due day is today or within the reminder's working days (not yet overdue)."""
    qs = Task.objects.all() if qs is None else qs
    last = rules.remind_until(today)
    return qs.filter(state__in=AGENCY_STATES, due_on__gte=rules.overdue_before(today), due_on__lte=last)


def stuck_tasks(today: dt.date, qs: QuerySet[Task] | None = None) -> QuerySet[Task]:
    """Every open task past the deadline of the step it waits in (its owner's: the agency's report, the Board's acceptance)."""
    qs = Task.objects.all() if qs is None else qs
    return qs.filter(state__in=OPEN_STATES, state_due_on__lt=rules.overdue_before(today))


def board_overview(user, today: dt.date | None = None) -> dict:
    """The Board's follow-up page: overdue, due soon, reported awaiting acceptance, in progress, recently done."""
    today = today or timezone.localdate()
    tasks = visible_tasks(user)
    return {
        "overdue": list(overdue_tasks(today, tasks).order_by("due_on", "id")[:200]),
        "due_soon": list(due_soon_tasks(today, tasks).order_by("due_on", "id")[:200]),
        "reported": list(tasks.filter(state=TaskState.REPORTED).order_by("state_due_on", "id")[:200]),
        "open": list(tasks.filter(state__in=AGENCY_STATES, due_on__gt=rules.remind_until(today)).order_by("due_on", "id")[:200]),
        "done": list(tasks.filter(state=TaskState.ACCEPTED).order_by("-closed_at", "-id")[:50]),
    }


def agency_matters(root: str) -> Q:
    """The matters an agency under ``root`` reaches (intake.selectors.AGENCY_MATTERS): those it has a task for, and those
    the Chairman required it to attend (Decree 154 Art. 26: it sends a leader and its files)."""
    with_task = Task.objects.filter(agency__path__startswith=root).values("matter_id")
    attended = Matter.agencies_required.through.objects.filter(organisation__path__startswith=root).values("matter_id")
    return Q(pk__in=with_task) | Q(pk__in=attended)


def task_counts(scope_path: str, start: dt.date, end: dt.date) -> dict:
    """For reports: the tasks assigned from ``start`` to ``end`` (both included) in provinces under ``scope_path`` (or given to
    agencies under it): ``done`` (accepted), ``overdue`` (still with the agency a working day past its due day, as of
    ``end``), ``open`` (not accepted, overdue ones included), and the same per agency name in ``by_agency``.

    Counted by the database, one row per agency, in SQL written here (``core.sql``) rather than built with the ORM: the statistics
    page asks for it on every view, and building the queryset took longer than the database took to answer."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    prefix = sql.starts_with(scope_path)
    rows = sql.rows(
        "SELECT a.name, COUNT(t.id) FILTER (WHERE t.state = %s),"
        f" COUNT(t.id) FILTER (WHERE t.state IN ({sql.marks(AGENCY_STATES)}) AND t.due_on < %s),"
        " COUNT(t.id) FILTER (WHERE t.state <> %s)"
        " FROM followup_task t JOIN organisations_organisation a ON a.id = t.agency_id"
        " JOIN organisations_organisation p ON p.id = t.province_committee_id"
        " WHERE (p.path LIKE %s ESCAPE '\\' OR a.path LIKE %s ESCAPE '\\') AND t.assigned_at >= %s AND t.assigned_at < %s"
        " GROUP BY a.name ORDER BY a.name",
        [TaskState.ACCEPTED, *AGENCY_STATES, sql.on(rules.overdue_before(end)), TaskState.ACCEPTED,
         prefix, prefix, sql.at(since), sql.at(until)],
    )
    counts = {"done": 0, "overdue": 0, "open": 0, "by_agency": {}}
    for agency, done, overdue, open_ in rows:
        counts["by_agency"][agency] = {"done": done, "overdue": overdue, "open": open_}
        counts["done"] += done
        counts["overdue"] += overdue
        counts["open"] += open_
    return counts
