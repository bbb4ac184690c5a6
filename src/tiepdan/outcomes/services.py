"""The verbs of outcomes: draft the conclusion notice from the minutes, edit it, send it for approval,
return or approve it, issue it (with each citizen's letter and each matter's minutes) and move the matters on.

Each verb is one transaction, checks the policy and is audited; the notice's state changes only through
``workflow.NOTICE``; every document goes through ``documents.services.issue_document`` (the register).
"""
from __future__ import annotations

import dataclasses

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tiepdan.core import audit, policy
from tiepdan.documents import forms as doc_forms
from tiepdan.documents.models import DocumentKind
from tiepdan.documents.official import Signature
from tiepdan.documents.services import issue_document
from tiepdan.intake import workflow as matter_workflow
from tiepdan.intake.models import MatterState
from tiepdan.live.models import MatterMinutes
from tiepdan.notifications.services import notify
from tiepdan.organisations.models import Organisation
from tiepdan.scheduling.models import AgendaItem, ReceptionSession, SessionStatus
from tiepdan.scheduling.official import session_info

from . import hooks, rules
from .models import ConclusionNotice, Directive, NoticeComment, NoticeItem, NoticeRevision, NoticeState
from .workflow import NOTICE, set_waiting

N = NoticeState
EDITABLE_STATES = (N.DRAFT, N.RETURNED)


# --- Drafting -------------------------------------------------------------------------------
def _citizen_line(matter) -> str:
    citizen = matter.citizen
    place = ", ".join(p for p in (citizen.address, matter.commune.name if matter.commune_id else "") if p)
    who = f"Ông (bà) {citizen.full_name}"
    if matter.delegation_id:
        who += f" và {matter.representatives_count - 1} người đại diện đoàn" if matter.representatives_count > 1 else ""
    return f"{who}, {place}" if place else who


@transaction.atomic
def draft_notice(*, session: ReceptionSession, by=None) -> ConclusionNotice:
    """The draft notice of a closed session, one item per matter received, filled from its live minutes.

    Idempotent (the room's ``room_closed`` hook and the session page's button both call it); ``by`` None
    is the system acting on the room's closing. A session not yet ended has no conclusions to notify.
    """
    if by is not None:
        policy.require(by, "outcomes.draft", session)
    existing = ConclusionNotice.objects.filter(session=session).first()
    if existing is not None:
        return existing
    session = ReceptionSession.objects.select_for_update(of=("self",)).select_related("province_committee", "chair", "minute_taker").get(pk=session.pk)
    if session.status != SessionStatus.CLOSED:
        raise ValidationError("Phiên tiếp chưa kết thúc: thông báo kết luận chỉ được lập sau khi đóng phòng họp.")
    items = list(AgendaItem.objects.filter(session=session).select_related("matter__citizen", "matter__commune").order_by("position"))
    minutes = {m.agenda_item_id: m for m in MatterMinutes.objects.filter(agenda_item__in=items)}
    # Only the matters actually taken up in the room (their minutes were opened); the rest were not received.
    received = [i for i in items if i.pk in minutes] or items
    now = timezone.now()
    notice = ConclusionNotice(session=session, drafted_by=by, state=N.DRAFT)
    set_waiting(notice, N.DRAFT, now)
    notice.full_clean()
    notice.save()
    for position, item in enumerate(received, start=1):
        m = minutes.get(item.pk)
        NoticeItem.objects.create(
            notice=notice, agenda_item=item, matter=item.matter, position=position,
            citizen_summary=_citizen_line(item.matter)[:300],
            request=(m.citizen_presentation if m and m.citizen_presentation else item.matter.request or item.matter.summary),
            agencies_opinions=m.agencies_opinions if m else "", conclusion=m.conclusion if m else "",
            answered_at_once=m.answered_at_once if m else False,
            time_limit=m.settlement_time_limit if m else "", contact_person=m.contact_person if m else "",
        )
    audit.record(actor=by, action="outcomes.notice.drafted", obj=notice, changes={"session": session.pk, "items": len(received)})
    return notice


