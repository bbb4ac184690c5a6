"""The verbs of the reception calendar: each one transaction, each one audited.

The session's status machine is the table ``TRANSITIONS``, applied by ``core.statemachine``
(``SESSION.apply``, through ``transition``, ``begin_reception`` and ``end_reception``): nothing
else changes ``ReceptionSession.status``.
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tiepdan.bridges.selectors import central_point_for
from tiepdan.core import audit, policy
from tiepdan.core.roles import Role
from tiepdan.core.statemachine import Change, Machine, Move
from tiepdan.documents import forms as doc_forms
from tiepdan.documents.models import DocumentKind
from tiepdan.documents.services import issue_document
from tiepdan.notifications import selectors as notices
from tiepdan.notifications.services import notify
from tiepdan.organisations.models import Organisation, User
from tiepdan.organisations.selectors import authorisation_in_force

from . import official, rules
from .models import (
    CalendarFeed,
    ChangeNotice,
    Participant,
    ParticipantKind,
    PointRole,
    ReceptionSession,
    ReceptionSettings,
    SessionKind,
    SessionPoint,
    SessionStatus,
    _new_token,
)
from .readiness import board_for
from .selectors import settings_for

S = SessionStatus

# The session's life: (from, to) → the policy action(s) that take it. A session is never reopened: a new one is created instead.
CANCEL = Move("scheduling.cancel", needs_reason=True)
NOT_READY = ("Phiên chưa được Ban Tiếp công dân đánh dấu «Sẵn sàng»: người chủ trì vẫn có thể bắt đầu tiếp, "
             "nhưng cần nêu lý do (ví dụ: điểm cầu kiểm tra muộn, tiếp đột xuất theo Luật Tiếp công dân 2013, Điều 18 khoản 3).")
TRANSITIONS: dict[tuple[str, str], Move] = {
    (S.PLANNED, S.INVITATIONS_SENT): Move("scheduling.plan"),
    (S.INVITATIONS_SENT, S.READY): Move("scheduling.plan"),
    (S.READY, S.LIVE): Move("live.open"),
    # The chair's call (Nghị định 154/2026, Điều 24): a session not marked ready may still be held, saying why.
    (S.PLANNED, S.LIVE): Move("live.open", reason_hint=NOT_READY),
    (S.INVITATIONS_SENT, S.LIVE): Move("live.open", reason_hint=NOT_READY),
    (S.LIVE, S.CLOSED): Move("live.open", "scheduling.plan"),
    (S.PLANNED, S.CANCELLED): CANCEL,
    (S.INVITATIONS_SENT, S.CANCELLED): CANCEL,
    (S.READY, S.CANCELLED): CANCEL,
}


# --- Settings (read with selectors.settings_for) ---------------------------------------------
@transaction.atomic
def update_settings(*, by: User, province_committee: Organisation, **fields) -> ReceptionSettings:
    obj = settings_for(province_committee)
    policy.require(by, "scheduling.configure", obj)
    before = {k: str(getattr(obj, k)) for k in fields}
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    audit.record(actor=by, action="scheduling.configure", obj=obj, changes={k: [before[k], str(v)] for k, v in fields.items() if before[k] != str(v)})
    return obj


# --- Creating sessions ---------------------------------------------------------------------
def _province_chairman(province_committee: Organisation) -> User | None:
    return User.objects.filter(organisation=province_committee, role=Role.PROVINCE_CHAIRMAN, is_active=True).order_by("pk").first()


def _central_bridge_point(province_committee: Organisation):
    """The province's configured central point, else the one its bridge-point registry marks central."""
    conf = settings_for(province_committee)
    return conf.central_point or central_point_for(province_committee)


def _open_central_point(session: ReceptionSession) -> SessionPoint:
    point, created = SessionPoint.objects.get_or_create(session=session, role=PointRole.CENTRAL, defaults={"organisation": session.province_committee})
    if created:
        bridge = session.central_point or _central_bridge_point(session.province_committee)
        if bridge is not None:
            point.bridge_point = bridge
            point.save(update_fields=["bridge_point"])
            if session.central_point_id is None:
                session.central_point = bridge
                session.save(update_fields=["central_point"])
    return point


def _months_from(start: dt.date, count: int) -> list[dt.date]:
    months, year, month = [], start.year, start.month
    for _ in range(count):
        months.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


