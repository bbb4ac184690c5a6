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
- **hours**: hours the session rooms were live (start to close), and hours recorded (each recording whose
  taking has ended, from its start to its end), to one decimal rounded half up (``rules.hours``).
- **outcomes**: of the visits, those the issued conclusion notice says were answered at once, and those it
  directed to an agency (at least one directive); of the tasks assigned in the period (in the scope's province,
  or given to agencies under the scope), those done, overdue and still open (``followup.selectors.task_counts``).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.utils import timezone

from tiepdan.bridges.rules import test_window_start
from tiepdan.core import sql
from tiepdan.core.roles import Role
from tiepdan.followup.selectors import task_counts
from tiepdan.intake.models import Channel, MatterKind, SubjectArea
from tiepdan.organisations.models import Organisation
from tiepdan.outcomes.models import NoticeState
from tiepdan.scheduling.models import SessionKind, SessionStatus
from tiepdan.triage.models import Decision

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


def _shares(rows: list[Row], *, of: str = "citizens") -> list[Row]:
    """Each row's share of the total ``of`` (citizens for localities, as the plans print them; visits for kinds)."""
    for row, share in zip(rows, rules.largest_remainder_shares([getattr(r, of) for r in rows])):
        row.share = rules.format_share(share)
    return rows


# --- The statements ------------------------------------------------------------------------------------------
# Written as SQL, not built with the ORM: the page runs about ten of them each time it is opened, and building
# and compiling them as querysets cost half as long again as the database took to answer them (docs/REPORTS.md,
# «Measured»). ``core.sql`` holds what PostgreSQL and SQLite (3.30 and later, for FILTER) need said differently.
# Every figure is checked by tests/reports on both databases.
def _in_scope(scope: Scope, alias: str) -> tuple[str, list]:
    """`` AND <alias>.<committee> = %s`` for a province or a commune (the indexed columns every matter and
    session carries), nothing for the country."""
    if scope.kind == "province":
        return f" AND {alias}.province_committee_id = %s", [scope.organisation.pk]
    if scope.kind == "commune":
        return f" AND {alias}.commune_committee_id = %s", [scope.organisation.pk]
    return "", []


def _own_points(scope: Scope, alias: str) -> tuple[str, list]:
    """`` AND <alias>.organisation_id = %s``: a commune sees the readiness and the link of its own points only."""
    if scope.kind == "commune":
        return f" AND {alias}.organisation_id = %s", [scope.organisation.pk]
    return "", []


def compute(scope: Scope, period: rules.Period) -> Statistics:
    """Every figure of ``scope`` over ``period`` (the module docstring defines each)."""
    stats = Statistics(
        period={"kind": period.kind, "start": period.start.isoformat(), "last_day": period.last_day.isoformat(), "label": period.label},
        scope={"kind": scope.kind, "organisation": scope.key, "label": scope.label},
    )
    # The sessions of a period are few (one or two a month per province): read once, their ids keep every
    # later statement a plain ``IN`` list the planner reads from the indexes, not a nested subquery per statement.
    session_ids = _sessions(stats, scope, period)
    _received(stats, scope, session_ids)
    _registrations(stats, scope, period)
    _carried(stats, scope, period)
    _readiness(stats, scope, session_ids)
    _rooms(stats, scope, session_ids)
    _outcomes(stats, scope, period, session_ids)
    return stats


def _sessions(stats: Statistics, scope: Scope, period: rules.Period) -> list[int]:
    """The period's held sessions counted (and its cancelled ones, for a province or the country) from one
    statement; returns the held sessions' ids. A commune's sessions are those that received at least one of its
    citizens; it cancels none of its own, so its cancelled line stays 0."""
    counts = {"held": 0, "periodic": 0, "ad_hoc": 0, "online": 0, "in_person": 0, "chairman": 0, "deputy": 0, "other": 0, "cancelled": 0}
    statement = ("SELECT s.id, s.status, s.kind, s.in_person_only, u.role FROM scheduling_receptionsession s"
                 " LEFT JOIN organisations_user u ON u.id = s.chair_id WHERE s.date >= %s AND s.date < %s")
    params = [sql.on(period.start), sql.on(period.end)]
    if scope.kind == "commune":
        statement += (" AND s.status = %s AND EXISTS (SELECT 1 FROM scheduling_agendaitem a JOIN intake_matter m ON m.id = a.matter_id"
                      " WHERE a.session_id = s.id AND m.commune_committee_id = %s)")
        params += [SessionStatus.CLOSED, scope.organisation.pk]
    else:
        where, more = _in_scope(scope, "s")
        statement += " AND s.status IN (%s, %s)" + where
        params += [SessionStatus.CLOSED, SessionStatus.CANCELLED, *more]
    held = []
    for pk, status, kind, in_person_only, role in sql.rows(statement, params):
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


