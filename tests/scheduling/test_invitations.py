"""Invitations and the session notice: issued documents (DOCX, PDF) at least 5 working days ahead."""
import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from tiepdan.core.models import AuditEntry
from tiepdan.documents.models import DocumentKind
from tiepdan.documents.selectors import documents_about
from tiepdan.notifications import selectors as notices
from tiepdan.scheduling import agenda, invitations
from tiepdan.scheduling.models import SessionStatus
from tiepdan.scheduling.rules import VN_TZ

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(sessions, approved_matter, demo, official):
    from tiepdan.organisations.models import AdministrativeUnit

    unit = AdministrativeUnit.objects.filter(parent=demo["committee"].unit).order_by("code").first()
    approved_matter(unit, dt.datetime(2026, 11, 3, 9, tzinfo=VN_TZ), agencies=[demo["Sở NN&MT"]], name="Hoàng Văn Páo")
    agenda.fill_agenda(by=official("bantcd"), session=sessions[1])
    return sessions[1]


def test_invitations_and_the_notice_are_issued_and_mailed_on_time(planned, official, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        issued = invitations.send_invitations(by=official("bantcd"), session=planned, today=dt.date(2026, 12, 8))  # the last day allowed
    planned.refresh_from_db()
    assert planned.status == SessionStatus.INVITATIONS_SENT
    kinds = sorted(d.kind for d in issued)
    # The notice, and invitations to the citizen, the commune chairman and the department.
    assert kinds == sorted([DocumentKind.SESSION_NOTICE, DocumentKind.INVITATION, DocumentKind.INVITATION, DocumentKind.INVITATION])
    assert all(d.pdf.size > 0 and d.docx.size > 0 for d in issued)
    assert {d.pk for d in documents_about(official("bantcd"), planned)} == {d.pk for d in issued}
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert "sonnmt@demo.tiepdan.local" in recipients and "chutichxa@demo.tiepdan.local" in recipients
    assert any(r.startswith("congdan") for r in recipients)
    # Officials also find their invitation in the app; the citizen, who has no account, only by e-mail.
    told = notices.about(planned)
    assert {n.recipient.username for n in told if n.recipient_id} >= {"chutichxa"}
    assert [n.address for n in told if not n.recipient_id and n.address.startswith("congdan")]
    assert all(n.emailed for n in told) and all(n.subject.startswith("[Tiếp công dân] Giấy mời ") for n in told)


def test_invitations_after_the_deadline_are_refused_without_a_reason(planned, official):
    with pytest.raises(ValidationError) as err:
        invitations.send_invitations(by=official("bantcd"), session=planned, today=dt.date(2026, 12, 9))
    assert "08/12/2026" in str(err.value) and "Điều 23" in str(err.value)
    planned.refresh_from_db()
    assert planned.status == SessionStatus.PLANNED


def test_late_invitations_with_a_reason_are_recorded(planned, official):
    invitations.send_invitations(by=official("bantcd"), session=planned, today=dt.date(2026, 12, 10), late_reason="Lịch thay đổi do bão")
    entry = AuditEntry.objects.get(action="scheduling.invitations")
    assert entry.reason == "Lịch thay đổi do bão" and entry.changes["late"] is True


def test_invitations_go_out_once(planned, official):
    invitations.send_invitations(by=official("bantcd"), session=planned, today=dt.date(2026, 12, 1))
    with pytest.raises(ValidationError):
        invitations.send_invitations(by=official("bantcd"), session=planned, today=dt.date(2026, 12, 1))


def _texts(document) -> tuple[str, str]:
    """What a reader sees in both renderings: the DOCX's paragraphs and table cells, the PDF's text (pypdf)."""
    import io

    import docx
    from pypdf import PdfReader

    document.docx.open("rb")
    word = docx.Document(io.BytesIO(document.docx.read()))
    document.docx.close()
    parts = [p.text for p in word.paragraphs] + [c.text for t in word.tables for row in t.rows for c in row.cells]
    document.pdf.open("rb")
    pdf = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(document.pdf.read())).pages)
    document.pdf.close()
    return "\n".join(parts), pdf


def test_invitations_name_the_point_and_the_organisation_once_and_stt_does_not_wrap(sessions, approved_matter, demo, official):
    from tiepdan.bridges import services as bridges
    from tiepdan.organisations.models import AdministrativeUnit, Organisation, User

    bridges.create_commune_points(province_committee=demo["committee"], by=None)
    # A commune without a chairman's account: its seat is kept for "Lãnh đạo <the committee>".
    unit = next(u for u in AdministrativeUnit.objects.filter(parent=demo["committee"].unit).order_by("code")
                if not User.objects.filter(organisation__unit=u, role="commune_chairman").exists())
    committee = Organisation.objects.get(kind=Organisation.Kind.COMMUNE_COMMITTEE, unit=unit)
    approved_matter(unit, dt.datetime(2026, 11, 3, 9, tzinfo=VN_TZ), name="Hoàng Văn Páo")
    agenda.fill_agenda(by=official("bantcd"), session=sessions[1])
    issued = invitations.send_invitations(by=official("bantcd"), session=sessions[1], today=dt.date(2026, 12, 1))
    leader = next(d for d in issued if d.kind == DocumentKind.INVITATION and f"Lãnh đạo {committee.name}" in _texts(d)[1])
    for text in _texts(leader):
        assert f"Điểm cầu {unit.name}" in text
        assert "Điểm cầu Điểm cầu" not in text
        assert f"Lãnh đạo {committee.name} ({committee.name})" not in text
    notice = next(d for d in issued if d.kind == DocumentKind.SESSION_NOTICE)
    word, pdf = _texts(notice)
    assert "Điểm cầu Điểm cầu" not in word and "Điểm cầu Điểm cầu" not in pdf
    assert "STT" in pdf.split(), "the STT header wrapped in the PDF"
    import io

    import docx
    from docx.shared import Mm

    notice.docx.open("rb")
    tables = docx.Document(io.BytesIO(notice.docx.read())).tables
    notice.docx.close()
    stt = next(t.cell(0, 0) for t in tables if t.cell(0, 0).text == "STT")
    assert stt.width >= Mm(14.9)  # (Word stores twips) wide enough with Word's cell margins for "STT" on one line
