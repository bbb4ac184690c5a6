"""The figures of a period and a scope, each computed in the database with a few GROUP BY queries.

What each figure counts (docs/REPORTS.md says the same for readers):

- **kỳ** (sessions): reception sessions whose day lies in the period and that were held (status «Đã kết thúc»);
  split periodic / ad hoc (Law 2013 Art. 12(5), Art. 18(3)), online / in person (``in_person_only``), and by
  who chaired: the Chairman himself (role Chủ tịch UBND tỉnh), an authorised deputy (Phó Chủ tịch), or
  someone else / not recorded. The Law's minimum of one day a month is the Chairman's own reception, so his
  sessions are counted apart from a deputy's. Cancelled sessions are counted on their own line, never as kỳ.
- **lượt** (visits): matters received at those sessions: the agenda items left on a held session (an item
  carried to a later session leaves the earlier one). A delegation is one lượt.
- **lượt công dân** (citizens received): the people who sat before the chair: 1 for a citizen, the
  representatives for a delegation (``AgendaItem.seats``, Law Art. 29, Decree 154 Art. 22(4)): the plans'
  «11 lượt đoàn đông người / 51 lượt công dân» are the delegations' representatives.
- **đoàn đông người**: visits whose matter is a delegation's; «công dân trong đoàn» its representatives
  received, and ``members`` the people the delegations speak for (``Delegation.members_count``).
- by kind / subject / locality: the visits and citizens received, grouped by the matter's kind, subject area
  and the citizen's commune; a locality's share is of the citizens received (a kind's or subject's, of the
  visits), rounded by
  ``rules.largest_remainder_shares`` so the printed shares add up to 100 %.
- **registrations**: matters registered in the period (``Matter.registered_at``), by channel and kind, with
  the people they concern; petitions received (``Petition.received_at``: each a lượt đơn).
- **proposed**: proposals the Board made in the period; **declined**: decisions «Không tiếp» taken in the
  period, by who declined (the Board not proposing, the Chairman or deputy) and by the reason written;
  **refused** (Form 01/TCD) in the period.
- **carried over**: matters moved out of a session held or planned in the period because the day was full
  (``ChangeNotice`` rows scheduling writes when it carries one), with how many times each has been carried so far.
- **readiness**: for each bridge point of a held session, whether its first readiness test from
  ``bridges.rules.test_window_start`` (5 working days before) to the session's start passed.
- **quality**: each point's last measured link in the room (round trip, loss, bitrate) and its reconnections.
- **hours**: hours the session rooms were live (start to close), and hours recorded (each finished recording's
  start to end).
- **outcomes**: of the visits, those the issued conclusion notice says were answered at once, and those it
  directed to an agency (at least one directive); of the tasks assigned in the period (in the scope's province,
  or given to agencies under the scope), those done, overdue and still open (``followup.selectors.task_counts``).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from tiepdan.bridges.models import ReadinessTest
from tiepdan.followup.selectors import task_counts
from tiepdan.bridges.rules import test_window_start
from tiepdan.core.roles import Role
from tiepdan.intake.models import Channel, Matter, MatterKind, Petition, SubjectArea
from tiepdan.live.models import LiveRoom, RoomPoint
from tiepdan.organisations.models import Organisation
from tiepdan.outcomes.models import Directive, NoticeItem, NoticeState
from tiepdan.recordings.models import Recording
from tiepdan.scheduling.models import AgendaItem, ChangeNotice, ReceptionSession, SessionKind, SessionPoint, SessionStatus
from tiepdan.triage.models import Decision, Proposal, RepeatFinding

from . import rules

CHAIRS = {"chairman": "Chủ tịch UBND tỉnh", "deputy": "Phó Chủ tịch UBND tỉnh (được ủy quyền)", "other": "Người khác / chưa ghi nhận"}
KIND_LABELS = {SessionKind.PERIODIC: "định kỳ", SessionKind.AD_HOC: "đột xuất"}
MAX_QUALITY_ROWS = 200
MAX_REASON_ROWS = 10


@dataclass(frozen=True)
class Scope:
    """Whose figures: the whole country (``organisation`` None), one province committee or one commune committee."""

    kind: str  # country | province | commune
    organisation: Organisation | None
    label: str

    @property
    def key(self) -> str:
        return "all" if self.organisation is None else str(self.organisation.pk)


@dataclass
class Row:
    label: str
    count: int = 0
    citizens: int = 0
    share: str = ""
    key: str = ""


@dataclass
class SessionLine:
    """One line of the plan's sentence: who chaired, periodic or ad hoc, and what was received."""

    chair: str
    kind: str
    sessions: int = 0
    visits: int = 0
    citizens: int = 0
    delegations: int = 0
    delegation_citizens: int = 0
    delegation_members: int = 0