@transaction.atomic
def generate_periodic_sessions(*, by: User | None, province_committee: Organisation, today: dt.date | None = None, months: int | None = None) -> list[ReceptionSession]:
    """Create the periodic sessions of the next ``months`` reception days that do not exist yet (idempotent).

    Law 2013 Art. 12(5): at least one day a month. ``by`` None is the periodic job.
    A month whose reception day has already passed is skipped (its session, if any, exists already).
    """
    conf = settings_for(province_committee)
    if by is not None:
        policy.require(by, "scheduling.plan", conf)
    today = today or timezone.localdate()
    created = []
    existing = set(
        ReceptionSession.objects.filter(province_committee=province_committee, kind=SessionKind.PERIODIC).exclude(status=S.CANCELLED).values_list("period_month", flat=True)
    )
    cal = rules.working_calendar(range(today.year, today.year + 3))
    chairman = _province_chairman(province_committee)
    wanted = months or conf.months_ahead
    covered = 0
    # One month more than wanted: when this month's day has passed, the window reaches one month further.
    for month in _months_from(today, wanted + 1):
        if covered == wanted:
            break
        day = rules.periodic_reception_day(month.year, month.month, conf.day_of_month, cal)
        if day < today:
            continue
        covered += 1
        if month in existing:
            continue
        starts, ends = rules.online_window(day, conf.online_starts, conf.online_ends)
        session = ReceptionSession(
            province_committee=province_committee, kind=SessionKind.PERIODIC, date=day, period_month=month,
            online_starts_at=starts, online_ends_at=ends, location=conf.location, capacity_seats=conf.capacity_seats,
            chair=chairman, created_by=by,
        )
        session.full_clean()
        session.save()
        central = _open_central_point(session)
        if chairman:
            Participant.objects.create(point=central, kind=ParticipantKind.CHAIR, user=chairman)
        audit.record(actor=by, action="scheduling.generate", obj=session, changes={"date": str(day), "period_month": f"{month:%m/%Y}"})
        created.append(session)
    return created


@transaction.atomic
def create_ad_hoc_session(*, by: User, province_committee: Organisation, date: dt.date, starts: dt.time, ends: dt.time, reason: str, note: str, location: str = "", capacity_seats: int | None = None) -> ReceptionSession:
    """Luật Tiếp công dân 2013, Điều 18(3): an ad hoc reception, with its legal ground and the facts that justify it."""
    conf = settings_for(province_committee)
    policy.require(by, "scheduling.create_ad_hoc", conf)
    if not note.strip():
        raise ValidationError({"ad_hoc_note": "Cần nêu rõ vì sao phải tiếp đột xuất (vụ việc nào, tình tiết gì)."})
    if date < timezone.localdate():
        raise ValidationError({"date": "Ngày tiếp đã qua; hãy chọn từ hôm nay trở đi."})
    try:
        starts_at, ends_at = rules.online_window(date, starts, ends)
    except ValueError as exc:
        raise ValidationError({"online_ends_at": str(exc)}) from exc
    session = ReceptionSession(
        province_committee=province_committee, kind=SessionKind.AD_HOC, ad_hoc_reason=reason, ad_hoc_note=note.strip(), date=date,
        online_starts_at=starts_at, online_ends_at=ends_at, location=location or conf.location,
        capacity_seats=capacity_seats or conf.capacity_seats, chair=_province_chairman(province_committee), created_by=by,
    )
    session.full_clean()
    session.save()
    central = _open_central_point(session)
    if session.chair_id:
        Participant.objects.create(point=central, kind=ParticipantKind.CHAIR, user=session.chair)
    audit.record(actor=by, action="scheduling.create_ad_hoc", obj=session, reason=note, changes={"ad_hoc_reason": reason, "date": str(date)})
    return session


# --- Status machine -------------------------------------------------------------------------
def _locked(session: ReceptionSession) -> ReceptionSession:
    return ReceptionSession.objects.select_for_update().select_related("province_committee").get(pk=session.pk)


def _require_points_ready(session: ReceptionSession) -> None:
    """Nghị định 154/2026, Điều 23(2): every point taking part has passed a test connection before the session is ready."""
    missing = [row.point.name for row in board_for(session).rows if not row.passed]
    if missing:
        raise ValidationError(f"Chưa thể chuyển sang «Sẵn sàng»: điểm cầu chưa kiểm tra kết nối đạt: {', '.join(missing)}. Hãy đề nghị cán bộ kỹ thuật các điểm này chạy kiểm tra.")


def _session_moved(change: Change) -> list[str]:
    """What goes with a new status: the readiness guard, the cancel reason, whether a session began ready."""
    session = change.obj
    if change.to_state == S.READY and not session.in_person_only:
        _require_points_ready(session)
    if change.to_state == S.LIVE:
        change.changes["was_ready"] = change.from_state == S.READY
    fields = []
    if change.to_state == S.CANCELLED:
        session.cancel_reason = change.reason
        fields.append("cancel_reason")
    session.full_clean()
    return fields


