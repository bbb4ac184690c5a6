"""Every transition of the matter's state machine, allowed and refused, and who may take it."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tiepdan.core.models import AuditEntry
from tiepdan.intake import services as intake, workflow
from tiepdan.intake.models import MatterState
from tiepdan.organisations.models import DelegationOfAuthority
from tiepdan.triage import services
from tiepdan.triage.models import Decision
from tiepdan.triage.rules import Ground

pytestmark = pytest.mark.django_db
S = MatterState


@pytest.fixture
def classified(official, board_matter):
    def make(**overrides):
        m = board_matter(wants_online=True, **overrides)
        return services.classify(by=official("bantcd"), matter=m, kind=m.kind, subject_area="land", arose_at="Xã Bản Chắt")
    return make


@pytest.fixture
def proposed(official, classified):
    def make(**overrides):
        m = classified(**overrides)
        services.propose(by=official("bantcd"), matter=m, ground=Ground.ART20_COMPLEX, reason="Vụ việc kéo dài, cần Sở NN&MT và UBND xã cùng đối thoại")
        m.refresh_from_db()
        return m
    return make


def test_every_state_has_a_refusal_or_a_table_entry():
    for a in S.values:
        for b in S.values:
            assert (workflow.refusal_reason(a, b) is None) == ((a, b) in workflow.TRANSITIONS)


def test_approving_a_received_matter_says_what_is_missing():
    assert workflow.refusal_reason(S.RECEIVED, S.APPROVED) == "Không thể chuyển vụ việc từ «Đã tiếp nhận» sang «Được duyệt tiếp»: cần phân loại và đề xuất trước."


def test_deadlines_skip_weekends_and_holidays():
    friday = timezone.make_aware(dt.datetime(2026, 8, 28, 9, 0))  # Mon 31 Aug, 1-2 Sep are days off
    due = workflow.deadline_for(S.RECEIVED, friday)
    assert due.date() == dt.date(2026, 9, 9)
    assert workflow.deadline_for(S.APPROVED, friday) is None


def test_classify_moves_received_to_classified_with_audit(official, classified):
    m = classified()
    assert m.state == S.CLASSIFIED
    t = m.transitions.last()
    assert (t.from_state, t.to_state, t.by) == (S.RECEIVED, S.CLASSIFIED, official("bantcd"))
    assert AuditEntry.objects.filter(action="matter.classified", object_id=str(m.pk)).exists()


def test_chairman_cannot_approve_a_received_matter(official, board_matter):
    m = board_matter()
    with pytest.raises(ValidationError) as exc:
        services.decide(by=official("chutich"), matter=m, approve=True)
    assert "cần phân loại và đề xuất trước" in exc.value.messages[0]
    m.refresh_from_db()
    assert m.state == S.RECEIVED


def test_propose_needs_a_reason_and_consent(official, board_matter):
    m = services.classify(by=official("bantcd"), matter=board_matter(), kind="complaint", subject_area="land")
    with pytest.raises(ValidationError) as exc:
        services.propose(by=official("bantcd"), matter=m, ground=Ground.ART20_COMPLEX, reason="Phức tạp")
    assert "chưa đồng ý" in exc.value.message_dict["ground"][0]
    intake.record_online_consent(by=official("bantcd"), matter=m, consent=True)
    with pytest.raises(ValidationError) as exc:
        services.propose(by=official("bantcd"), matter=m, ground=Ground.ART20_COMPLEX, reason="")
    assert "reason" in exc.value.message_dict
    m.refresh_from_db()
    assert m.state == S.CLASSIFIED


def test_protected_denunciation_cannot_be_proposed(official, classified):
    m = classified(kind="denunciation", identity_protected=True, summary="Tố cáo cán bộ địa chính xã nhận tiền khi làm hồ sơ đất")
    with pytest.raises(ValidationError) as exc:
        services.propose(by=official("bantcd"), matter=m, ground=Ground.ART20_OTHER, reason="Cần thiết")
    assert "không được tiếp trực tuyến" in exc.value.message_dict["ground"][0]


def test_chairman_approves_and_chooses_agencies(official, proposed, demo):
    m = proposed()
    decision = services.decide(by=official("chutich"), matter=m, approve=True, agencies_required=[demo["Sở NN&MT"], demo["Sở TC"]])
    m.refresh_from_db()
    assert m.state == S.APPROVED and decision.outcome == Decision.Outcome.APPROVED
    assert set(m.agencies_required.all()) == {demo["Sở NN&MT"], demo["Sở TC"]}
    from tiepdan.triage.selectors import matters_awaiting_schedule

    assert list(matters_awaiting_schedule(demo["committee"])) == [m]


def test_chairman_declines_with_a_reply(official, proposed):
    m = proposed()
    with pytest.raises(ValidationError) as exc:
        services.decide(by=official("chutich"), matter=m, approve=False, reason="Đã giải quyết đúng", advice="")
    assert "advice" in exc.value.message_dict
    d = services.decide(by=official("chutich"), matter=m, approve=False, reason="Vụ việc đã được giải quyết đúng pháp luật, không có tình tiết mới", advice="Gửi đơn khởi kiện tại Tòa án nhân dân tỉnh\nLiên hệ Thanh tra tỉnh để được hướng dẫn")
    m.refresh_from_db()
    assert m.state == S.DECLINED and d.reply_number.endswith("/TB-UBND")


def test_board_officer_cannot_decide_but_may_decline_a_classified_matter(official, proposed, classified):
    with pytest.raises(PermissionDenied):
        services.decide(by=official("bantcd"), matter=proposed(), approve=True)
    m = classified(citizen=None)
    d = services.decline(by=official("bantcd"), matter=m, reason="Không thuộc thẩm quyền Chủ tịch UBND tỉnh", advice="Gửi đơn đến UBND xã Bản Chắt")
    assert d.outcome == Decision.Outcome.DECLINED


def test_commune_officer_cannot_approve_or_classify(official, household):
    m = household()
    with pytest.raises(PermissionDenied):
        services.classify(by=official("canboxa"), matter=m, kind="complaint", subject_area="land")
    with pytest.raises((PermissionDenied, ValidationError)):
        services.decide(by=official("canboxa"), matter=m, approve=True)


def test_commune_officer_cannot_approve_a_proposed_matter(official, household):
    m = household(wants_online=True)
    services.classify(by=official("bantcd"), matter=m, kind="complaint", subject_area="land")
    services.propose(by=official("bantcd"), matter=m, ground=Ground.ART20_REMOTE, reason="Hộ dân ở vùng cao, đi lại khó khăn")
    with pytest.raises(PermissionDenied):
        services.decide(by=official("canboxa"), matter=m, approve=True)


def test_deputy_decides_within_the_authorised_period_only(official, proposed):
    deputy = official("phochutich")
    m = proposed()
    services.decide(by=deputy, matter=m, approve=True)
    DelegationOfAuthority.objects.filter(deputy=deputy).update(valid_from=timezone.localdate() - dt.timedelta(days=60), valid_until=timezone.localdate() - dt.timedelta(days=1))
    other = proposed(citizen=None)
    with pytest.raises(PermissionDenied) as exc:
        services.decide(by=deputy, matter=other, approve=True)
    assert "thời gian được Chủ tịch UBND tỉnh ủy quyền" in str(exc.value)


def test_return_and_withdraw_from_each_open_state(official, board_matter, classified, proposed):
    bantcd = official("bantcd")
    for make in (board_matter, classified):
        m = services.return_for_completion(by=bantcd, matter=make(), reason="Thiếu quyết định giải quyết lần đầu")
        assert m.state == S.RETURNED
        assert intake.withdraw(by=bantcd, matter=m, reason="Công dân có đơn xin rút").state == S.WITHDRAWN
    m = proposed()
    with pytest.raises(ValidationError):
        services.return_for_completion(by=bantcd, matter=m, reason="x")
    assert intake.withdraw(by=bantcd, matter=m, reason="Công dân rút đơn").state == S.WITHDRAWN


def test_finished_matters_cannot_move(official, proposed):
    m = proposed()
    intake.withdraw(by=official("bantcd"), matter=m, reason="Công dân rút đơn")
    with pytest.raises(ValidationError) as exc:
        services.decide(by=official("chutich"), matter=m, approve=True)
    assert "đã kết thúc" in exc.value.messages[0]


def test_withdraw_needs_a_reason(official, board_matter):
    with pytest.raises(ValidationError):
        intake.withdraw(by=official("bantcd"), matter=board_matter(), reason=" ")


def test_link_repeat(official, board_matter, citizen_data):
    first = board_matter()
    again = board_matter(citizen=citizen_data(id_number=first.citizen.id_number))
    services.link_repeat(by=official("bantcd"), matter=again, original=first, reason="Cùng nội dung thu hồi đất")
    again.refresh_from_db()
    assert again.repeat_of == first
    with pytest.raises(ValidationError):
        services.link_repeat(by=official("bantcd"), matter=first, original=again)


def test_reply_to_a_declined_citizen_as_docx_and_pdf(official, proposed):
    from tiepdan.triage import replies

    m = proposed()
    d = services.decide(by=official("chutich"), matter=m, approve=False, reason="Vụ việc đã được giải quyết đúng pháp luật", advice="Gửi đơn khởi kiện tại Tòa án nhân dân tỉnh")
    doc = replies.reply_document(d)
    text = doc.plain_text()
    assert "Nguyễn Văn Bình" in text and "đã được giải quyết đúng pháp luật" in text and "Tòa án nhân dân tỉnh" in text
    docx, name, _ = replies.reply_file(by=official("bantcd"), decision=d, fmt="docx")
    assert docx[:2] == b"PK" and name == f"{d.reply_number.replace('/', '-')}.docx"
    pdf, _, mime = replies.reply_file(by=official("bantcd"), decision=d, fmt="pdf")
    assert pdf[:5] == b"%PDF-" and mime == "application/pdf"
    assert AuditEntry.objects.filter(action="documents.download", object_id=str(d.reply_document_id)).count() == 2


def test_a_reply_the_board_sends_is_signed_by_the_head_of_the_board_by_name(official, classified, make_official, demo):
    from tiepdan.documents.pdf import render_pdf
    from tiepdan.triage import replies

    m = classified(citizen=None)
    d = services.decline(by=official("bantcd"), matter=m, reason="Không thuộc thẩm quyền Chủ tịch UBND tỉnh", advice="Gửi đơn đến UBND xã Bản Chắt")
    # No head on record: the officer who declined signs under their own position, never a blank name.
    assert "Hoàng Văn Bình" in replies.reply_document(d).plain_text()
    make_official("board_officer", demo["board"], username="truongban", full_name="Lộc Thị Thu", position="Trưởng ban Tiếp công dân tỉnh")
    text = replies.reply_document(d).plain_text()
    assert "TL. CHỦ TỊCH" in text.upper() and "Lộc Thị Thu" in text
    assert render_pdf(replies.reply_document(d))[:5] == b"%PDF-"


def test_a_withdrawal_must_say_why_and_a_declined_matter_never_moves_again(official, classified):
    m = classified()
    with pytest.raises(ValidationError) as exc:
        intake.withdraw(by=official("bantcd"), matter=m, reason=" ")
    assert "«Đã rút»" in exc.value.message_dict["reason"][0]
    m.refresh_from_db()
    assert m.state == S.CLASSIFIED
    services.decline(by=official("bantcd"), matter=m, reason="Không thuộc thẩm quyền Chủ tịch UBND tỉnh", advice="Gửi đơn đến UBND xã Bản Chắt")
    with pytest.raises(ValidationError) as exc:
        intake.withdraw(by=official("bantcd"), matter=m, reason="Công dân rút đơn")
    assert exc.value.messages == ["Không thể chuyển vụ việc từ «Không tiếp» sang «Đã rút»: vụ việc đã kết thúc, không thay đổi được nữa."]


def test_a_commune_officer_cannot_classify_a_matter(official, board_matter):
    m = board_matter()
    with pytest.raises(PermissionDenied) as exc:
        services.classify(by=official("canboxa"), matter=m, kind="complaint", subject_area="land")
    assert str(exc.value) == "Vai trò của bạn không được phân loại vụ việc."
    m.refresh_from_db()
    assert m.state == S.RECEIVED and not m.transitions.exclude(from_state="").exists()


def test_a_decline_whose_reason_shows_nothing_or_reads_backwards_is_refused_and_nothing_is_issued(official, classified):
    m = classified()
    with pytest.raises(ValidationError) as refused:
        services.decline(by=official("bantcd"), matter=m, reason="\u200b\u200b\u200b", advice="Đến Ban vào ngày 15 \u202etháng sau")
    assert "chỉ gồm ký tự vô hình" in str(refused.value.message_dict["reason"])
    assert "U+202E" in str(refused.value.message_dict["advice"])
    m.refresh_from_db()
    assert m.state == MatterState.CLASSIFIED and not Decision.objects.filter(matter=m).exists()
