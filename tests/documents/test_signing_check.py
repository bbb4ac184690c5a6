"""Whoever receives a file can check it: the public page and ``manage.py verify_document``."""
from __future__ import annotations


import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tiepdan.core.models import AuditEntry
from tiepdan.documents import services, views
from tiepdan.documents.models import DocumentKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(test_signer, demo, official, refusal, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return services.issue_document(by=official("bantcd"), kind=DocumentKind.REFUSAL_NOTICE, doc=refusal, organisation=demo["committee"])


def _changed(pdf: bytes) -> bytes:
    changed = bytearray(pdf)
    changed[len(pdf) // 4] ^= 0x01
    return bytes(changed)


def _upload(client, content: bytes, name="van-ban.pdf"):
    return client.post(reverse("documents:check"), {"file": SimpleUploadedFile(name, content, content_type="application/pdf")})


def test_a_visitor_not_signed_in_learns_the_file_is_ours_signed_and_unchanged(issued):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("documents:check"))
    assert page.status_code == 200
    token = page.cookies["csrftoken"].value
    response = client.post(reverse("documents:check"), {"file": SimpleUploadedFile("tb.pdf", issued.pdf.read()), "csrfmiddlewaretoken": token})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Đây là văn bản do Ủy ban nhân dân tỉnh Lạng Sơn ban hành, chữ ký hợp lệ" in html
    assert issued.number in html
    # Number, date and issuing body only: never the citizen the document names.
    assert "Nguyễn Văn Bình" not in html and "020085001234" not in html
    entry = AuditEntry.objects.filter(action="documents.check_file").latest("id")
    assert entry.actor is None and entry.changes["ok"] is True and entry.changes["sha256"] == issued.pdf_sha256


def test_a_changed_file_is_refused_with_its_reason(issued):
    response = _upload(Client(), _changed(issued.pdf.read()))
    html = response.content.decode()
    assert "Không xác nhận được tệp này" in html
    assert "không trùng với văn bản nào do hệ thống ban hành" in html
    assert "bị thay đổi sau khi ký" in html


def test_the_check_form_is_csrf_protected(issued):
    response = Client(enforce_csrf_checks=True).post(reverse("documents:check"), {"file": SimpleUploadedFile("tb.pdf", issued.pdf.read())})
    assert response.status_code == 403


def test_not_a_pdf_and_too_large_are_refused_in_vietnamese(db, monkeypatch):
    assert "không phải tệp PDF" in _upload(Client(), b"hello", "x.pdf").content.decode()
    monkeypatch.setattr(views, "CHECK_MAX_BYTES", 1000)
    response = _upload(Client(), b"%PDF-1.4\n" + b"0" * 5000)
    assert response.status_code == 400 and "lớn hơn 20 MB" in response.content.decode()


def test_checks_are_limited_per_address(db, monkeypatch):
    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(views, "CHECKS_PER_ADDRESS_PER_HOUR", 2)
    client = Client()
    statuses = [_upload(client, b"nope").status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    cache.clear()


def test_verify_document_exit_codes(issued, tmp_path, capsys):
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(issued.pdf.read())
    bad.write_bytes(_changed(good.read_bytes()))

    call_command("verify_document", str(good))
    assert "HỢP LỆ" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exited:
        call_command("verify_document", str(bad))
    assert exited.value.code == 1
    assert "KHÔNG HỢP LỆ" in capsys.readouterr().out


def test_an_unsigned_issued_document_is_recognised_but_not_confirmed(demo, official, refusal, settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path
    settings.SIGNING_PKCS12_PATH = ""
    document = services.issue_document(by=official("bantcd"), kind=DocumentKind.REFUSAL_NOTICE, doc=refusal, organisation=demo["committee"])
    path = tmp_path / "unsigned.pdf"
    path.write_bytes(document.pdf.read())
    with pytest.raises(SystemExit):
        call_command("verify_document", str(path))
    out = capsys.readouterr().out
    assert document.number in out and "chưa ký số" in out


def test_make_signing_identity_is_idempotent_and_marked_as_demo(tmp_path, capsys):
    call_command("make_signing_identity", "--dir", str(tmp_path), "--organisation", "Ủy ban nhân dân tỉnh Lạng Sơn")
    first = (tmp_path / "agency.p12").read_bytes()
    call_command("make_signing_identity", "--dir", str(tmp_path))
    assert (tmp_path / "agency.p12").read_bytes() == first
    assert "Đã có sẵn" in capsys.readouterr().out
    from cryptography import x509

    ca = x509.load_pem_x509_certificate((tmp_path / "ca.pem").read_bytes())
    assert "CA THỬ NGHIỆM - KHÔNG CÓ GIÁ TRỊ PHÁP LÝ" in ca.subject.rfc4514_string()