SESSION = Machine(
    model=ReceptionSession, field="status", moves=TRANSITIONS, noun="phiên", audit_action="scheduling.status.{to}",
    final={S.CLOSED, S.CANCELLED}, why_not={(S.PLANNED, S.READY): "cần gửi giấy mời trước."},
    prepare=_session_moved, lock_related=("province_committee",),
)


def next_statuses(session: ReceptionSession) -> list[str]:
    """What the session page offers the Board: the plain moves (cancelling and the chair's override have their own forms)."""
    return [to for to in SESSION.targets(session.status) if not SESSION.moves[(session.status, to)].needs_reason]


def transition(*, by: User, session: ReceptionSession, to: str, reason: str = "") -> ReceptionSession:
    """The one place a session's status changes: the table, the policy, the lock, the audit (``SESSION``)."""
    return SESSION.apply(session, to, by=by, reason=reason)


@transaction.atomic
def begin_reception(*, by: User, session: ReceptionSession, reason: str = "") -> ReceptionSession:
    """The chair opens the online reception: the session is under way (Nghị định 154/2026, Điều 24).

    Normally from «Sẵn sàng». A session the Board has not marked ready (a point tested
    late, an urgent ad hoc session under Law 2013 Art. 18(3)) may still be held, because
    whether to proceed is the chair's call: that is a row of the table that needs the chair's reason.
    """
    policy.require(by, "live.open", session)
    if _locked(session).status == S.LIVE:  # a second room, or the same start sent twice
        session.status = S.LIVE
        return session
    return SESSION.apply(session, S.LIVE, by=by, reason=reason)


@transaction.atomic
def end_reception(*, by: User, session: ReceptionSession) -> ReceptionSession:
    """The chair closes the online reception: the session is held (Đã kết thúc) and cannot be reopened."""
    locked = _locked(session)
    if locked.status != S.LIVE:
        return locked  # closed before it began: the session stays open for another room
    return SESSION.apply(session, S.CLOSED, by=by)


@transaction.atomic
def cancel_session(*, by: User, session: ReceptionSession, reason: str) -> ReceptionSession:
    """Cancel and tell everyone who was invited (a change notice)."""
    original = official.session_info(session)
    session = transition(by=by, session=session, to=S.CANCELLED, reason=reason)
    _notify_change(by=by, session=session, summary=f"Hủy {session}", reason=reason, changes={"status": ["", S.CANCELLED]}, original=original)
    return session


# --- Chair and minute-taker --------------------------------------------------------------------
@transaction.atomic
def assign_chair(*, by: User, session: ReceptionSession, chair: User) -> ReceptionSession:
    """Who actually chairs: the Chairman, or a deputy with the Chairman's authorisation in force on the session's day (plan 002 §II.3)."""
    policy.require(by, "scheduling.assign_chair", session)
    if not session.is_open:
        raise ValidationError("Phiên đã kết thúc hoặc đã hủy; không thể đổi người chủ trì.")
    if chair.organisation_id != session.province_committee_id or chair.role not in (Role.PROVINCE_CHAIRMAN, Role.PROVINCE_DEPUTY):
        raise ValidationError({"chair": "Người chủ trì phải là Chủ tịch hoặc Phó Chủ tịch UBND tỉnh được ủy quyền."})
    if chair.role == Role.PROVINCE_DEPUTY and authorisation_in_force(chair, session.date) is None:
        raise ValidationError({"chair": f"{chair} chưa được Chủ tịch ủy quyền chủ trì vào ngày {session.date:%d/%m/%Y}. Hãy ghi nhận ủy quyền trước, hoặc chọn Chủ tịch."})
    before = session.chair_id
    session.chair = chair
    session.save(update_fields=["chair"])
    central = _open_central_point(session)
    central.participants.filter(kind=ParticipantKind.CHAIR).delete()
    Participant.objects.create(point=central, kind=ParticipantKind.CHAIR, user=chair)
    audit.record(actor=by, action="scheduling.assign_chair", obj=session, changes={"chair": [before, chair.pk]})
    return session


