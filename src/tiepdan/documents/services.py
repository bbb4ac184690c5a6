"""The verbs of documents: issue a document (number, render, store, audit) and hand a stored file to a reader."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from tiepdan.core import audit, policy

from . import signing
from .models import DocumentCounter, DocumentKind, IssuedDocument
from .docx import render_docx
from .official import OfficialDocument
from .pdf import render_pdf

# Who may read a protected denouncer's identity is one policy action, whatever the channel
# (matter page, letter, export): documents naming such a person ask the same question.
PROTECTED_IDENTITY_ACTION = "intake.view_protected_identity"

FORMATS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf"}


def _next_number(*, organisation, year: int, symbol: str) -> int:
    """The next number of this organisation, year and symbol. The counter row is locked until the
    caller's transaction ends, so two officials issuing at once never get the same number
    (PostgreSQL: row lock; SQLite: its transactions are IMMEDIATE, one writer at a time)."""
    counter, _ = DocumentCounter.objects.get_or_create(organisation=organisation, year=year, symbol=symbol)
    counter = DocumentCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


@transaction.atomic
def issue_document(*, by, kind: str, doc: OfficialDocument, about=None, organisation, identity_protected: bool = False) -> IssuedDocument:
    """Give ``doc`` the next number of ``organisation`` for its symbol and year, render it as DOCX and PDF,
    store both with their SHA-256, link it to the object it concerns (``about``) and audit the issue.

    ``identity_protected``: the document names a denouncer who asked for protection; it is then
    opened only by those who may reveal that identity (``PROTECTED_IDENTITY_ACTION``)."""
    policy.require(by, "documents.issue", organisation)
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": f"Loại văn bản «{kind}» không có trong danh mục; chọn một loại đã khai báo."})
    if not doc.symbol:
        raise ValidationError({"symbol": "Văn bản chưa có ký hiệu (ví dụ TB-UBND); hãy tạo văn bản bằng các mẫu trong documents.forms."})
    year = doc.date.year
    sequence = _next_number(organisation=organisation, year=year, symbol=doc.symbol)
    numbered = dataclasses.replace(doc, number=sequence)
    docx_bytes, pdf_bytes = render_docx(numbered), render_pdf(numbered)
    number = numbered.number_line.removeprefix("Số: ")
    pdf_bytes, signature_info = _sign(pdf_bytes, doc=numbered, number=number)
    issued = IssuedDocument(
        kind=kind,
        organisation=organisation,
        year=year,
        symbol=doc.symbol,
        sequence=sequence,
        number=number,
        title=f"{numbered.type_title} {numbered.summary}".strip()[:300],
        issued_at=timezone.now(),
        issued_by=by,
        docx_sha256=hashlib.sha256(docx_bytes).hexdigest(),
        pdf_sha256=hashlib.sha256(pdf_bytes).hexdigest(),
        identity_protected=identity_protected,
        signed=bool(signature_info),
        signature_info=signature_info,
    )
    if about is not None:
        issued.about_type = ContentType.objects.get_for_model(about)
        issued.about_id = str(about.pk)
    stem = f"{sequence:04d}-{doc.symbol}"
    issued.docx.save(f"{stem}.docx", ContentFile(docx_bytes), save=False)
    issued.pdf.save(f"{stem}.pdf", ContentFile(pdf_bytes), save=False)
    # Files written before the commit: if the transaction fails they stay as orphans, never as a wrong record.
    issued.full_clean()
    issued.save()
    audit.record(
        actor=by,
        action="documents.issue",
        obj=issued,
        changes={"kind": kind, "number": issued.number, "identity_protected": identity_protected, "docx_sha256": issued.docx_sha256, "pdf_sha256": issued.pdf_sha256, "signed": issued.signed, "about": f"{issued.about_type.model if issued.about_type else ''}:{issued.about_id}"},
    )
    return issued


def _sign(pdf: bytes, *, doc: OfficialDocument, number: str) -> tuple[bytes, dict]:
    """The PDF signed with the agency's identity when one is configured, and what to record of that signature;
    unchanged and ``{}`` when none is (the document is then issued unsigned and its page says so).

    A configured identity that fails (unreadable key, timestamp authority down) refuses the issue: a document
    that should carry a signature is never issued without one unnoticed."""
    if not signing.signing_configured():
        return pdf, {}
    try:
        signer = signing.get_signer()
        signed = signer.sign_pdf(
            pdf,
            field_name="ChuKyCoQuan",
            signer_name=doc.signature.signer_name,
            title=doc.signature.title,
            authority_lines=doc.signature.heading_lines,
            location=doc.place,
            reason=f"Ban hành văn bản số {number}",
        )
    except signing.SigningUnavailable as exc:
        raise ValidationError(f"Chưa ban hành được văn bản vì không ký số được: {exc}") from exc
    check = signing.verify_pdf(signed)
    return signed, {
        "signer": signing.subject_name(signer.certificate),
        "certificate_serial": format(signer.certificate.serial_number, "X"),
        "signed_at": check.signed_at.isoformat() if check.signed_at else "",
        "timestamp": check.timestamp.isoformat() if check.timestamp else "",
    }


def may_open(user, document: IssuedDocument) -> bool:
    """Whether ``open_document`` would serve this document to ``user`` (for lists: no link that only refuses)."""
    return policy.can(user, "documents.view", document) and (not document.identity_protected or policy.can(user, PROTECTED_IDENTITY_ACTION, document))


def open_document(*, by, document: IssuedDocument, fmt: str) -> tuple[bytes, str, str]:
    """(content, media type, file name) of a stored rendering, after the policy and an integrity check; the read is audited
    (issued documents carry citizens' names and identity numbers)."""
    policy.require(by, "documents.view", document)
    if document.identity_protected:
        policy.require(by, PROTECTED_IDENTITY_ACTION, document)
    if fmt not in FORMATS:
        raise ValidationError(f"Định dạng «{fmt}» không được hỗ trợ; chọn docx hoặc pdf.")
    field, expected = (document.docx, document.docx_sha256) if fmt == "docx" else (document.pdf, document.pdf_sha256)
    with field.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != expected:
        # Its own transaction: the refusal below must not take the record of the tampering with it.
        with transaction.atomic():
            audit.record(actor=by, action="documents.integrity_failed", obj=document, changes={"format": fmt})
        raise ValidationError("Tệp văn bản đã bị thay đổi sau khi ban hành (mã băm SHA-256 không khớp). Hãy báo quản trị hệ thống để khôi phục từ bản lưu.")
    with transaction.atomic():
        if document.identity_protected:
            audit.record(actor=by, action="documents.download", obj=document, reason="Xem danh tính người tố cáo được giữ bí mật", changes={"format": fmt, "identity_protected": True})
        else:
            audit.record(actor=by, action="documents.download", obj=document, changes={"format": fmt})
    filename = f"{document.number.replace('/', '-')}.{fmt}"
    return content, FORMATS[fmt], filename


@dataclasses.dataclass(frozen=True)
class FileCheck:
    """What the public check says of an uploaded PDF: only the issued document's number, date and issuing body
    (never what it says: it may name citizens), and the signature's verdict."""

    sha256: str
    issued: bool  # the file is, byte for byte, a document we issued
    number: str
    issued_on: dt.date | None
    issuing_body: str
    document_signed: bool
    verification: signing.Verification

    @property
    def ok(self) -> bool:
        return self.issued and self.document_signed and self.verification.ok

    @property
    def problems(self) -> list[str]:
        problems = list(self.verification.problems)
        if not self.issued:
            problems.insert(0, "Tệp không trùng với văn bản nào do hệ thống ban hành (mã SHA-256 khác): tệp đã bị sửa, hoặc không phải văn bản của chúng tôi.")
        elif not self.document_signed:
            problems = ["Văn bản được ban hành khi hệ thống chưa cấu hình chữ ký số: tệp trùng với bản lưu nhưng chưa ký số."]
        return problems


def check_file(*, pdf: bytes, by=None, channel: str = "web") -> FileCheck:
    """Whether ``pdf`` is a document we issued (its SHA-256 matches an issued PDF), whether its signature is valid
    and chains to the trust roots, and whether it was changed after signing. Anyone may ask (``by`` is None for
    a visitor); each check is audited with the file's hash, never its content."""
    digest = hashlib.sha256(pdf).hexdigest()
    document = IssuedDocument.objects.select_related("organisation").filter(pdf_sha256=digest).first()
    verification = signing.verify_pdf(pdf)
    check = FileCheck(
        sha256=digest,
        issued=document is not None,
        number=document.number if document else "",
        issued_on=timezone.localdate(document.issued_at) if document else None,
        issuing_body=document.organisation.name if document else "",
        document_signed=bool(document and document.signed),
        verification=verification,
    )
    with transaction.atomic():
        audit.record(
            actor=by,
            action="documents.check_file",
            obj=document,
            changes={"sha256": digest, "size_bytes": len(pdf), "issued": check.issued, "signature_ok": verification.ok, "ok": check.ok, "channel": channel},
        )
    return check
