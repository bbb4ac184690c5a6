"""Invitations (giấy mời) and the session notice, issued through the documents engine, at least 5 working days ahead.

Nghị định 154/2026, Điều 23(1): the central point notifies the citizen and the agencies
at least 5 working days before. Later than that the Board must say why (audited), or move
the session.
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tiepdan.core import audit, policy
from tiepdan.documents import forms as doc_forms
from tiepdan.documents.models import DocumentKind
from tiepdan.documents.services import issue_document
from tiepdan.notifications.services import notify

from . import official, rules, selectors, services
from .agenda import agenda_of
from .models import ParticipantKind, PointRole, ReceptionSession, SessionStatus

# Who gets a personal invitation: the people the session brings in, not the chair's own office.
INVITED_KINDS = {ParticipantKind.AGENCY_LEADER, ParticipantKind.CENTRAL_BOARD, ParticipantKind.COMMUNE_CHAIRMAN, ParticipantKind.CITIZEN}


def notice_check(session: ReceptionSession, today: dt.date) -> tuple[bool, dt.date]:
    conf = selectors.settings_for(session.province_committee)
    deadline = rules.notice_deadline(session.date, working_days=conf.notice_working_days)
    return today <= deadline, deadline


@transaction.atomic
def send_invitations(*, by, session: ReceptionSession, late_reason: str = "", today: dt.date | None = None) -> list:
    """Issue the session notice and one invitation per invited person; e-mail them; the session moves to «invitations sent»."""
    policy.require(by, "scheduling.plan", session)
    policy.require(by, "documents.issue", session.province_committee)
    session = services._locked(session)
    if session.status != SessionStatus.PLANNED:
        raise ValidationError(f"Phiên đang ở trạng thái «{session.get_status_display()}»; giấy mời chỉ gửi một lần, khi phiên mới lên lịch. Thay đổi sau đó gửi bằng thông báo thay đổi.")
    if session.chair_id is None:
        raise ValidationError("Chưa phân công người chủ trì; hãy phân công trước khi gửi giấy mời.")
    today = today or timezone.localdate()
    timely, deadline = notice_check(session, today)
    if not timely and not late_reason.strip():
        raise ValidationError(
            f"Đã quá hạn gửi thông báo: chậm nhất ngày {deadline:%d/%m/%Y} (5 ngày làm việc trước phiên, Nghị định 154/2026 Điều 23). "
            "Hãy đổi ngày phiên, hoặc nêu lý do gửi muộn để ghi nhận."
        )
    issuer, info = official.issuer(session), official.session_info(session)
    items = list(agenda_of(session))
    points = list(selectors.session_points(session))
    lines = [
        doc_forms.AgendaLine(
            citizen=i.matter.citizen.full_name + (f" (đại diện đoàn {i.matter.people_count} người)" if i.matter.delegation_id else ""),
            address=f"{i.matter.citizen.address}, {i.matter.commune}", summary=i.matter.summary,
            bridge_point=str(i.bridge_point) if i.bridge_point_id else ("Điểm cầu trung tâm" if not i.matter.wants_online else f"UBND {i.matter.commune}"),
            agencies=", ".join(a.short_name or a.name for a in i.matter.agencies_required.all()),
        )
        for i in items
    ]
    participants = [f"{p.display_name} – {p.get_kind_display()}" for point in points for p in point.participants.all() if p.kind != ParticipantKind.CITIZEN]
    component = [p.display_name for p in points if p.role != PointRole.CENTRAL]
    issued = [issue_document(by=by, kind=DocumentKind.SESSION_NOTICE, about=session, organisation=session.province_committee,
                             doc=doc_forms.session_notice(issuer=issuer, on=today, session=info, agenda=lines, participants=participants, component_points=component))]
    told = []  # (recipient, invitation, text): told once the session has moved
    for point in points:
        for person in point.participants.all():
            if person.kind not in INVITED_KINDS:
                continue
            attend_at = "Điểm cầu trung tâm: " + session.location if point.role == PointRole.CENTRAL else point.display_name
            purpose = "Trình bày nội dung khiếu nại, kiến nghị với lãnh đạo UBND tỉnh." if person.kind == ParticipantKind.CITIZEN else "Tham dự, báo cáo, giải trình các nội dung liên quan đến vụ việc của công dân."
            invitee = person.addressee
            doc = issue_document(by=by, kind=DocumentKind.INVITATION, about=session, organisation=session.province_committee,
                                 doc=doc_forms.invitation(issuer=issuer, on=today, invitee=invitee, session=info, attend_at=attend_at, purpose=purpose,
                                                          requests=["Mang theo giấy tờ tùy thân (căn cước) và tài liệu liên quan."] if person.kind == ParticipantKind.CITIZEN else ["Cử lãnh đạo, người ghi chép và mang theo hồ sơ liên quan (Nghị định 154/2026, Điều 26)."]))
            issued.append(doc)
            recipient = person.user if person.user_id else person.email
            if recipient:
                told.append((recipient, doc, f"Kính gửi {invitee},\n\n{session} từ {timezone.localtime(session.online_starts_at):%H:%M}. Địa điểm: {attend_at}.\nGiấy mời số {doc.number}."))
    services.transition(by=by, session=session, to=SessionStatus.INVITATIONS_SENT)
    session.invitations_sent_at = timezone.now()
    session.save(update_fields=["invitations_sent_at"])
    audit.record(actor=by, action="scheduling.invitations", obj=session, reason=late_reason.strip(),
                 changes={"documents": [d.number for d in issued], "late": not timely, "deadline": str(deadline)})
    # In the app for officials, by e-mail where there is an address, after commit (notifications.notify); a mail
    # server that is down leaves the documents standing: the Board sees them on the session page and can post them.
    link = reverse("scheduling_session", args=[session.pk])
    for recipient, doc, body in told:
        notify(recipients=[recipient], subject=f"[Tiếp công dân] Giấy mời {doc.number}", body=body, link=link, about=session, by=by)
    return issued
