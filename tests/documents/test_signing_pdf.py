"""Issued PDFs carry the agency's PAdES signature, visible where Decree 30 puts it; any change after signing is found."""
from __future__ import annotations

import hashlib
import io
import unicodedata

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from pypdf import PdfReader

from django.core.exceptions import ValidationError

from tiepdan.core.models import AuditEntry
from tiepdan.documents import services, signing
from tiepdan.documents.models import DocumentKind
from tiepdan.documents.pdf import render_pdf
from tiepdan.documents.seal import appearance_pdf, seal_png

SIGN_ARGS = dict(field_name="ChuKyCoQuan", signer_name="Đoàn Thu Hà", title="Phó Chủ tịch", authority_lines=["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"], location="Lạng Sơn", reason="Ban hành văn bản")


@pytest.fixture
def unsigned_pdf(refusal):
    refusal.number = 7
    return render_pdf(refusal)


def _pyhanko_status(pdf: bytes, ca_cert):
    """pyHanko's own verdict, against the test CA only: not through our wrapper."""
    root = asn1_x509.Certificate.load(ca_cert.public_bytes(Encoding.DER))
    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    return validate_pdf_signature(sig, signer_validation_context=ValidationContext(trust_roots=[root]))


def _flip_byte_inside_signed_range(pdf: bytes, original_length: int) -> bytes:
    """One bit changed in the middle of the document as rendered (the signed range, far from the signature)."""
    changed = bytearray(pdf)
    changed[original_length // 2] ^= 0x01
    return bytes(changed)


def test_pades_signature_validates_with_pyhanko_against_the_test_ca(test_signer, unsigned_pdf):
    signed = test_signer.sign_pdf(unsigned_pdf, **SIGN_ARGS)

    status = _pyhanko_status(signed, test_signer.ca_cert)
    assert status.bottom_line and status.trusted and status.intact
    assert status.coverage.name == "ENTIRE_FILE"
    sig = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES, not adbe.pkcs7
    result = signing.verify_pdf(signed)
    assert result.ok, result.problems
    assert "Thử Nghiệm" in result.signer and result.signed_at is not None


def test_one_changed_byte_fails_pyhanko_and_ours(test_signer, unsigned_pdf):
    changed = _flip_byte_inside_signed_range(test_signer.sign_pdf(unsigned_pdf, **SIGN_ARGS), len(unsigned_pdf))

    assert not _pyhanko_status(changed, test_signer.ca_cert).intact
    result = signing.verify_pdf(changed)
    assert not result.ok and any("bị thay đổi sau khi ký" in p for p in result.problems)


def test_content_added_after_signing_is_reported(test_signer, unsigned_pdf):
    writer = IncrementalPdfFileWriter(io.BytesIO(test_signer.sign_pdf(unsigned_pdf, **SIGN_ARGS)))
    writer.root["/OpenAction"] = generic.NameObject("/Changed")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)

    result = signing.verify_pdf(out.getvalue())
    assert not result.ok and any("bị sửa sau khi ký" in p for p in result.problems)


def test_visible_signature_shows_agency_and_iso_time_beside_the_seal_above_the_name(test_signer, unsigned_pdf):
    signed = test_signer.sign_pdf(unsigned_pdf, **SIGN_ARGS)
    page = PdfReader(io.BytesIO(signed)).pages[-1]
    widget = next(a.get_object() for a in page["/Annots"] if a.get_object().get("/FT") == "/Sig")
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    assert x2 - x1 > 150 and y2 - y1 > 80  # the seal (34 mm) and the information beside it
    # The appearance, drawn alone and read back: the agency and the signing time in ISO 8601, Vietnamese zone.
    drawn = PdfReader(io.BytesIO(appearance_pdf(organisation="Ủy ban nhân dân tỉnh Thử Nghiệm", signed_at="2026-02-05T09:30:00+07:00", width_pt=x2 - x1, height_pt=y2 - y1))).pages[0].extract_text()
    assert "Ủy ban nhân dân tỉnh Thử Nghiệm" in drawn and "2026-02-05T09:30:00+07:00" in drawn
    # Above the signer's name, in the right half of the page (the signature column).
    assert x1 > float(page.mediabox.width) / 2 - 60


def test_seal_is_red_on_transparent():
    image = seal_png("Ủy ban nhân dân tỉnh Lạng Sơn")
    assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0
    inked = [p for p in image.getdata() if p[3] > 200]
    assert inked and all(r > 150 and g < 90 and b < 90 for r, g, b, _ in inked)


def test_pades_b_t_carries_the_tsa_timestamp(signing_pki, unsigned_pdf):
    signed = signing.get_signer().sign_pdf(unsigned_pdf, **SIGN_ARGS)

    result = signing.verify_pdf(signed)
    assert result.ok, result.problems
    assert result.timestamp is not None


@pytest.mark.django_db
def test_issue_document_signs_when_configured_and_keeps_every_diacritic(test_signer, demo, official, refusal, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    issued = services.issue_document(by=official("bantcd"), kind=DocumentKind.REFUSAL_NOTICE, doc=refusal, organisation=demo["committee"])

    assert issued.signed and "Thử Nghiệm" in issued.signature_info["signer"]
    pdf = issued.pdf.read()
    assert hashlib.sha256(pdf).hexdigest() == issued.pdf_sha256
    assert signing.verify_pdf(pdf).ok
    text = unicodedata.normalize("NFC", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    for phrase in ("Nguyễn Văn Bình", "Thôn Nà Chuông", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Đoàn Thu Hà", "từ chối tiếp công dân"):
        assert phrase in text, phrase
    assert AuditEntry.objects.filter(action="documents.issue").latest("id").changes["signed"] is True


@pytest.mark.django_db
def test_issue_document_without_identity_is_unsigned(demo, official, refusal, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SIGNING_PKCS12_PATH = ""
    issued = services.issue_document(by=official("bantcd"), kind=DocumentKind.REFUSAL_NOTICE, doc=refusal, organisation=demo["committee"])
    assert not issued.signed and issued.signature_info == {}
    assert not PdfFileReader(io.BytesIO(issued.pdf.read())).embedded_signatures


@pytest.mark.django_db
def test_a_broken_identity_refuses_the_issue_instead_of_issuing_unsigned(test_signer, demo, official, refusal, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SIGNING_PKCS12_PASSWORD = "sai"
    with pytest.raises(ValidationError, match="không ký số được"):
        services.issue_document(by=official("bantcd"), kind=DocumentKind.REFUSAL_NOTICE, doc=refusal, organisation=demo["committee"])
