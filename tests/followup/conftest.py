"""Follow-up fixtures: an issued conclusion notice with directives, built on the real services where they exist.

The matter is registered, classified, proposed and approved through intake and triage, placed on a session's agenda
(an agenda row), and moved to «Đang giải quyết theo kết luận» through intake's machine; the notice, its item and its
directives are rows of outcomes' models (its issue service is OUT-NOTICE's), with a document issued through the
register, and the tasks come from followup's hook as the issue would call it.
"""
import datetime as dt
import itertools

import pytest
from django.utils import timezone

from tiepdan.core.workdays import VN_TZ

_serial = itertools.count(1)


@pytest.fixture
def approved_matter(demo, official):
    from tiepdan.intake import services as intake
    from tiepdan.intake.services import CitizenData, MatterData
    from tiepdan.triage import services as triage
    from tiepdan.triage.rules import Ground

    board, chairman = official("bantcd"), official("chutich")

    def make(*, agencies=(), name=None):
        n = next(_serial)
        citizen = CitizenData(full_name=name or f"Công dân Theo Dõi {n:02d}", id_number=f"0200688{n:05d}", date_of_birth=dt.date(1968, 3, 12), commune=demo["commune"].unit, address=f"Thôn {n}")
        data = MatterData(kind="complaint", subject_area="land", summary=f"Khiếu nại bồi thường đất đai số {n}", request="Đề nghị được gặp Chủ tịch.", wants_online=True)
        matter = intake.register_at_board(by=board, citizen=citizen, matter=data)
        triage.classify(by=board, matter=matter, kind="complaint", subject_area="land", agencies_involved=list(agencies))
        triage.propose(by=board, matter=matter, ground=Ground.ART20_OTHER, reason="Cần đối thoại trực tiếp.")
        triage.decide(by=chairman, matter=matter, approve=True, reason="Đồng ý tiếp.", agencies_required=list(agencies))
        matter.refresh_from_db()
        return matter

    return make


def _notice_document(board, committee, issued_at):
    from tiepdan.documents import forms as doc_forms
    from tiepdan.documents.models import DocumentKind, IssuedDocument
    from tiepdan.documents.official import Signature
    from tiepdan.documents.services import issue_document

    issuer = doc_forms.Issuer(issuing_body=committee.name, place="Lạng Sơn", signature=Signature(title="Chủ tịch", signer_name="Hồ Tiến Thiệu", authority="TM. Ủy ban nhân dân"))
    doc = doc_forms.reply_not_received(issuer=issuer, on=issued_at.date(), person=doc_forms.Person(full_name="Người Nhận Thử"), registered_on=issued_at.date(), request_summary="Thử", reason="Thử", alternatives=["Thử"])
    document = issue_document(by=board, kind=DocumentKind.RESULT_NOTICE, doc=doc, organisation=committee)
    IssuedDocument.objects.filter(pk=document.pk).update(issued_at=issued_at)  # the day the test says the notice was issued
    document.refresh_from_db()
    return document


@pytest.fixture
def issued_notice(demo, official, approved_matter):
    """``issued_notice(issued_on, [(agency, "content", working_days), ...], matter=None)`` → (notice, tasks)."""
    from tiepdan.followup.services import create_tasks_for_notice
    from tiepdan.intake import workflow as intake_workflow
    from tiepdan.intake.models import MatterState
    from tiepdan.outcomes.models import ConclusionNotice, Directive, NoticeItem
    from tiepdan.scheduling.models import AgendaItem

    board, chairman = official("bantcd"), official("chutich")

    def make(issued_on: dt.date, directives, *, matters=None):
        matters = matters or [approved_matter(agencies=[a for a, _, _ in directives])]
        session = _session(demo, board, issued_on)
        issued_at = dt.datetime.combine(issued_on, dt.time(10, 0), tzinfo=VN_TZ)
        notice = ConclusionNotice.objects.create(session=session, state="issued", signed_as="chairman", approver=chairman, document=_notice_document(board, demo["committee"], issued_at))
        for position, matter in enumerate(matters, start=1):
            agenda_item = AgendaItem.objects.create(session=session, matter=matter, position=session.agenda_items.count() + 1)
            item = NoticeItem.objects.create(notice=notice, agenda_item=agenda_item, matter=matter, position=position, conclusion="Giao các cơ quan giải quyết.")
            for agency, content, days in directives:
                Directive.objects.create(item=item, agency=agency, content=content, working_days=days)
            intake_workflow.transition(matter, MatterState.SETTLING, by=board)
        tasks = create_tasks_for_notice(notice)
        return notice, tasks

    return make


def _session(demo, board, issued_on):
    """A periodic session a week before the issue, holding the approved matters (scheduling's own generator)."""
    from tiepdan.scheduling import services as scheduling
    from tiepdan.scheduling.models import ReceptionSession

    sessions = scheduling.generate_periodic_sessions(by=None, province_committee=demo["committee"], today=issued_on - dt.timedelta(days=40), months=2)
    session = ReceptionSession.objects.filter(province_committee=demo["committee"], date__lt=issued_on).order_by("-date").first() or sessions[0]
    return session


@pytest.fixture
def department(demo):
    return demo["Sở NN&MT"]


@pytest.fixture
def other_department(demo):
    return demo["Sở XD"]
