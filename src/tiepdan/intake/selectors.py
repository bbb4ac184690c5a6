"""Read-side queries: the matter search (the list view and the benchmark go through it), repeats,
statistics and the register book.

Search is on stored folded columns (``core.text.fold``), so "nguyen van binh" finds
"Nguyễn Văn Bình" and "dat dai" finds "đất đai" on SQLite and PostgreSQL alike. On
PostgreSQL the folded columns carry trigram indexes (migration 0002) and the
case-sensitive ``LIKE '%x%'`` on already lower-cased text can use them.
"""
from __future__ import annotations

import datetime as dt
import json
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL

from tiepdan.core import policy
from tiepdan.core.text import fold
from tiepdan.organisations.models import Organisation

from .models import Matter, MatterState, Petition

_DIGITS = re.compile(r"^\d{3,12}$")
PAGE_SIZE = 50

# An agency outside the committees' trees (a department) reaches only the matters a later stage gives it work on:
# each callable ``(root_path) -> Q`` over ``Matter`` names them; followup registers its own in ``FollowupConfig.ready()``
# (the matters the department has a task for or was required to attend). None registered: the department sees none.
AGENCY_MATTERS: list[Callable[[str], Q]] = []


def scoped_matters(user, action: str = "intake.view") -> QuerySet[Matter]:
    """The matters the user may take ``action`` on, as a filter on one indexed column.

    A user whose scope holds province committees sees those provinces' matters; a commune's
    people see the matters of their commune; a department those ``AGENCY_MATTERS`` names. Equivalent to ``policy.visible`` on
    ``Matter.jurisdiction_lookups`` without its join and DISTINCT (the list runs at 1,000,000 rows).
    """
    qs = Matter.objects.all()
    if not policy.can(user, action):
        return qs.none()
    root = policy.jurisdiction_root_path(user)
    if not root:
        return qs
    in_scope = Organisation.objects.filter(path__startswith=root)
    provinces = list(in_scope.filter(kind=Organisation.Kind.PROVINCE_COMMITTEE).values_list("pk", flat=True))
    if provinces:
        return qs.filter(province_committee_id__in=provinces)
    communes = list(in_scope.filter(kind=Organisation.Kind.COMMUNE_COMMITTEE).values_list("pk", flat=True))
    if communes:
        return qs.filter(commune_committee_id__in=communes)
    reached = [reach(root) for reach in AGENCY_MATTERS]
    return qs.filter(reduce(operator.or_, reached)) if reached else qs.none()


LIST_COLUMNS = ("id", "registered_at", "identity_protected", "kind", "state", "summary", "people_count", "delegation_id", "citizen__full_name", "commune__name")


def search_matters(user, q: str = "", *, state: str = "", kind: str = "", commune=None, subject_area: str = "", page: int = 1, page_size: int = PAGE_SIZE) -> "ResultPage":
    """The matter list and its search. ``q``: digits → ID number (prefix) or matter number; otherwise
    folded words matched in the citizen's name or the summary. A denouncer whose identity is
    protected is never found by name or ID number."""
    qs = scoped_matters(user)
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    if subject_area:
        qs = qs.filter(subject_area=subject_area)
    if commune:
        qs = qs.filter(commune=commune)
    q = (q or "").strip()
    if q:
        if _DIGITS.match(q):
            if len(q) == 12:
                cond = Q(citizen_id_number=q, identity_protected=False)
            elif len(q) >= 9:
                cond = Q(citizen_id_number__startswith=q, identity_protected=False)
            else:
                cond = Q(pk=int(q))
            qs = qs.filter(cond)
        else:
            folded = fold(q)
            qs = qs.filter(Q(citizen_name_folded__contains=folded, identity_protected=False) | Q(summary_folded__contains=folded))
    page = max(1, int(page or 1))
    if q and connection.vendor == "postgresql" and _estimated_rows(qs) < _few_rows():
        # Few matches: gather them through the trigram index and sort them. Ordering by an
        # expression keeps the planner from walking the registration-time index row by row,
        # which it otherwise prefers and which reads most of the table for a rare name.
        ordering = (RawSQL("intake_matter.registered_at + interval '0 s'", []).desc(), "-id")
    else:
        ordering = ("-registered_at", "-id")
    # Only the columns the list shows: the folded copies and the long texts stay in the database.
    qs = qs.select_related("citizen", "commune").only(*LIST_COLUMNS).order_by(*ordering)
    rows = list(qs[(page - 1) * page_size : page * page_size + 1])
    return ResultPage(rows[:page_size], page, len(rows) > page_size)


def _few_rows() -> float:
    """Below how many matches gathering and sorting beats walking the time index.

    The walk reads about page/selectivity rows, the gathering about selectivity x table rows, so
    they break even near sqrt(k x table rows) matches; k = 5 fits measurements at 300,000 matters
    (a full name with ~430 matches: 51 ms gathered, 153 ms walked; ~2,200 matches: 60 ms vs 20 ms).
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'intake_matter'")
        row = cursor.fetchone()
    return max(200.0, (5 * max(float(row[0]) if row else 0.0, 0.0)) ** 0.5)


def _estimated_rows(qs: QuerySet) -> float:
    """PostgreSQL's estimate of how many rows match (EXPLAIN, not run: about a millisecond)."""
    sql, params = qs.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"])


@dataclass
class ResultPage:
    """A page without COUNT(*): at a million rows the count costs more than the page."""

    object_list: list
    number: int
    has_next: bool

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def visible_matter(user, pk: int) -> Matter | None:
    return scoped_matters(user).select_related("citizen", "commune", "province_committee", "commune_committee", "delegation", "batch", "repeat_of").filter(pk=pk).first()


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[^a-z0-9]+", text) if len(w) > 2}


