"""A settled matter repeated (Law 2013 Art. 9(3); Decree 154/2026 Art. 4(1)(h), 4(3)): not proposed,
refused by the head with Form 01/TCD within 3 working days of the grounds."""
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pypdf import PdfReader

from tiepdan.documents.models import DocumentKind
from tiepdan.documents.selectors import documents_about
from tiepdan.intake import selectors as intake_selectors
from tiepdan.intake.models import MatterState
from tiepdan.organisations.models import DelegationOfAuthority
from tiepdan.triage import services
from tiepdan.triage.models import RepeatFinding
from tiepdan.triage.rules import Ground

pytestmark = pytest.mark.django_db
S = MatterState


@pytest.fixture
def settled_original(official, board_matter):
    """A complaint the province settled, its decision in force."""
    def make(**overrides):
        m = board_matter(**overrides)
        return services.classify(by=official("bantcd"), matter=m, kind=m.kind, subject_area="land", already_settled=True, settled_by="UBND tỉnh Lạng Sơn", decision_in_force=True)
    return make


@pytest.fixture
def repeat(official, board_matter, citizen_data, settled_original):
    """``repeat(new_facts="")``: the same citizen asks again, linked to the settled matter, classified."""
    def make(new_facts="", kind="complaint", classify=True):
        original = settled_original(kind=kind)
        again = board_matter(citizen=citizen_data(id_number=original.citizen.id_number), kind=kind, wants_online=True)
        services.link_repeat(by=official("bantcd"), matter=again, original=original, new_facts=new_facts)
        if classify:
            again = services.classify(by=official("bantcd"), matter=again, kind=kind, subject_area="land", already_settled=True, settled_by="UBND tỉnh Lạng Sơn", decision_in_force=True)
        again.refresh_from_db()
        return again
    return make


def test_a_repeat_with_something_new_may_be_proposed(official, repeat):
    m = repeat(new_facts="Có Bản án hành chính sơ thẩm mới của TAND tỉnh ngày 10/3/2026")
    proposal = services.propose(by=official("bantcd"), matter=m, ground=Ground.ART20_COMPLEX, reason="Có tình tiết mới, cần đối thoại")
    assert proposal.matter.state == S.PROPOSED
    assert RepeatFinding.objects.get(matter=m).refusal_due_on is None


def test_a_repeat_with_nothing_new_cannot_be_proposed_and_cites_the_article(official, repeat):
    m = repeat()
    with pytest.raises(ValidationError) as exc:
        services.propose(by=official("bantcd"), matter=m, ground=Ground.ART20_COMPLEX, reason="Công dân tiếp tục khiếu nại")
    message = exc.value.message_dict["ground"][0]
    assert "không được đề xuất" in message and "Luật Tiếp công dân 2013, Điều 9 khoản 3" in message and "Mẫu 01/TCD" in message
    m.refresh_from_db()
    assert m.state == S.CLASSIFIED


def test_a_repeated_recommendation_is_refused_under_point_h(official, repeat):
    m = repeat(kind="recommendation")
    with pytest.raises(ValidationError, match="Điều 4 khoản 1 điểm h"):
        services.propose(by=official("bantcd"), matter=m, ground=Ground.ART20_COMPLEX, reason="Kiến nghị lại")


def test_the_chairman_issues_form_01_numbered_and_linked_to_the_matter(official, repeat):
    m = repeat()
    finding = services.issue_refusal_notice(by=official("chutich"), matter=m)
    notice = finding.refusal_document
    assert notice.kind == DocumentKind.REFUSAL_NOTICE and notice.number == "01/TB-UBND" and notice.about == m
    assert list(documents_about(official("bantcd"), m)) == [notice]
    pages = PdfReader(io.BytesIO(notice.pdf.read())).pages
    text = "".join(page.extract_text() for page in pages)
    assert "Mẫu số 01/TCD" in text and "Nguyễn Văn Bình" in text and "khoản 3 Điều 9 Luật Tiếp công dân năm 2013" in text
    assert "Hồ Tiến Thiệu" in text
    m.refresh_from_db()
    assert m.state == S.DECLINED and m.state_due_at is None
    assert f"Thông báo số {notice.number}" in m.transitions.last().reason
    with pytest.raises(ValidationError, match="đã được ban hành"):
        services.issue_refusal_notice(by=official("chutich"), matter=m)