@dataclass
class Statistics:
    period: dict
    scope: dict
    sessions: dict = field(default_factory=dict)
    lines: list[SessionLine] = field(default_factory=list)
    totals: SessionLine = field(default_factory=lambda: SessionLine("all", "all"))
    by_kind: list[Row] = field(default_factory=list)
    by_subject: list[Row] = field(default_factory=list)
    by_locality: list[Row] = field(default_factory=list)
    registrations: dict = field(default_factory=dict)
    declined: list[Row] = field(default_factory=list)
    carried: dict = field(default_factory=dict)
    readiness: dict = field(default_factory=dict)
    quality: list[dict] = field(default_factory=list)
    hours: dict = field(default_factory=dict)
    outcomes: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """Plain values only (JSON export, the draft's snapshot)."""
        return asdict(self)

    def line(self, chair: str, kind: str) -> SessionLine:
        return next((ln for ln in self.lines if ln.chair == chair and ln.kind == kind), SessionLine(chair, kind))


def day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _chair_of(role: str | None) -> str:
    return "chairman" if role == Role.PROVINCE_CHAIRMAN else "deputy" if role == Role.PROVINCE_DEPUTY else "other"


def _matter_filter(scope: Scope, prefix: str = "") -> Q:
    if scope.kind == "province":
        return Q(**{f"{prefix}province_committee_id": scope.organisation.pk})
    if scope.kind == "commune":
        return Q(**{f"{prefix}commune_committee_id": scope.organisation.pk})
    return Q()


def held_sessions(scope: Scope, period: rules.Period):
    qs = ReceptionSession.objects.filter(date__gte=period.start, date__lt=period.end, status=SessionStatus.CLOSED)
    if scope.kind == "province":
        return qs.filter(province_committee_id=scope.organisation.pk)
    if scope.kind == "commune":  # the sessions that received at least one of the commune's citizens
        return qs.filter(Exists(AgendaItem.objects.filter(session=OuterRef("pk"), matter__commune_committee_id=scope.organisation.pk)))
    return qs


def _shares(rows: list[Row], *, of: str = "citizens") -> list[Row]:
    """Each row's share of the total ``of`` (citizens for localities, as the plans print them; visits for kinds)."""
    for row, share in zip(rows, rules.largest_remainder_shares([getattr(r, of) for r in rows])):
        row.share = rules.format_share(share)
    return rows


def compute(scope: Scope, period: rules.Period) -> Statistics:
    """Every figure of ``scope`` over ``period`` (the module docstring defines each)."""
    stats = Statistics(
        period={"kind": period.kind, "start": period.start.isoformat(), "last_day": period.last_day.isoformat(), "label": period.label},
        scope={"kind": scope.kind, "organisation": scope.key, "label": scope.label},
    )
    # The sessions of a period are few (one or two a month per province): read once, their ids keep every
    # later statement a plain ``IN`` list the planner reads from the indexes, not a nested subquery per statement.
    session_ids = _sessions(stats, scope, period)
    _received(stats, AgendaItem.objects.filter(session_id__in=session_ids).filter(_matter_filter(scope, "matter__")))
    _registrations(stats, scope, period)
    _carried(stats, scope, period)
    _readiness(stats, scope, session_ids)
    _rooms(stats, scope, session_ids)
    _outcomes(stats, scope, period, session_ids)
    return stats