def _received(stats: Statistics, scope: Scope, session_ids: list[int]) -> None:
    """Visits, citizens and delegations by who chaired and the session's kind, and by the matter's kind, subject
    and commune: one GROUP BY over every dimension the page shows (its groups are at most the visits: 15 a
    session), each figure then the sum of its groups. The agenda items left on a held session are its visits."""
    rows = []
    if session_ids:
        where, more = _in_scope(scope, "m")
        rows = sql.rows(
            "SELECT u.role, s.kind, m.kind, m.subject_area, m.commune_id, c.name, COUNT(a.id), COALESCE(SUM(a.seats), 0),"
            " COUNT(a.id) FILTER (WHERE m.delegation_id IS NOT NULL), COALESCE(SUM(a.seats) FILTER (WHERE m.delegation_id IS NOT NULL), 0),"
            " COALESCE(SUM(d.members_count), 0)"
            " FROM scheduling_agendaitem a JOIN scheduling_receptionsession s ON s.id = a.session_id"
            " LEFT JOIN organisations_user u ON u.id = s.chair_id JOIN intake_matter m ON m.id = a.matter_id"
            " LEFT JOIN intake_delegation d ON d.id = m.delegation_id LEFT JOIN organisations_administrativeunit c ON c.id = m.commune_id"
            f" WHERE a.session_id IN ({sql.marks(session_ids)}){where}"
            " GROUP BY u.role, s.kind, m.kind, m.subject_area, m.commune_id, c.name",
            [*session_ids, *more],
        )
    total = stats.totals
    total.sessions = stats.sessions["held"]
    kinds, subjects, places = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0]), {}
    for role, session_kind, kind, subject, commune_id, commune_name, *figures in rows:
        line = _line(stats, _chair_of(role), session_kind)
        for name, value in zip(RECEIVED, figures):
            setattr(line, name, getattr(line, name) + value)
            setattr(total, name, getattr(total, name) + value)
        visits, citizens = figures[0], figures[1]
        for bucket in (kinds[kind], subjects[subject], places.setdefault(commune_id, [0, 0, commune_name])):
            bucket[0] += visits
            bucket[1] += citizens
    stats.by_kind = _shares([Row(label, *kinds.get(value, (0, 0)), key=value) for value, label in MatterKind.choices], of="count")
    stats.by_subject = _shares([Row(label, *subjects[value], key=value) for value, label in SubjectArea.choices if value in subjects], of="count")
    ordered = sorted(places.items(), key=lambda p: (-p[1][1], p[1][2]))
    stats.by_locality = _shares([Row(name, n, c, key=str(commune_id)) for commune_id, (n, c, name) in ordered])