def similarity(a: str, b: str) -> float:
    """Share of words in common between two folded texts (Jaccard)."""
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def possible_repeats(matter: Matter, *, threshold: float = 0.45, limit: int = 10) -> list[tuple[Matter, str]]:
    """Earlier matters this one may repeat: the same ID number, or similar content in the same commune."""
    found: dict[int, tuple[Matter, str]] = {}
    base = Matter.objects.filter(province_committee=matter.province_committee).exclude(pk=matter.pk).select_related("commune")
    for other in base.filter(citizen_id_number=matter.citizen_id_number).order_by("-registered_at")[:limit]:
        found[other.pk] = (other, "cùng số CCCD")
    for other in base.filter(commune=matter.commune).order_by("-registered_at")[:300]:
        score = similarity(matter.summary_folded, other.summary_folded)
        if score >= threshold and other.pk not in found:
            found[other.pk] = (other, f"nội dung tương tự ({score:.0%}) tại cùng xã")
    return list(found.values())[:limit]


@dataclass
class Counts:
    matters: int
    visits: int
    people: int
    delegation_visits: int
    delegation_people: int


def statistics(user, *, since=None, until=None) -> Counts:
    """Matters, visits ("lượt": a delegation is one) and people (a delegation counts its N) counted apart (plan 004 §V.2)."""
    matters = scoped_matters(user)
    petitions = Petition.objects.filter(matter__in=matters)
    if since:
        matters, petitions = matters.filter(registered_at__gte=since), petitions.filter(received_at__gte=since)
    if until:
        matters, petitions = matters.filter(registered_at__lt=until), petitions.filter(received_at__lt=until)
    p = petitions.aggregate(visits=Count("id"), people=Sum("matter__people_count"), d_visits=Count("id", filter=Q(matter__delegation__isnull=False)), d_people=Sum("matter__people_count", filter=Q(matter__delegation__isnull=False)))
    return Counts(matters=matters.count(), visits=p["visits"] or 0, people=p["people"] or 0, delegation_visits=p["d_visits"] or 0, delegation_people=p["d_people"] or 0)


def register_book_rows(user, *, since=None, until=None) -> list[dict]:
    """Form 03/TCD's twelve columns, one row per reception entry (petition), oldest first."""
    # The Board's decline carries the guidance (where the citizen can go, and the reply's number): read through the
    # reverse relation triage declares, so intake does not import the later stage.
    qs = Petition.objects.filter(matter__in=scoped_matters(user, "intake.register_book")).select_related("matter", "matter__citizen", "matter__commune").prefetch_related("matter__decisions").order_by("received_at", "id")
    if since:
        qs = qs.filter(received_at__gte=since)
    if until:
        qs = qs.filter(received_at__lt=until)
    rows = []
    for n, p in enumerate(qs, start=1):
        m, c = p.matter, p.matter.citizen
        protected = m.identity_protected
        rows.append({
            "number": n,
            "received_on": p.received_at,
            "name": "(Giữ bí mật danh tính người tố cáo)" if protected else c.full_name,
            "address": "" if protected else f"{c.address}, {m.commune}",
            "id_number": "" if protected else c.id_number,
            "summary": m.summary,
            "kind": m.get_kind_display(),
            "people_count": m.people_count,
            "settled_by": m.settled_by,
            "within_competence": m.within_competence,
            "guided_to": guidance_of(p),
            "forwarded_to": ", ".join(v for v in (p.forwarded_to, p.forwarding_document) if v),
            "follow_up": m.get_state_display(),
            "matter_id": m.pk,  # for column 12's providers (documents.registerbook.COLUMN_12_PROVIDERS)
        })
    return rows


def guidance_of(petition: Petition) -> str:
    """Form 03/TCD column 10: to which body the citizen was guided, and the guidance document's number.

    Guidance written on the petition itself comes first; otherwise the decline that answered it (received at or
    before the decision): what the reply tells the citizen to do, and the reply's number."""
    if petition.guided_to or petition.guidance_document:
        return ", ".join(v for v in (petition.guided_to, petition.guidance_document) if v)
    declines = [d for d in petition.matter.decisions.all() if d.outcome == "declined" and d.advice.strip() and d.decided_at >= petition.received_at]
    if not declines:
        return ""
    decline = min(declines, key=lambda d: d.decided_at)
    advice = "; ".join(line.strip(" -•") for line in decline.advice.splitlines() if line.strip(" -•"))
    return f"{advice} (văn bản số {decline.reply_number})" if decline.reply_number else advice


def matters_overdue(now, *, province_committee=None) -> QuerySet[Matter]:
    """Matters in a waiting state past their deadline (each waiting state has an owner: ``workflow.WAITING``)."""
    qs = Matter.objects.filter(state_due_at__lt=now, state__in=[MatterState.RECEIVED, MatterState.CLASSIFIED, MatterState.PROPOSED, MatterState.RETURNED])
    return qs.filter(province_committee=province_committee) if province_committee else qs


def petitions_nearing_45_days(now, *, warn_days: int = 35, province_committee=None) -> QuerySet[Petition]:
    """Decree 154/2026 Art. 41(3)(b): a petition not handled 45 days after receipt is a disciplinary matter.
    Open petitions older than ``warn_days`` are surfaced before they reach it."""
    qs = Petition.objects.filter(received_at__lt=now - dt.timedelta(days=warn_days), matter__state__in=[MatterState.RECEIVED, MatterState.CLASSIFIED, MatterState.PROPOSED, MatterState.RETURNED])
    return qs.filter(province_committee=province_committee) if province_committee else qs
