"""The conclusion notice's life through its services: drafted from the minutes, returned, resubmitted, approved, issued."""
from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tiepdan.documents.models import DocumentKind, IssuedDocument
from tiepdan.intake.models import MatterState
from tiepdan.outcomes import hooks, services
from tiepdan.outcomes.models import NoticeState


def test_the_draft_is_built_from_the_minutes_one_item_per_matter(closed_session):
    session = closed_session()
    notice = services.draft_notice(session=session)
    first, second = notice.items.all()
    assert first.citizen_summary.startswith("Ông (bà) Nguyễn Thị Hường, Thôn Nà 1")
    assert first.request == "Đề nghị xem xét lại mức bồi thường đất ở" and first.time_limit == "30 ngày"
    assert second.answered_at_once and second.conclusion == "Đã giải thích rõ chính sách tại buổi tiếp"
    assert notice.state == NoticeState.DRAFT and notice.due_at is not None and notice.owner.username == "bantcd"
    assert services.draft_notice(session=session).pk == notice.pk  # the hook and the button: one notice


def test_a_complex_matter_without_time_limit_or_contact_cannot_be_submitted(closed_session, official):
    notice = services.draft_notice(session=closed_session())
    item = notice.items.first()
    services.save_item(by=official("bantcd"), item=item, contact_person="")
    with pytest.raises(ValidationError, match="người liên hệ"):
        services.submit(by=official("bantcd"), notice=notice)


def test_returned_with_comments_resubmitted_approved_and_issued_moves_the_matters(closed_session, official, demo):
    board, chairman = official("bantcd"), official("chutich")
    notice = services.draft_notice(session=closed_session())
    first, second = notice.items.all()
    services.add_directive(by=board, item=first, agency=official("sonnmt").organisation, content="Kiểm tra hồ sơ bồi thường, trả lời công dân.", working_days=10)
    seen = []
    hooks.notice_issued.append(seen.append)
    try:
        services.submit(by=board, notice=notice)
        services.return_notice(by=chairman, notice=notice, comment="Ghi rõ tên cán bộ liên hệ của Sở.")
        notice.refresh_from_db()
        assert notice.state == NoticeState.RETURNED and notice.owner.username == "bantcd"
        services.save_item(by=board, item=first, contact_person="Bà Lương Thị Hạnh, Phó Giám đốc Sở NN&MT, 0205 3812 345")
        services.submit(by=board, notice=notice)
        notice.refresh_from_db()
        assert notice.version == 2 and notice.owner.username == "chutich"
        services.approve(by=chairman, notice=notice)
        notice = services.issue(by=board, notice=notice)
    finally:
        hooks.notice_issued.remove(seen.append)
    assert notice.state == NoticeState.ISSUED and notice.signed_as == "chairman" and seen == [notice]
    assert [r.version for r in notice.revisions.all()] == [1, 2]
    assert notice.revisions.first().snapshot["items"][0]["contact_person"] == "Bà Lương Thị Hạnh, Sở NN&MT"
    assert [c.text for c in notice.comments.all()] == ["Ghi rõ tên cán bộ liên hệ của Sở."]
    assert notice.document.kind == DocumentKind.RESULT_NOTICE and notice.document.number.endswith("/TB-UBND")
    first.refresh_from_db(); second.refresh_from_db()
    assert first.matter.state == MatterState.SETTLING and second.matter.state == MatterState.ANSWERED
    assert IssuedDocument.objects.filter(kind=DocumentKind.CITIZEN_EXTRACT).count() == 2
    assert IssuedDocument.objects.filter(kind=DocumentKind.MINUTES).count() == 2 and first.minutes_document.number.endswith("/BB-UBND")


def test_a_department_officer_can_neither_approve_nor_issue(closed_session, official):
    board = official("bantcd")
    notice = services.draft_notice(session=closed_session())
    services.submit(by=board, notice=notice)
    with pytest.raises(PermissionDenied):
        services.approve(by=official("sonnmt"), notice=notice)
    with pytest.raises(PermissionDenied):
        services.return_notice(by=board, notice=notice, comment="Tôi không được trả lại")
    services.approve(by=official("chutich"), notice=notice)
    with pytest.raises(PermissionDenied):
        services.issue(by=official("sonnmt"), notice=notice)


def test_the_deputy_approves_on_the_chairmans_authority_and_is_recorded_as_signing_for_him(closed_session, official):
    notice = services.draft_notice(session=closed_session(chair="phochutich"))
    services.submit(by=official("bantcd"), notice=notice)
    notice.refresh_from_db()
    assert notice.owner.username == "phochutich"
    services.approve(by=official("phochutich"), notice=notice)
    notice = services.issue(by=official("bantcd"), notice=notice)
    assert notice.signed_as == "deputy" and notice.approver.username == "phochutich"