def _registrations(stats: Statistics, scope: Scope, period: rules.Period) -> None:
    """Two statements: one row with the registrations (by channel and kind, with conditional counts) and the
    counts of petitions, proposals and Form 01 refusals beside them; the declines grouped by reason."""
    since, until = sql.at(day_start(period.start)), sql.at(day_start(period.end))
    channels, kinds = list(Channel.values), list(MatterKind.values)
    matters_where, matters_scope = _in_scope(scope, "m")
    inner_where, inner_scope = _in_scope(scope, "x")
    if scope.kind == "commune":  # a petition carries its province, not its commune: the commune is its matter's
        petitions = ("(SELECT COUNT(p.id) FROM intake_petition p JOIN intake_matter x ON x.id = p.matter_id"
                     f" WHERE p.received_at >= %s AND p.received_at < %s{inner_where})")
        petitions_scope = inner_scope
    else:
        petitions_where, petitions_scope = _in_scope(scope, "p")
        petitions = f"(SELECT COUNT(p.id) FROM intake_petition p WHERE p.received_at >= %s AND p.received_at < %s{petitions_where})"
    statement = (
        "SELECT COUNT(m.id), COALESCE(SUM(m.people_count), 0), COUNT(m.id) FILTER (WHERE m.delegation_id IS NOT NULL), "
        + "".join("COUNT(m.id) FILTER (WHERE m.channel = %s), " for _ in channels)
        + "".join("COUNT(m.id) FILTER (WHERE m.kind = %s), " for _ in kinds)
        + petitions + ", "
        "(SELECT COUNT(r.id) FROM triage_proposal r JOIN intake_matter x ON x.id = r.matter_id"
        f" WHERE r.proposed_at >= %s AND r.proposed_at < %s{inner_where}), "
        "(SELECT COUNT(f.id) FROM triage_repeatfinding f JOIN documents_issueddocument t ON t.id = f.refusal_document_id"
        f" JOIN intake_matter x ON x.id = f.matter_id WHERE t.issued_at >= %s AND t.issued_at < %s{inner_where})"
        f" FROM intake_matter m WHERE m.registered_at >= %s AND m.registered_at < %s{matters_where}"
    )
    params = [*channels, *kinds, since, until, *petitions_scope, since, until, *inner_scope, since, until, *inner_scope, since, until, *matters_scope]
    matters, people, delegations, *rest = sql.rows(statement, params)[0]
    by_channel, rest = rest[:len(channels)], rest[len(channels):]
    by_kind, (petition_count, proposed, refused) = rest[:len(kinds)], rest[len(kinds):]
    leaders = [Role.PROVINCE_CHAIRMAN, Role.PROVINCE_DEPUTY]
    reasons = sql.rows(
        "SELECT d.reason, COUNT(d.id) AS n, COUNT(d.id) FILTER (WHERE u.role IN (%s, %s)) FROM triage_decision d"
        " JOIN intake_matter x ON x.id = d.matter_id LEFT JOIN organisations_user u ON u.id = d.decided_by_id"
        f" WHERE d.decided_at >= %s AND d.decided_at < %s AND d.outcome = %s{inner_where}"
        " GROUP BY d.reason ORDER BY n DESC, d.reason",
        [*leaders, since, until, Decision.Outcome.DECLINED, *inner_scope],
    )
    declined_total = sum(n for _, n, _ in reasons)
    board_declined = sum(n - by_leader for _, n, by_leader in reasons)
    stats.registrations = {
        "matters": matters, "people": people, "delegations": delegations, "petitions": petition_count,
        "by_channel": {Channel(c).label: n for c, n in zip(channels, by_channel)},
        "by_kind": {MatterKind(k).label: n for k, n in zip(kinds, by_kind)},
        "proposed": proposed, "declined": declined_total, "declined_by_board": board_declined,
        "declined_by_chair": declined_total - board_declined, "refused_form_01": refused,
    }
    stats.declined = [Row(reason, n) for reason, n, _ in reasons[:MAX_REASON_ROWS]]
    rest = sum(n for _, n, _ in reasons[MAX_REASON_ROWS:])
    if rest:
        stats.declined.append(Row("Lý do khác", rest))


def _carried(stats: Statistics, scope: Scope, period: rules.Period) -> None:
    """The matters carried out of a session of the period, each with the times it has been carried up to the
    period's end (a carry is a change notice to the matter that names the session it moved to)."""
    outer_key, outer_key_params = sql.has_key("n.changes", "moved_to_session")
    inner_key, inner_key_params = sql.has_key("k.changes", "moved_to_session")
    where, more = _in_scope(scope, "x")
    rows = sql.rows(
        "SELECT n.matter_id, COUNT(n.id) FROM scheduling_changenotice n JOIN scheduling_receptionsession s ON s.id = n.session_id"
        f" WHERE n.matter_id IS NOT NULL AND {outer_key} AND s.date < %s AND n.matter_id IN ("
        " SELECT k.matter_id FROM scheduling_changenotice k JOIN scheduling_receptionsession ks ON ks.id = k.session_id"
        f" JOIN intake_matter x ON x.id = k.matter_id WHERE {inner_key} AND ks.date >= %s AND ks.date < %s{where})"
        " GROUP BY n.matter_id",
        [*outer_key_params, sql.on(period.end), *inner_key_params, sql.on(period.start), sql.on(period.end), *more],
    )
    times = defaultdict(int)
    for _, n in rows:
        times[n] += 1
    stats.carried = {"matters": len(rows), "times": [{"times": t, "matters": times[t]} for t in sorted(times)]}