def _sessions(stats: Statistics, scope: Scope, period: rules.Period) -> list[int]:
    """The period's held sessions counted (and its cancelled ones, for a province or the country) from one
    statement; returns the held sessions' ids."""
    counts = {"held": 0, "periodic": 0, "ad_hoc": 0, "online": 0, "in_person": 0, "chairman": 0, "deputy": 0, "other": 0, "cancelled": 0}
    if scope.kind == "commune":  # a commune cancels no session of its own: its line stays 0
        sessions = held_sessions(scope, period)
    else:
        sessions = ReceptionSession.objects.filter(date__gte=period.start, date__lt=period.end, status__in=[SessionStatus.CLOSED, SessionStatus.CANCELLED])
        if scope.kind == "province":
            sessions = sessions.filter(province_committee_id=scope.organisation.pk)
    held = []
    for pk, status, kind, in_person_only, role in sessions.order_by().values_list("pk", "status", "kind", "in_person_only", "chair__role"):
        if status == SessionStatus.CANCELLED:
            counts["cancelled"] += 1
            continue
        held.append(pk)
        counts["held"] += 1
        counts[kind] += 1
        counts["in_person" if in_person_only else "online"] += 1
        counts[_chair_of(role)] += 1
        _line(stats, _chair_of(role), kind).sessions += 1
    stats.sessions = counts
    return held


def _line(stats: Statistics, chair: str, kind: str) -> SessionLine:
    for line in stats.lines:
        if line.chair == chair and line.kind == kind:
            return line
    line = SessionLine(chair, kind)
    stats.lines.append(line)
    stats.lines.sort(key=lambda ln: (list(CHAIRS).index(ln.chair), ln.kind != SessionKind.PERIODIC))
    return line


RECEIVED = ("visits", "citizens", "delegations", "delegation_citizens", "delegation_members")


def _received(stats: Statistics, items) -> None:
    """Visits, citizens and delegations by who chaired and the session's kind, and by the matter's kind, subject
    and commune: one GROUP BY over every dimension the page shows (its groups are at most the visits: 15 a
    session), each figure then the sum of its groups."""
    delegation = Q(matter__delegation__isnull=False)
    rows = items.order_by().values("session__chair__role", "session__kind", "matter__kind", "matter__subject_area", "matter__commune_id", "matter__commune__name").annotate(
        visits=Count("id"), citizens=Coalesce(Sum("seats"), 0),
        delegations=Count("id", filter=delegation), delegation_citizens=Coalesce(Sum("seats", filter=delegation), 0),
        delegation_members=Coalesce(Sum("matter__delegation__members_count", filter=delegation), 0),
    )
    total = stats.totals
    total.sessions = stats.sessions["held"]
    kinds, subjects, places = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0]), {}
    for row in rows:
        line = _line(stats, _chair_of(row["session__chair__role"]), row["session__kind"])
        for name in RECEIVED:
            setattr(line, name, getattr(line, name) + row[name])
            setattr(total, name, getattr(total, name) + row[name])
        for bucket in (kinds[row["matter__kind"]], subjects[row["matter__subject_area"]],
                       places.setdefault(row["matter__commune_id"], [0, 0, row["matter__commune__name"]])):
            bucket[0] += row["visits"]
            bucket[1] += row["citizens"]
    stats.by_kind = _shares([Row(label, *kinds.get(value, (0, 0)), key=value) for value, label in MatterKind.choices], of="count")
    stats.by_subject = _shares([Row(label, *subjects[value], key=value) for value, label in SubjectArea.choices if value in subjects], of="count")
    ordered = sorted(places.items(), key=lambda p: (-p[1][1], p[1][2]))
    stats.by_locality = _shares([Row(name, n, c, key=str(commune_id)) for commune_id, (n, c, name) in ordered])


def _count(queryset) -> Subquery:
    """``(SELECT COUNT(id) FROM ... WHERE ...)``: a count to read in another statement's row."""
    return Subquery(queryset.order_by().values(n=Func(F("id"), function="COUNT", output_field=IntegerField())))