@transaction.atomic
def assign_minute_taker(*, by: User, session: ReceptionSession, minute_taker: User) -> ReceptionSession:
    """Nghị định 154/2026, Điều 26: the Board names the person who takes the minutes, truthfully and completely."""
    policy.require(by, "scheduling.plan", session)
    if not session.is_open:
        raise ValidationError("Phiên đã kết thúc hoặc đã hủy; không thể đổi người ghi biên bản.")
    if minute_taker.role != Role.BOARD_OFFICER or minute_taker.organisation.parent_id != session.province_committee_id or not minute_taker.is_active:
        raise ValidationError({"minute_taker": "Người ghi biên bản phải là cán bộ Ban Tiếp công dân của tỉnh."})
    before = session.minute_taker_id
    session.minute_taker = minute_taker
    session.save(update_fields=["minute_taker"])
    central = _open_central_point(session)
    central.participants.filter(kind=ParticipantKind.MINUTE_TAKER).delete()
    Participant.objects.create(point=central, kind=ParticipantKind.MINUTE_TAKER, user=minute_taker)
    audit.record(actor=by, action="scheduling.assign_minute_taker", obj=session, changes={"minute_taker": [before, minute_taker.pk]})
    return session


# --- Points and participants (Đồng Tháp plan §II.3; Decree 154/2026 Art. 22) ---------------------------
@transaction.atomic
def invite_organisation(*, by: User | None, session: ReceptionSession, organisation: Organisation, role: str = PointRole.COMPONENT) -> SessionPoint:
    """Invite an agency, a commune or the Central Board to take part from its own point (idempotent).

    The people who sit there: the agency's leader, the commune's chairman, the Central Board's officers.
    """
    if by is not None:
        policy.require(by, "scheduling.plan", session)
    if role == PointRole.CENTRAL:
        raise ValidationError("Điểm cầu trung tâm do UBND tỉnh chủ trì; hãy mời cơ quan này ở điểm cầu thành phần.")
    if organisation.kind != Organisation.Kind.CENTRAL_BOARD and not organisation.path.startswith(session.province_committee.path):
        raise ValidationError("Chỉ mời được cơ quan, đơn vị thuộc tỉnh hoặc Ban Tiếp công dân Trung ương.")
    point, created = SessionPoint.objects.get_or_create(session=session, organisation=organisation, defaults={"role": role})
    if created:
        kind = {
            Organisation.Kind.COMMUNE_COMMITTEE: ParticipantKind.COMMUNE_CHAIRMAN,
            Organisation.Kind.CENTRAL_BOARD: ParticipantKind.CENTRAL_BOARD,
        }.get(organisation.kind, ParticipantKind.AGENCY_LEADER)
        leader_role = {ParticipantKind.COMMUNE_CHAIRMAN: Role.COMMUNE_CHAIRMAN, ParticipantKind.CENTRAL_BOARD: Role.CENTRAL_OBSERVER}.get(kind, Role.DEPARTMENT_OFFICER)
        leader = User.objects.filter(organisation=organisation, role=leader_role, is_active=True).order_by("pk").first()
        if leader is not None:
            Participant.objects.create(point=point, kind=kind, user=leader, email=leader.email)
        else:
            Participant.objects.create(point=point, kind=kind, name=f"Lãnh đạo {organisation}", email=organisation.email)
        audit.record(actor=by, action="scheduling.invite", obj=session, changes={"organisation": organisation.pk, "role": role})
    return point


def seat_citizen(*, session: ReceptionSession, organisation: Organisation | None, name: str, email: str = "") -> Participant:
    """Decree 154/2026 Art. 22: the citizen sits at the central point or at a component point (their commune's hall)."""
    point = _open_central_point(session) if organisation is None else SessionPoint.objects.get(session=session, organisation=organisation)
    return Participant.objects.create(point=point, kind=ParticipantKind.CITIZEN, name=name, email=email)


# --- Changes: time, place ------------------------------------------------------------------------
def recipients_of(session: ReceptionSession) -> list[dict]:
    """Everyone affected by a change: every participant at every point, with the e-mail we know."""
    people = []
    for p in Participant.objects.filter(point__session=session).select_related("user", "point__organisation"):
        email = p.user.email if p.user_id else p.email
        people.append({"name": p.display_name, "kind": p.kind, "organisation": str(p.point.organisation), "email": email or ""})
    return people