def _readiness(stats: Statistics, scope: Scope, session_ids: list[int]) -> None:
    pairs = []
    if session_ids:
        own, more = _own_points(scope, "p")
        rows = sql.rows("SELECT p.session_id, s.online_starts_at, p.bridge_point_id FROM scheduling_sessionpoint p"
                     " JOIN scheduling_receptionsession s ON s.id = p.session_id"
                     f" WHERE p.session_id IN ({sql.marks(session_ids)}) AND p.bridge_point_id IS NOT NULL{own}", [*session_ids, *more])
        pairs = [(session_id, sql.moment(starts), point_id) for session_id, starts, point_id in rows]
    if not pairs:
        stats.readiness = {"points": 0, "tested": 0, "first_try": 0, "share": rules.format_share(0)}
        return
    windows = {(session_id, point_id): (test_window_start(starts), starts) for session_id, starts, point_id in pairs}
    earliest, latest = min(w[0] for w in windows.values()), max(w[1] for w in windows.values())
    points = sorted({p for _, p in windows})
    tests = defaultdict(list)
    for point_id, ran_at, passed in sql.rows(
        f"SELECT point_id, ran_at, passed FROM bridges_readinesstest WHERE point_id IN ({sql.marks(points)}) AND ran_at >= %s AND ran_at < %s ORDER BY ran_at, id",
        [*points, sql.at(earliest), sql.at(latest)],
    ):
        tests[point_id].append((sql.moment(ran_at), bool(passed)))
    tested = first_try = 0
    for (_, point_id), (since, until) in windows.items():
        first = next((passed for ran_at, passed in tests[point_id] if since <= ran_at < until), None)
        if first is not None:
            tested += 1
            first_try += first
    share = Decimal(first_try * 100) / tested if tested else Decimal(0)
    stats.readiness = {"points": len(windows), "tested": tested, "first_try": first_try, "share": rules.format_share(share)}


def _rooms(stats: Statistics, scope: Scope, session_ids: list[int]) -> None:
    """Hours live (each room's start to close) and recorded (each recording that has ended, its start to its end)
    from one statement; each point's last measured link from another."""
    if not session_ids:
        stats.hours, stats.quality = {"live_h": rules.hours(0), "recorded_h": rules.hours(0)}, []
        return
    marks = sql.marks(session_ids)
    rooms = f"r.session_id IN ({marks}) AND r.started_at IS NOT NULL AND r.closed_at IS NOT NULL"
    live_s, recorded_s = sql.rows(
        f"SELECT (SELECT SUM({sql.seconds_between('r.started_at', 'r.closed_at')}) FROM live_liveroom r WHERE {rooms}),"
        f" (SELECT SUM({sql.seconds_between('c.started_at', 'c.ended_at')}) FROM recordings_recording c JOIN live_liveroom r ON r.id = c.room_id"
        f" WHERE {rooms} AND c.ended_at IS NOT NULL)",
        [*session_ids, *session_ids],
    )[0]
    stats.hours = {"live_h": rules.hours(live_s or 0), "recorded_h": rules.hours(recorded_s or 0)}
    own, more = _own_points(scope, "p")
    stats.quality = []
    for day, name, reconnects, quality in sql.rows(
        "SELECT s.date, p.name, p.reconnects, p.quality FROM live_roompoint p JOIN live_liveroom r ON r.id = p.room_id"
        f" JOIN scheduling_receptionsession s ON s.id = r.session_id WHERE r.session_id IN ({marks}){own}"
        f" ORDER BY s.date, p.name LIMIT {MAX_QUALITY_ROWS}", [*session_ids, *more],
    ):
        quality = sql.json_value(quality)
        stats.quality.append({"session": f"{day:%d/%m/%Y}", "point": name, "reconnects": reconnects,
                              "rtt_ms": quality.get("rtt_ms"), "loss_pct": quality.get("loss_pct"), "bitrate_kbps": quality.get("bitrate_kbps")})


def _outcomes(stats: Statistics, scope: Scope, period: rules.Period, session_ids: list[int]) -> None:
    """What the issued conclusion notices say of the visits (answered at once, directed to an agency) and what
    the agencies did with the tasks assigned in the period (``followup.selectors.task_counts``)."""
    answered = directed = 0
    if session_ids:
        where, more = _in_scope(scope, "x")
        answered, directed = sql.rows(
            "SELECT COUNT(i.id) FILTER (WHERE i.answered_at_once),"
            " COUNT(i.id) FILTER (WHERE EXISTS (SELECT 1 FROM outcomes_directive d WHERE d.item_id = i.id))"
            " FROM outcomes_noticeitem i JOIN scheduling_agendaitem a ON a.id = i.agenda_item_id"
            " JOIN outcomes_conclusionnotice n ON n.id = i.notice_id JOIN intake_matter x ON x.id = i.matter_id"
            f" WHERE a.session_id IN ({sql.marks(session_ids)}) AND n.state = %s{where}",
            [*session_ids, NoticeState.ISSUED, *more],
        )[0]
    path = scope.organisation.path if scope.organisation is not None else ""
    tasks = task_counts(path, period.start, period.last_day)
    stats.outcomes = {"answered_at_once": answered, "directed": directed, "tasks_done": tasks["done"], "tasks_overdue": tasks["overdue"], "tasks_open": tasks["open"]}


def province_scope(organisation: Organisation) -> Scope:
    return Scope("province", organisation, organisation.name)


def commune_scope(organisation: Organisation) -> Scope:
    return Scope("commune", organisation, organisation.name)


COUNTRY = Scope("country", None, "Toàn quốc")