def _registrations(stats: Statistics, scope: Scope, period: rules.Period) -> None:
    """Two statements: one row with the registrations (by channel and kind, with conditional counts) and the
    counts of petitions, proposals and Form 01 refusals beside them; the declines grouped by reason."""
    since, until = day_start(period.start), day_start(period.end)
    matters = Matter.objects.filter(registered_at__gte=since, registered_at__lt=until).filter(_matter_filter(scope))
    petitions = Petition.objects.filter(received_at__gte=since, received_at__lt=until)
    if scope.kind == "province":
        petitions = petitions.filter(province_committee_id=scope.organisation.pk)
    elif scope.kind == "commune":
        petitions = petitions.filter(matter__commune_committee_id=scope.organisation.pk)
    in_scope = _matter_filter(scope, "matter__")
    proposals = Proposal.objects.filter(proposed_at__gte=since, proposed_at__lt=until).filter(in_scope)
    refusals = RepeatFinding.objects.filter(refusal_document__issued_at__gte=since, refusal_document__issued_at__lt=until).filter(in_scope)
    figures = {
        "matters": Count("id"), "people": Coalesce(Sum("people_count"), 0), "delegations": Count("id", filter=Q(delegation__isnull=False)),
        **{f"channel_{c}": Count("id", filter=Q(channel=c)) for c in Channel.values},
        **{f"kind_{k}": Count("id", filter=Q(kind=k)) for k in MatterKind.values},
    }
    # A constant to group by is no group at all: one row, even for a period without a registration.
    row = matters.order_by().annotate(_all=Value(1)).values("_all").annotate(
        **figures, petitions=_count(petitions), proposed=_count(proposals), refused=_count(refusals),
    ).values(*figures, "petitions", "proposed", "refused").get()
    decisions = Decision.objects.filter(decided_at__gte=since, decided_at__lt=until, outcome=Decision.Outcome.DECLINED).filter(in_scope)
    leaders = [Role.PROVINCE_CHAIRMAN, Role.PROVINCE_DEPUTY]
    reasons = list(decisions.values("reason").annotate(n=Count("id"), by_leader=Count("id", filter=Q(decided_by__role__in=leaders))).order_by("-n", "reason"))
    declined_total = sum(r["n"] for r in reasons)
    board_declined = sum(r["n"] - r["by_leader"] for r in reasons)
    stats.registrations = {
        "matters": row["matters"], "people": row["people"], "delegations": row["delegations"], "petitions": row["petitions"] or 0,
        "by_channel": {Channel(c).label: row[f"channel_{c}"] for c in Channel.values},
        "by_kind": {MatterKind(k).label: row[f"kind_{k}"] for k in MatterKind.values},
        "proposed": row["proposed"] or 0, "declined": declined_total, "declined_by_board": board_declined,
        "declined_by_chair": declined_total - board_declined, "refused_form_01": row["refused"] or 0,
    }
    shown = reasons[:MAX_REASON_ROWS]
    stats.declined = [Row(r["reason"], r["n"]) for r in shown]
    rest = sum(r["n"] for r in reasons[MAX_REASON_ROWS:])
    if rest:
        stats.declined.append(Row("Lý do khác", rest))


def _carried(stats: Statistics, scope: Scope, period: rules.Period) -> None:
    notices = ChangeNotice.objects.filter(matter__isnull=False, changes__has_key="moved_to_session")
    in_period = notices.filter(session__date__gte=period.start, session__date__lt=period.end).filter(_matter_filter(scope, "matter__"))
    times = defaultdict(int)
    carried = 0
    for row in notices.filter(matter__in=in_period.values("matter"), session__date__lt=period.end).values("matter").annotate(n=Count("id")):
        carried += 1
        times[row["n"]] += 1
    stats.carried = {"matters": carried, "times": [{"times": t, "matters": times[t]} for t in sorted(times)]}