def test_only_the_head_issues_the_refusal(official, repeat):
    m = repeat()
    with pytest.raises(PermissionDenied):
        services.issue_refusal_notice(by=official("bantcd"), matter=m)
    deputy = official("phochutich")
    DelegationOfAuthority.objects.filter(deputy=deputy).update(valid_from=timezone.localdate() - dt.timedelta(days=60), valid_until=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(PermissionDenied, match="ủy quyền"):
        services.issue_refusal_notice(by=deputy, matter=m)
    # The head's power to close a classified matter is Form 01 only: it does not open the Board's decline to him.
    with pytest.raises(PermissionDenied):
        services.decline(by=official("chutich"), matter=m, reason="Không tiếp", advice="Gửi đơn đến Tòa án")


def test_an_authorised_deputy_issues_it_on_the_chairmans_authority(official, repeat):
    finding = services.issue_refusal_notice(by=official("phochutich"), matter=repeat())
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(finding.refusal_document.pdf.read())).pages)
    assert "Đoàn Thu Hà" in text and "KT. CHỦ TỊCH" in text.upper()


def test_no_refusal_without_the_grounds(official, repeat, board_matter):
    with pytest.raises(ValidationError, match="không có căn cứ từ chối"):
        services.issue_refusal_notice(by=official("chutich"), matter=repeat(new_facts="Có tài liệu mới"))
    with pytest.raises(ValidationError, match="không có căn cứ từ chối"):
        services.issue_refusal_notice(by=official("chutich"), matter=services.classify(by=official("bantcd"), matter=board_matter(), kind="complaint", subject_area="land"))


def test_the_board_cannot_answer_with_a_reply_instead_of_form_01(official, repeat):
    with pytest.raises(ValidationError, match="Mẫu 01/TCD"):
        services.decline(by=official("bantcd"), matter=repeat(), reason="Đã giải quyết", advice="Gửi đơn đến Tòa án")


def test_the_refusal_falls_due_three_working_days_after_the_grounds_over_a_holiday(official, repeat, monkeypatch, client):
    # Friday 28/8/2026: Monday 31/8 (swapped for Saturday 22/8), 1/9 and 2/9 are days off.
    friday = timezone.make_aware(dt.datetime(2026, 8, 28, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: friday)
    m = repeat(classify=False)
    finding = RepeatFinding.objects.get(matter=m)
    assert (finding.grounds_on, finding.refusal_due_on) == (dt.date(2026, 8, 28), dt.date(2026, 9, 7))
    # Classifying resets the step's deadline to five working days; the refusal keeps its own.
    m = services.classify(by=official("bantcd"), matter=m, kind="complaint", subject_area="land", already_settled=True, settled_by="UBND tỉnh", decision_in_force=True)
    m.refresh_from_db()
    assert timezone.localtime(m.state_due_at).date() == dt.date(2026, 9, 7)
    client.force_login(official("bantcd"))
    page = client.get(f"/vu-viec/{m.pk}/").content.decode()
    assert "hạn ra Thông báo từ chối tiếp (Mẫu 01/TCD): 07/09/2026" in page and "Điều 9 khoản 3" in page
    after = timezone.make_aware(dt.datetime(2026, 9, 8, 9, 0))
    assert m in intake_selectors.matters_overdue(after)
    monkeypatch.setattr(timezone, "now", lambda: after)
    client.force_login(official("bantcd"))  # a session idle for eleven days has ended
    assert "Quá hạn" in client.get(f"/vu-viec/{m.pk}/").content.decode()
    services.issue_refusal_notice(by=official("chutich"), matter=m)
    assert m not in intake_selectors.matters_overdue(after)
    assert "hạn ra Thông báo từ chối" not in client.get(f"/vu-viec/{m.pk}/").content.decode()


def test_the_chairman_sees_the_button_and_issues_from_the_matter_page(official, repeat, client):
    m = repeat()
    client.force_login(official("chutich"))
    assert "Ban hành Thông báo từ chối tiếp công dân (Mẫu 01/TCD)" in client.get(f"/vu-viec/{m.pk}/").content.decode()
    response = client.post(f"/de-xuat/vu-viec/{m.pk}/tu-choi/", follow=True)
    assert "Đã ban hành Thông báo từ chối tiếp công dân số 01/TB-UBND" in response.content.decode()
    client.force_login(official("bantcd"))
    assert "Ban hành Thông báo từ chối" not in client.get(f"/vu-viec/{m.pk}/").content.decode()
