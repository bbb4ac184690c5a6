"""Invitations and the session notice: issued documents (DOCX, PDF) at least 5 working days ahead."""
import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from tiepdan.core.models import AuditEntry
from tiepdan.documents.models import DocumentKind
from tiepdan.documents.selectors import documents_about
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