def _editable(by, notice: ConclusionNotice) -> None:
    policy.require(by, "outcomes.draft", notice)
    if notice.state not in EDITABLE_STATES:
        raise ValidationError(f"Thông báo đang ở trạng thái «{notice.get_state_display()}»: chỉ sửa được dự thảo hoặc bản bị trả lại.")


@transaction.atomic
def save_item(*, by, item: NoticeItem, **values) -> NoticeItem:
    """Edit one matter of the draft (the fields of ``NoticeItem.EDITABLE``); audited with what changed."""
    item = NoticeItem.objects.select_for_update(of=("self",)).select_related("notice__session__province_committee").get(pk=item.pk)
    _editable(by, item.notice)
    unknown = set(values) - set(NoticeItem.EDITABLE)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    changes = {}
    for name, value in values.items():
        if getattr(item, name) != value:
            changes[name] = [getattr(item, name), value]
            setattr(item, name, value)
    item.full_clean()
    item.save()
    if changes:
        audit.record(actor=by, action="outcomes.item.edited", obj=item, changes=changes)
    return item


@transaction.atomic
def add_directive(*, by, item: NoticeItem, agency: Organisation, content: str, working_days: int) -> Directive:
    """Give an agency (a department, a commune) a task under this conclusion, due in ``working_days`` after issue."""
    _editable(by, item.notice)
    if not agency.path.startswith(item.notice.session.province_committee.path):
        raise ValidationError("Chỉ giao nhiệm vụ cho cơ quan, đơn vị thuộc tỉnh.")
    directive = Directive(item=item, agency=agency, content=(content or "").strip(), working_days=working_days)
    directive.full_clean()
    directive.save()
    audit.record(actor=by, action="outcomes.directive.added", obj=directive, changes={"agency": agency.pk, "working_days": working_days})
    return directive


@transaction.atomic
def remove_directive(*, by, directive: Directive) -> None:
    _editable(by, directive.item.notice)
    audit.record(actor=by, action="outcomes.directive.removed", obj=directive, changes={"agency": directive.agency_id, "content": directive.content})
    directive.delete()


# --- Approval -------------------------------------------------------------------------------
def notice_gaps(notice: ConclusionNotice) -> list[str]:
    """What keeps the notice from being sent: per matter, what Art. 25(3) still asks (``rules.item_gaps``)."""
    gaps = []
    for item in notice.items.all():
        missing = rules.item_gaps(conclusion=item.conclusion, answered_at_once=item.answered_at_once, time_limit=item.time_limit, contact_person=item.contact_person)
        if missing:
            gaps.append(f"Vụ việc {item.position} ({item.citizen_summary}): thiếu {', '.join(missing)}")
    return gaps


def snapshot(notice: ConclusionNotice) -> dict:
    """The notice's content as sent (a revision row keeps it; the history page shows it)."""
    return {"items": [
        {**{f: getattr(item, f) for f in NoticeItem.EDITABLE}, "position": item.position,
         "directives": [{"agency": d.agency.name, "content": d.content, "working_days": d.working_days} for d in item.directives.select_related("agency")]}
        for item in notice.items.all()
    ]}