def _readiness(stats: Statistics, scope: Scope, session_ids: list[int]) -> None:
    points = SessionPoint.objects.filter(session_id__in=session_ids, bridge_point__isnull=False)
    if scope.kind == "commune":
        points = points.filter(organisation_id=scope.organisation.pk)
    pairs = list(points.values("session_id", "session__online_starts_at", "bridge_point_id"))
    if not pairs:
        stats.readiness = {"points": 0, "tested": 0, "first_try": 0, "share": rules.format_share(0)}
        return
    windows = {(p["session_id"], p["bridge_point_id"]): (test_window_start(p["session__online_starts_at"]), p["session__online_starts_at"]) for p in pairs}
    earliest, latest = min(w[0] for w in windows.values()), max(w[1] for w in windows.values())
    tests = defaultdict(list)
    for t in ReadinessTest.objects.filter(point_id__in={p for _, p in windows}, ran_at__gte=earliest, ran_at__lt=latest).order_by("ran_at", "id").values("point_id", "ran_at", "passed"):
        tests[t["point_id"]].append(t)
    tested = first_try = 0
    for (_, point_id), (since, until) in windows.items():
        first = next((t for t in tests[point_id] if since <= t["ran_at"] < until), None)
        if first is not None:
            tested += 1
            first_try += first["passed"]
    share = Decimal(first_try * 100) / tested if tested else Decimal(0)
    stats.readiness = {"points": len(windows), "tested": tested, "first_try": first_try, "share": rules.format_share(share)}


def _rooms(stats: Statistics, scope: Scope, session_ids: list[int]) -> None:
    rooms = LiveRoom.objects.filter(session_id__in=session_ids, started_at__isnull=False, closed_at__isnull=False)
    live_s = sum((r["closed_at"] - r["started_at"]).total_seconds() for r in rooms.values("started_at", "closed_at"))
    recorded = Recording.objects.filter(room__in=rooms.values("pk"), ended_at__isnull=False).values("started_at", "ended_at")
    recorded_s = sum((r["ended_at"] - r["started_at"]).total_seconds() for r in recorded)
    stats.hours = {"live_h": round(live_s / 3600, 1), "recorded_h": round(recorded_s / 3600, 1)}
    points = RoomPoint.objects.filter(room__session_id__in=session_ids).order_by("room__session__date", "name")
    if scope.kind == "commune":
        points = points.filter(organisation_id=scope.organisation.pk)
    stats.quality = [
        {"session": f"{p['room__session__date']:%d/%m/%Y}", "point": p["name"], "reconnects": p["reconnects"],
         "rtt_ms": (p["quality"] or {}).get("rtt_ms"), "loss_pct": (p["quality"] or {}).get("loss_pct"), "bitrate_kbps": (p["quality"] or {}).get("bitrate_kbps")}
        for p in points.values("room__session__date", "name", "reconnects", "quality")[:MAX_QUALITY_ROWS]
    ]


def _outcomes(stats: Statistics, scope: Scope, period: rules.Period, session_ids: list[int]) -> None:
    """What the issued conclusion notices say of the visits (answered at once, directed to an agency) and what
    the agencies did with the tasks assigned in the period (``followup.selectors.task_counts``)."""
    noted = NoticeItem.objects.filter(agenda_item__session_id__in=session_ids, notice__state=NoticeState.ISSUED).filter(_matter_filter(scope, "matter__"))
    row = noted.aggregate(answered=Count("id", filter=Q(answered_at_once=True)), directed=Count("id", filter=Q(Exists(Directive.objects.filter(item=OuterRef("pk"))))))
    path = scope.organisation.path if scope.organisation is not None else ""
    tasks = task_counts(path, period.start, period.last_day)
    stats.outcomes = {"answered_at_once": row["answered"], "directed": row["directed"], "tasks_done": tasks["done"], "tasks_overdue": tasks["overdue"], "tasks_open": tasks["open"]}


def province_scope(organisation: Organisation) -> Scope:
    return Scope("province", organisation, organisation.name)


def commune_scope(organisation: Organisation) -> Scope:
    return Scope("commune", organisation, organisation.name)


COUNTRY = Scope("country", None, "Toàn quốc")