def _notify_change(*, by: User | None, session: ReceptionSession, summary: str, reason: str, changes: dict, original=None, new=None) -> ChangeNotice:
    """Record the change notice, issue it as an official document (when the actor may issue), tell everyone affected
    (notifications.notify: in the app for officials, by e-mail where there is an address, after commit)."""
    people = recipients_of(session)
    notice = ChangeNotice.objects.create(session=session, by=by, summary=summary[:500], reason=reason, changes=changes, recipients=people)
    if original is not None and by is not None and policy.can(by, "documents.issue", session.province_committee):
        doc = doc_forms.change_notice(issuer=official.issuer(session), on=timezone.localdate(), original=original, reason=reason, new=new,
                                      recipients=sorted({p["organisation"] or p["name"] for p in people}) + ["Lưu: VT"])
        notice.document = issue_document(by=by, kind=DocumentKind.CHANGE_NOTICE, doc=doc, about=session, organisation=session.province_committee)
        notice.save(update_fields=["document"])
    audit.record(actor=by, action="scheduling.change_notice", obj=session, reason=reason, changes={**changes, "recipients": len(people)})
    body = f"{summary}\n\nLý do: {reason}\n\nBan Tiếp công dân tỉnh trân trọng thông báo."
    told = [p.user if p.user_id else p.email for p in Participant.objects.filter(point__session=session).select_related("user")]
    rows = notify(recipients=told, subject=f"[Tiếp công dân] {summary}", body=body, link=reverse("scheduling_session", args=[session.pk]), about=session, by=by)
    # Registered after notify's own on_commit, so it runs after the e-mails went (Django runs them in order).
    transaction.on_commit(lambda: ChangeNotice.objects.filter(pk=notice.pk).update(emails_sent=notices.emailed_count(rows)))
    return notice


@transaction.atomic
def change_time_or_place(*, by: User, session: ReceptionSession, date: dt.date, starts: dt.time, ends: dt.time, location: str, reason: str) -> tuple[ReceptionSession, ChangeNotice]:
    """Move a session: everyone affected is told (a change notice, e-mailed) and the change is audited."""
    policy.require(by, "scheduling.plan", session)
    session = _locked(session)
    if session.status not in (S.PLANNED, S.INVITATIONS_SENT, S.READY):
        raise ValidationError(f"Phiên đang ở trạng thái «{session.get_status_display()}»; không thể đổi thời gian, địa điểm.")
    if not reason.strip():
        raise ValidationError({"reason": "Cần nêu lý do thay đổi thời gian, địa điểm để thông báo cho người được mời."})
    try:
        starts_at, ends_at = rules.online_window(date, starts, ends)
    except ValueError as exc:
        raise ValidationError({"online_ends_at": str(exc)}) from exc
    if date < timezone.localdate():
        raise ValidationError({"date": "Ngày mới đã qua; hãy chọn từ hôm nay trở đi."})
    original = official.session_info(session)
    before = {"date": session.date, "starts": session.online_starts_at, "ends": session.online_ends_at, "location": session.location}
    session.date, session.online_starts_at, session.online_ends_at, session.location = date, starts_at, ends_at, location.strip() or session.location
    session.full_clean()
    session.save(update_fields=["date", "online_starts_at", "online_ends_at", "location"])
    changes = {}
    local = timezone.localtime
    if before["date"] != session.date or before["starts"] != session.online_starts_at or before["ends"] != session.online_ends_at:
        changes["time"] = [
            f"{local(before['starts']):%H:%M} – {local(before['ends']):%H:%M} ngày {before['date']:%d/%m/%Y}",
            f"{local(starts_at):%H:%M} – {local(ends_at):%H:%M} ngày {date:%d/%m/%Y}",
        ]
    if before["location"] != session.location:
        changes["location"] = [before["location"], session.location]
    if not changes:
        raise ValidationError("Thời gian và địa điểm không thay đổi.")
    summary = "Thay đổi " + ("thời gian" if "time" in changes else "") + (" và " if len(changes) == 2 else "") + ("địa điểm" if "location" in changes else "")
    summary += f" phiên tiếp công dân: {'; '.join(' → '.join(v) for v in changes.values())}"
    notice = _notify_change(by=by, session=session, summary=summary, reason=reason.strip(), changes=changes, original=original, new=official.session_info(session))
    return session, notice


# --- Calendar feed ---------------------------------------------------------------------------
@transaction.atomic
def calendar_feed_for(*, by: User) -> CalendarFeed:
    """The user's organisation's feed, created on first ask."""
    policy.require(by, "scheduling.calendar_feed")
    feed, created = CalendarFeed.objects.get_or_create(organisation=by.organisation)
    if created:
        audit.record(actor=by, action="scheduling.calendar_feed.create", obj=feed)
    return feed


@transaction.atomic
def rotate_calendar_feed(*, by: User) -> CalendarFeed:
    """A new secret address (the old one stops working), e.g. when a link has leaked."""
    feed = calendar_feed_for(by=by)
    feed.token = _new_token()
    feed.rotated_at = timezone.now()
    feed.save(update_fields=["token", "rotated_at"])
    audit.record(actor=by, action="scheduling.calendar_feed.rotate", obj=feed)
    return feed