@transaction.atomic
def submit(*, by, notice: ConclusionNotice, comment: str = "") -> ConclusionNotice:
    """Send the draft (or the edited returned notice) for approval: refused while a matter lacks its conclusion,
    or a complex one its time limit or contact person (Decree 154 Art. 25(3)); its content kept as a revision."""
    policy.require(by, "outcomes.draft", notice)
    gaps = notice_gaps(notice)
    if gaps:
        raise ValidationError(["Chưa trình được: Điều 25(3) Nghị định 154/2026 yêu cầu kết luận và, với vụ việc chưa trả lời ngay, thời hạn giải quyết và người liên hệ.", *gaps])
    if notice.state == N.RETURNED:
        notice.version += 1
        notice.save(update_fields=["version"])
    if notice.drafted_by_id is None:
        notice.drafted_by = by
        notice.save(update_fields=["drafted_by"])
    now = timezone.now()
    NoticeRevision.objects.create(notice=notice, version=notice.version, snapshot=snapshot(notice), submitted_by=by, submitted_at=now)
    if comment.strip():
        NoticeComment.objects.create(notice=notice, version=notice.version, by=by, at=now, text=comment.strip(), action=N.SUBMITTED)
    notice = NOTICE.apply(notice, N.SUBMITTED, by=by, changes={"version": notice.version})
    if notice.owner is not None:
        notify(recipients=[notice.owner], subject="Thông báo kết luận chờ duyệt", body=f"{notice} (dự thảo lần {notice.version}) đã được trình, chờ ông (bà) duyệt.", link=notice_link(notice), about=notice, by=by)
    return notice


@transaction.atomic
def return_notice(*, by, notice: ConclusionNotice, comment: str) -> ConclusionNotice:
    """Return the submitted draft with the approver's comments (kept, shown beside the revision they concern)."""
    notice = NOTICE.apply(notice, N.RETURNED, by=by, reason=comment)
    NoticeComment.objects.create(notice=notice, version=notice.version, by=by, at=timezone.now(), text=comment.strip(), action=N.RETURNED)
    if notice.owner is not None:
        notify(recipients=[notice.owner], subject="Thông báo kết luận bị trả lại để sửa", body=f"{notice}: {comment.strip()}", link=notice_link(notice), about=notice, by=by)
    return notice


@transaction.atomic
def approve(*, by, notice: ConclusionNotice, comment: str = "") -> ConclusionNotice:
    """The Chairman approves and signs; a deputy does so on the Chairman's authority (an authorisation in force,
    ``organisations.policy_checks``) and the notice is then signed «KT. Chủ tịch» (``rules.signature_for``)."""
    notice = NOTICE.apply(notice, N.APPROVED, by=by)
    if comment.strip():
        NoticeComment.objects.create(notice=notice, version=notice.version, by=by, at=timezone.now(), text=comment.strip(), action=N.APPROVED)
    return notice


# --- Issue ------------------------------------------------------------------------------------
def notice_link(notice: ConclusionNotice) -> str:
    return reverse("outcomes:notice", args=[notice.pk])


def _issuer(notice: ConclusionNotice) -> doc_forms.Issuer:
    committee = notice.session.province_committee
    signature = rules.signature_for(signer_role=notice.approver.role, signer_name=notice.approver.full_name)
    return doc_forms.Issuer(issuing_body=committee.name, place=committee.unit.name if committee.unit_id else "", signature=signature)


def _concluded(item: NoticeItem, *, citizen: str | None = None) -> doc_forms.ConcludedMatter:
    return doc_forms.ConcludedMatter(
        citizen=citizen or item.citizen_summary, request=item.request, agencies_opinions=item.agencies_opinions, conclusion=item.conclusion,
        answered_at_once=item.answered_at_once, time_limit=item.time_limit, contact_person=item.contact_person,
        directives=[doc_forms.DirectiveLine(d.agency.name, d.content, d.working_days) for d in item.directives.select_related("agency")],
    )


def _commune_name(matter) -> str:
    if matter.commune_committee_id:
        return matter.commune_committee.name
    return f"UBND {matter.commune.name}" if matter.commune_id else ""


def recipients_for(notice: ConclusionNotice) -> list[str]:
    items = list(notice.items.select_related("matter__commune", "matter__commune_committee"))
    agencies = [d.agency.name for d in Directive.objects.filter(item__notice=notice).select_related("agency").order_by("item__position", "id")]
    inspectorate = Organisation.objects.filter(kind=Organisation.Kind.PROVINCE_INSPECTORATE, parent=notice.session.province_committee).first()
    return rules.notice_recipients(agencies=agencies, communes=[_commune_name(i.matter) for i in items], inspectorate=inspectorate.name if inspectorate else "")


