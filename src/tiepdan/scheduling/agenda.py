"""The agenda of a session: approved matters in registration order within the day's capacity, the rest carried over.

Verbs of the scheduling app like ``services``; kept apart because they are the part that
reads intake and triage (approved matters) and bridges (the citizen's commune point).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Sum

from tiepdan.bridges import selectors as bridge_selectors
from tiepdan.core import audit, policy
from tiepdan.intake.models import Matter
from tiepdan.organisations.models import Organisation, User
from tiepdan.triage.selectors import matters_awaiting_schedule

from . import rules, selectors, services
from .models import AgendaItem, ChangeNotice, Participant, ParticipantKind, ReceptionSession, SessionKind, SessionStatus

# The agenda may change until invitations go out; after that only the order may change (with a reason).
EDITABLE = {SessionStatus.PLANNED}
REORDERABLE = {SessionStatus.PLANNED, SessionStatus.INVITATIONS_SENT, SessionStatus.READY}


@dataclass
class FillResult:
    placed: list[AgendaItem] = field(default_factory=list)
    carried: list[AgendaItem] = field(default_factory=list)  # now on ``carried_to``
    carried_to: ReceptionSession | None = None  # the first of ``carried_to_sessions``
    carried_to_sessions: list[ReceptionSession] = field(default_factory=list)


def _commune_committee(matter: Matter) -> Organisation | None:
    if matter.commune_committee_id:
        return matter.commune_committee
    return Organisation.objects.filter(kind=Organisation.Kind.COMMUNE_COMMITTEE, unit_id=matter.commune_id).first()


def _seat(session: ReceptionSession, item: AgendaItem) -> None:
    """Who sits where for this matter (Đồng Tháp plan §II.3; Decree 154/2026 Art. 22), idempotent.

    An online citizen sits at their commune hall with the commune chairman; one who did not
    agree to online reception sits at the central point. Required agencies join from their own points.
    """
    matter = item.matter
    if Participant.objects.filter(point__session=session, matter=matter, kind=ParticipantKind.CITIZEN).exists():
        return
    commune = _commune_committee(matter) if matter.wants_online else None
    if commune is not None:
        point = services.invite_organisation(by=None, session=session, organisation=commune)
        if point.bridge_point_id is None and item.bridge_point_id:
            point.bridge_point = item.bridge_point
            point.save(update_fields=["bridge_point"])
    else:
        point = services._open_central_point(session)
    label = matter.citizen.full_name + (f" và {item.seats - 1} người đại diện" if item.seats > 1 else "")
    Participant.objects.create(point=point, kind=ParticipantKind.CITIZEN, name=label[:150], email=matter.citizen.email, matter=matter)
    for agency in matter.agencies_required.all():
        services.invite_organisation(by=None, session=session, organisation=agency)


def _following_sessions(session: ReceptionSession, *, at_least: int = 1) -> list[ReceptionSession]:
    """The open periodic sessions after this one, in date order, at least ``at_least`` of them (created when the calendar has too few)."""
    def find():
        return list(
            ReceptionSession.objects.filter(province_committee=session.province_committee, kind=SessionKind.PERIODIC, date__gt=session.date, status=SessionStatus.PLANNED)
            .order_by("date")
        )

    found = find()
    # Each round creates the months after the last periodic session on the calendar (whatever its state),
    # so it always moves forward; two years is more than any queue of carried matters needs.
    for _ in range(24):
        if len(found) >= at_least:
            return found
        last = ReceptionSession.objects.filter(province_committee=session.province_committee, kind=SessionKind.PERIODIC).exclude(status=SessionStatus.CANCELLED).order_by("-date").first()
        cursor = max(session.date, last.date if last else session.date) + dt.timedelta(days=1)
        services.generate_periodic_sessions(by=None, province_committee=session.province_committee, today=cursor, months=at_least - len(found))
        found = find()
    raise ValidationError("Chưa có phiên định kỳ kế tiếp để chuyển các vụ việc chưa tiếp được; hãy lập lịch các tháng tới.")


def _free_seats(session: ReceptionSession) -> int:
    return max(0, session.capacity_seats - (session.agenda_items.aggregate(n=Sum("seats"))["n"] or 0))


def _carry(*, by, session: ReceptionSession, overflow: list[tuple[AgendaItem | None, Matter]], result: FillResult) -> None:
    """Carry what the day could not take over the following sessions, each filled in order up to its capacity."""
    for item, matter in overflow:
        if item is not None:
            Participant.objects.filter(point__session=session, matter=matter).delete()
            item.delete()
    seats = [rules.seats_taken(m.representatives_count) for _, m in overflow]
    targets = _following_sessions(session)
    capacity = selectors.settings_for(session.province_committee).capacity_seats
    try:
        plan = rules.carry_over_plan(seats, [_free_seats(t) for t in targets], capacity)
    except ValueError as exc:
        raise ValidationError(f"{exc} Hãy tăng số công dân tối đa mỗi ngày trong cấu hình lịch tiếp.") from exc
    if max(plan) >= len(targets):
        targets = _following_sessions(session, at_least=max(plan) + 1)
    positions = {t.pk: t.agenda_items.aggregate(m=Max("position"))["m"] or 0 for t in targets}
    for (_item, matter), index in zip(overflow, plan):
        target = targets[index]
        positions[target.pk] += 1
        moved = _new_item(target, matter, positions[target.pk], carried_from=session)
        result.carried.append(moved)
        _tell_carried(by=by, session=session, to=target, item=moved)
    result.carried_to = targets[plan[0]]
    result.carried_to_sessions = sorted({targets[i] for i in plan}, key=lambda t: t.date)


def _new_item(session, matter, position, carried_from=None) -> AgendaItem:
    item = AgendaItem(
        session=session, matter=matter, position=position, seats=rules.seats_taken(matter.representatives_count),
        bridge_point=bridge_selectors.commune_point_for(matter.commune) if matter.wants_online else None, carried_from=carried_from,
    )
    item.save()
    return item


def _tell_carried(*, by, session: ReceptionSession, to: ReceptionSession, item: AgendaItem) -> ChangeNotice:
    """The citizen is told their matter moves to the next session (plan 004: those not reached move to the next month)."""
    citizen = item.matter.citizen
    local_start = to.online_starts_at
    summary = (
        f"Vụ việc số {item.matter_id} của {citizen.full_name} chuyển sang phiên ngày {to.date:%d/%m/%Y} "
        f"vì phiên ngày {session.date:%d/%m/%Y} đã đủ {session.capacity_seats} công dân"
    )
    notice = ChangeNotice.objects.create(
        session=session, by=by, matter=item.matter, summary=summary[:500],
        reason="Phiên tiếp đã đủ số công dân tối đa trong ngày; vụ việc giữ thứ tự đăng ký ở phiên sau.",
        changes={"moved_to_session": to.pk, "date": f"{to.date:%d/%m/%Y}", "starts": f"{local_start:%H:%M}"},
        recipients=[{"name": citizen.full_name, "kind": ParticipantKind.CITIZEN, "organisation": "", "email": citizen.email or ""}],
    )
    audit.record(actor=by, action="scheduling.agenda.carry_over", obj=item.matter, reason=notice.reason, changes={"from_session": session.pk, "to_session": to.pk})
    return notice


@transaction.atomic
def fill_agenda(*, by: User | None, session: ReceptionSession) -> FillResult:
    """Place approved matters in registration order up to the day's capacity; carry the rest over the next sessions.

    Items already on the agenda (carried in from an earlier session, or moved by the Board) keep
    their place first. A delegation takes as many places as its representatives (Law Art. 29).
    When no citizen on the agenda agreed to be received online, the session is in person only
    (Lạng Sơn plan 004 §3.2.b).
    """
    if by is not None:
        policy.require(by, "scheduling.plan", session)
    session = services._locked(session)
    if session.status not in EDITABLE:
        raise ValidationError(f"Phiên đang ở trạng thái «{session.get_status_display()}»: chương trình chỉ lập được trước khi gửi giấy mời.")
    existing = list(session.agenda_items.select_related("matter__citizen").order_by("position"))
    awaiting = list(matters_awaiting_schedule(session.province_committee).filter(registered_at__lt=session.online_starts_at))
    candidates: list[tuple[AgendaItem | None, Matter]] = [(i, i.matter) for i in existing] + [(None, m) for m in awaiting]
    fits = rules.fill_to_capacity([rules.seats_taken(m.representatives_count) for _, m in candidates], session.capacity_seats)
    result = FillResult()
    position = max([i.position for i in existing], default=0)
    for item, matter in candidates[:fits]:
        if item is None:
            position += 1
            item = _new_item(session, matter, position)
            result.placed.append(item)
    overflow = candidates[fits:]
    if overflow:
        _carry(by=by, session=session, overflow=overflow, result=result)
        _renumber(session)
    kept = list(session.agenda_items.select_related("matter__citizen", "bridge_point").order_by("position"))
    for item in kept:
        _seat(session, item)
    session.in_person_only = rules.is_in_person_only(i.matter.wants_online for i in kept)
    session.save(update_fields=["in_person_only"])
    audit.record(actor=by, action="scheduling.agenda.fill", obj=session, changes={
        "placed": [i.matter_id for i in result.placed], "carried": [i.matter_id for i in result.carried],
        "carried_to": [t.pk for t in result.carried_to_sessions], "in_person_only": session.in_person_only,
    })
    return result


def _renumber(session: ReceptionSession, order: list[int] | None = None) -> None:
    """Positions 1..n in the given order of item ids (or the current order); two steps so the unique constraint holds throughout."""
    items = list(session.agenda_items.order_by("position"))
    if order is not None:
        by_id = {i.pk: i for i in items}
        items = [by_id[pk] for pk in order]
    session.agenda_items.update(position=F("position") + 10_000)
    for n, item in enumerate(items, start=1):
        AgendaItem.objects.filter(pk=item.pk).update(position=n)


@transaction.atomic
def reorder(*, by: User, item: AgendaItem, new_position: int, reason: str) -> AgendaItem:
    """The Board moves a matter, saying why (Decree 154/2026 Art. 26: priority to delegations and complex, prolonged matters)."""
    session = item.session
    policy.require(by, "scheduling.plan", session)
    session = services._locked(session)
    if session.status not in REORDERABLE:
        raise ValidationError(f"Phiên đang ở trạng thái «{session.get_status_display()}»; không thể thay đổi thứ tự.")
    if not reason.strip():
        raise ValidationError({"reorder_reason": "Cần nêu lý do thay đổi thứ tự (ví dụ: ưu tiên đoàn đông người, vụ việc phức tạp kéo dài)."})
    order = list(session.agenda_items.order_by("position").values_list("pk", flat=True))
    if not 1 <= new_position <= len(order):
        raise ValidationError({"position": f"Thứ tự mới phải từ 1 đến {len(order)}."})
    old_position = order.index(item.pk) + 1
    order.remove(item.pk)
    order.insert(new_position - 1, item.pk)
    _renumber(session, order)
    item.refresh_from_db()
    item.reorder_reason = reason.strip()
    item.save(update_fields=["reorder_reason"])
    audit.record(actor=by, action="scheduling.agenda.reorder", obj=session, reason=reason.strip(), changes={"matter": item.matter_id, "position": [old_position, new_position]})
    return item


@transaction.atomic
def remove_from_agenda(*, by: User, item: AgendaItem, reason: str) -> None:
    """Take a matter off the agenda (the citizen withdrew, the matter was settled); it returns to the queue."""
    session = item.session
    policy.require(by, "scheduling.plan", session)
    if session.status not in EDITABLE:
        raise ValidationError("Chỉ bỏ được vụ việc khỏi chương trình trước khi gửi giấy mời; sau đó hãy đổi thứ tự hoặc đổi lịch.")
    if not reason.strip():
        raise ValidationError({"reason": "Cần nêu lý do bỏ vụ việc khỏi chương trình."})
    Participant.objects.filter(point__session=session, matter=item.matter).delete()
    matter_id = item.matter_id
    item.delete()
    _renumber(session)
    audit.record(actor=by, action="scheduling.agenda.remove", obj=session, reason=reason.strip(), changes={"matter": matter_id})


def agenda_of(session: ReceptionSession):
    return (
        session.agenda_items.select_related("matter__citizen", "matter__commune", "matter__delegation", "bridge_point", "carried_from")
        .prefetch_related("matter__agencies_required").order_by("position")
    )



def carried_out_of(session: ReceptionSession):
    """The matters this session had no room for, each on the later session now expected to receive it."""
    return (
        AgendaItem.objects.filter(carried_from=session).exclude(session__status=SessionStatus.CANCELLED)
        .select_related("matter__citizen", "matter__commune", "session").order_by("session__date", "position")
    )
