"""The reply to a citizen not received is an issued document: one register of outgoing documents
(numbered from the locked counter, stored with SHA-256, listed, linked), and a protected denouncer's
letter opened only by those who may reveal the identity."""
import datetime as dt
import hashlib
import io
import threading

import pytest
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from tiepdan.core.models import AuditEntry
from tiepdan.documents import forms as doc_forms
from tiepdan.documents.models import DocumentKind
from tiepdan.documents.official import Signature
from tiepdan.documents.services import issue_document
from tiepdan.triage import services

pytestmark = pytest.mark.django_db

REASON, ADVICE = "Không thuộc thẩm quyền Chủ tịch UBND tỉnh", "Gửi đơn đến UBND xã Bản Chắt"


@pytest.fixture
def classified(official, board_matter):
    def make(**overrides):
        m = board_matter(**overrides)
        return services.classify(by=official("bantcd"), matter=m, kind=m.kind, subject_area="land")
    return make


def _session_notice(demo):
    committee = demo["committee"]
    starts = timezone.now() + dt.timedelta(days=7)
    session = doc_forms.SessionInfo(chair_title="Chủ tịch UBND tỉnh", chair_name="Hồ Tiến Thiệu", starts_at=starts, ends_at=starts + dt.timedelta(hours=3), central_point="Trụ sở UBND tỉnh")
    issuer = doc_forms.Issuer(issuing_body=committee.name, place="Lạng Sơn", signature=Signature(title="Chủ tịch", signer_name="Hồ Tiến Thiệu", authority="TM. Ủy ban nhân dân"))
    return doc_forms.session_notice(issuer=issuer, on=timezone.localdate(), session=session, agenda=[], participants=["Sở Tài chính"])


def test_a_reply_is_issued_numbered_stored_hashed_listed_and_linked(official, classified, client):
    m = classified()
    d = services.decline(by=official("bantcd"), matter=m, reason=REASON, advice=ADVICE)
    issued = d.reply_document
    assert issued.kind == DocumentKind.REPLY_NOT_RECEIVED and issued.about == m and d.reply_number == issued.number == "01/TB-UBND"
    assert hashlib.sha256(issued.pdf.read()).hexdigest() == issued.pdf_sha256
    client.force_login(official("bantcd"))
    assert issued.number in client.get("/van-ban/").content.decode()
    response = client.get(f"/de-xuat/vu-viec/{m.pk}/tra-loi.pdf")
    assert response.status_code == 200 and hashlib.sha256(response.content).hexdigest() == issued.pdf_sha256


def test_a_reply_and_a_session_notice_never_share_a_number(official, classified, demo):
    notice = issue_document(by=official("bantcd"), kind=DocumentKind.SESSION_NOTICE, doc=_session_notice(demo), organisation=demo["committee"])
    d = services.decline(by=official("bantcd"), matter=classified(), reason=REASON, advice=ADVICE)
    later = issue_document(by=official("bantcd"), kind=DocumentKind.SESSION_NOTICE, doc=_session_notice(demo), organisation=demo["committee"])
    assert [notice.number, d.reply_number, later.number] == ["01/TB-UBND", "02/TB-UBND", "03/TB-UBND"]


@pytest.mark.django_db(transaction=True)
def test_two_declines_at_the_same_moment_get_two_numbers(official, classified):
    matters = [classified(), classified()]
    officer = official("bantcd")
    start, numbers, errors = threading.Barrier(len(matters)), [], []

    def decline(matter):
        try:
            start.wait()
            numbers.append(services.decline(by=officer, matter=matter, reason=REASON, advice=ADVICE).reply_number)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=decline, args=(m,)) for m in matters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(numbers) == ["01/TB-UBND", "02/TB-UBND"]


# --- A protected denouncer (Decree 154/2026 Art. 12; Đồng Tháp plan §II.4) -----------------------------
@pytest.fixture
def protected_reply(official, classified):
    m = classified(kind="denunciation", identity_protected=True, summary="Tố cáo cán bộ địa chính xã nhận tiền khi làm hồ sơ tách thửa")
    return m, services.decline(by=official("bantcd"), matter=m, reason="Tố cáo giữ bí mật danh tính không tiếp trực tuyến", advice="Đến Ban Tiếp công dân tỉnh vào ngày tiếp định kỳ")


def test_a_commune_officer_or_an_inspector_cannot_open_a_protected_denouncers_letter(official, protected_reply, client):
    m, d = protected_reply
    assert d.reply_document.identity_protected
    for username in ("canboxa", "thanhtra"):
        client.force_login(official(username))
        assert client.get(f"/vu-viec/{m.pk}/").status_code == 200  # the matter itself stays in their view, masked
        for url in (f"/de-xuat/vu-viec/{m.pk}/tra-loi.pdf", f"/de-xuat/vu-viec/{m.pk}/tra-loi.docx", f"/van-ban/{d.reply_document_id}/pdf/"):
            response = client.get(url)
            # The province's own document lies outside a commune's scope (404); the matter's page is in it (403).
            outside_scope = username == "canboxa" and url.startswith("/van-ban/")
            assert response.status_code == (404 if outside_scope else 403), url
            assert "Nguyễn Văn Bình" not in response.content.decode() and m.citizen.id_number not in response.content.decode()
        listing = client.get("/van-ban/").content.decode()
        assert f"/van-ban/{d.reply_document_id}/pdf/" not in listing
        assert (d.reply_number in listing) == (username == "thanhtra")  # a commune lists its own documents only
    assert not AuditEntry.objects.filter(action="documents.download").exists()


def test_the_board_officer_opens_it_and_the_read_is_audited_as_a_reveal(official, protected_reply, client):
    m, d = protected_reply
    client.force_login(official("bantcd"))
    response = client.get(f"/de-xuat/vu-viec/{m.pk}/tra-loi.pdf")
    assert response.status_code == 200
    assert "Nguyễn Văn Bình" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    entry = AuditEntry.objects.get(action="documents.download", object_id=str(d.reply_document_id))
    assert entry.actor == official("bantcd") and entry.changes["identity_protected"] is True and "bí mật" in entry.reason


def test_the_register_book_export_masks_a_protected_denouncer(official, protected_reply, client):
    m, _ = protected_reply
    for username in ("thanhtra", "bantcd"):
        client.force_login(official(username))
        content = client.get("/vu-viec/so-tiep-cong-dan/?format=xlsx").content
        cells = [str(c.value) for row in load_workbook(io.BytesIO(content)).active.iter_rows() for c in row if c.value is not None]
        assert not any("Nguyễn Văn Bình" in v or m.citizen.id_number in v for v in cells)
        assert any("Giữ bí mật danh tính" in v for v in cells)