def build_notice_document(notice: ConclusionNotice, *, on=None):
    """The notice as an ``OfficialDocument`` (also the preview of a draft: no number until issued)."""
    approver = notice.approver
    issuer = _issuer(notice) if approver is not None else doc_forms.Issuer(
        issuing_body=notice.session.province_committee.name, place=notice.session.province_committee.unit.name if notice.session.province_committee.unit_id else "",
        signature=Signature(title="Chủ tịch", signer_name="", authority="TM. Ủy ban nhân dân"))
    info = session_info(notice.session)
    return doc_forms.conclusion_notice(issuer=issuer, on=on or timezone.localdate(), session=info, matters=[_concluded(i) for i in notice.items.all()], recipients=recipients_for(notice))


@transaction.atomic
def issue(*, by, notice: ConclusionNotice) -> ConclusionNotice:
    """Issue the approved notice through the register (its number, date, recipients; DOCX and signed PDF),
    then each citizen's letter and each matter's minutes; move every matter on (answered at once: closed;
    directed: being settled) and run the ``hooks.notice_issued`` hooks (followup creates the tasks)."""
    notice = ConclusionNotice.objects.select_for_update(of=("self",)).select_related("session__province_committee__unit", "session__chair", "session__minute_taker", "approver").get(pk=notice.pk)
    policy.require(by, "outcomes.issue", notice)
    if notice.state != N.APPROVED:
        raise ValidationError(NOTICE.refusal(notice.state, N.ISSUED) or "Thông báo đã được ban hành.")
    committee = notice.session.province_committee
    today = timezone.localdate()
    document = issue_document(by=by, kind=DocumentKind.RESULT_NOTICE, doc=build_notice_document(notice, on=today), about=notice, organisation=committee)
    notice = NOTICE.apply(notice, N.ISSUED, by=by, changes={"document_id": document.pk, "number": document.number})
    issuer, info = _issuer(notice), session_info(notice.session)
    minute_taker = notice.session.minute_taker
    chair_name = notice.session.chair.full_name if notice.session.chair_id else notice.approver.full_name
    for item in notice.items.select_related("matter__citizen", "matter__commune", "matter__commune_committee", "agenda_item"):
        matter = item.matter
        citizen = matter.citizen
        person = doc_forms.Person(full_name=citizen.full_name, address=citizen.address)
        extract = issue_document(by=by, kind=DocumentKind.CITIZEN_EXTRACT, about=matter, organisation=committee, identity_protected=matter.identity_protected,
                                 doc=doc_forms.citizen_extract(issuer=issuer, on=today, session=info, person=person, matter=_concluded(item), notice_number=document.number))
        minutes_info = info if notice.session.chair_id else dataclasses.replace(info, chair_name=chair_name)
        taker = minute_taker.full_name if minute_taker else by.full_name
        record = issue_document(by=by, kind=DocumentKind.MINUTES, about=matter, organisation=committee, identity_protected=matter.identity_protected,
                                doc=doc_forms.matter_minutes(issuer=issuer, on=today, session=minutes_info, matter=_concluded(item, citizen=_citizen_line(matter)), minute_taker=taker,
                                                             minute_taker_position=(minute_taker.position if minute_taker else by.position) or ""))
        item.extract, item.minutes_document = extract, record
        item.save(update_fields=["extract", "minutes_document"])
        if matter.state == MatterState.APPROVED:
            to = rules.matter_outcome(answered_at_once=item.answered_at_once, directives_count=item.directives.count())
            matter_workflow.transition(matter, to, by=by, changes={"notice": notice.pk, "document": document.number})
    hooks.run_notice_issued(notice)
    return notice


def draft_after_room_closed(room) -> None:
    """live.hooks.room_closed: the room's session has ended; its draft notice waits for the Board.

    A room closed before it went live leaves its session unheld (``scheduling.end_reception``): nothing to conclude."""
    session = ReceptionSession.objects.get(pk=room.session_id)
    if session.status == SessionStatus.CLOSED:
        draft_notice(session=session)
