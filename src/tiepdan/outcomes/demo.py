"""Demo outcomes: the province's past session (the recordings demo's, closed with its minutes) carried on to its
issued conclusion notice, with a task for the department, so a newcomer sees the whole life of a matter.

Runs after live's and recordings' demos (INSTALLED_APPS order) and before followup's, which turns the directives
into tasks. Idempotent: a session that already has a notice is left as it is.
"""
from __future__ import annotations

from tiepdan.organisations.models import Organisation, User
from tiepdan.scheduling.models import ReceptionSession, SessionStatus

from . import services


def seed(orgs: dict) -> None:
    board, chairman = User.objects.filter(username="bantcd").first(), User.objects.filter(username="chutich").first()
    if board is None or chairman is None:
        return
    sessions = ReceptionSession.objects.filter(province_committee=orgs["committee"], status=SessionStatus.CLOSED, live_room__isnull=False, conclusion_notice__isnull=True)
    department = Organisation.objects.filter(kind=Organisation.Kind.DEPARTMENT, parent=orgs["committee"], name__icontains="Nông nghiệp").first()
    for session in sessions.order_by("date")[:1]:
        notice = services.draft_notice(session=session, by=board)
        for item in notice.items.all():
            # The demo's minutes may leave a field empty; the Board completes it as it would before sending.
            if services.rules.item_gaps(conclusion=item.conclusion, answered_at_once=item.answered_at_once, time_limit=item.time_limit, contact_person=item.contact_person):
                services.save_item(by=board, item=item, conclusion=item.conclusion or "Giao cơ quan chuyên môn kiểm tra, trả lời công dân theo quy định.",
                                   time_limit=item.time_limit or "30 ngày", contact_person=item.contact_person or "Chuyên viên Ban Tiếp công dân tỉnh")
            if department is not None and not item.answered_at_once and not item.directives.exists():
                services.add_directive(by=board, item=item, agency=department, content="Kiểm tra hồ sơ, làm việc với công dân và báo cáo kết quả giải quyết.", working_days=15)
        services.submit(by=board, notice=notice)
        services.approve(by=chairman, notice=notice)
        services.issue(by=board, notice=notice)
