"""The one signing interface of tiepdan: every signature the product makes goes through here.

Two things are signed (docs/SIGNING.md):
- files that are not PDF (recordings' manifests): a detached CMS SignedData, CAdES-BES (the
  signing-certificate-v2 attribute binds the certificate), with an RFC 3161 signature timestamp when
  ``SIGNING_TSA_URL`` is set; anyone verifies it offline with ``openssl cms -verify`` and the CA's certificate;
- issued PDFs: PAdES (B-B, or B-T with a timestamp authority) with the visible signature Decree 30/2020,
  Appendix I describes for electronic documents (docs/LEGAL.md): the agency's seal in red over the left
  third of the signature place, the agency's name and the signing time (ISO 8601, Vietnamese time zone).

The cryptography is pyHanko's (``pyhanko.sign.signers``, ``pyhanko.sign.validation``) and
pyhanko-certvalidator's; nothing here re-implements CMS, PAdES or path validation.

A ``Signer`` is anything with a ``certificate`` and the two signing verbs. ``Pkcs12Signer`` keeps the
agency's key in a PKCS#12 file (settings ``SIGNING_PKCS12_PATH``/``SIGNING_PKCS12_PASSWORD``). A hardware
token (PKCS#11: ``pyhanko.sign.pkcs11.PKCS11Signer``) or the government CA's remote signing (CSC API:
``pyhanko.sign.signers.csc_signer.CSCSigner``) is another pyHanko ``signers.Signer`` behind the same
class: ``_PyhankoSigner`` takes any of them, so a new back end is a constructor and a branch in
``get_signer``, and no caller changes.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import io
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_signature
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from .seal import appearance_pdf

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DIGEST = "sha256"
# Room in the PDF for the CMS blob: certificates, a timestamp token and its TSA chain fit in 32 KiB.
PDF_SIGNATURE_BYTES = 32 * 1024


class SigningUnavailable(Exception):
    """No signing identity is configured, or it cannot be read (the message says which, in Vietnamese)."""


@dataclass(frozen=True)
class Verification:
    ok: bool  # signature valid, chains to a trusted root, content unchanged
    signer: str  # subject CN / O of the signing certificate
    signed_at: datetime | None  # signing time claimed (CMS signingTime / PDF /M)
    timestamp: datetime | None  # RFC 3161 timestamp time, if any
    problems: list[str] = field(default_factory=list)  # Vietnamese sentences, empty when ok


@dataclass(frozen=True)
class SignaturePlace:
    """Where the visible signature goes: a page (0-based, -1 = last) and a box in PDF points from the bottom left."""

    page: int
    box: tuple[float, float, float, float]


class Signer(Protocol):
    certificate: x509.Certificate

    def sign_detached(self, data: bytes) -> bytes: ...

    def sign_pdf(self, pdf: bytes, *, field_name: str, signer_name: str, title: str, authority_lines: list[str], location: str, reason: str, place: SignaturePlace | None = None) -> bytes: ...


def _run(coro):
    """Run one of pyHanko's coroutines to its end from synchronous code, also where this thread already
    runs an event loop (Channels' consumers, Playwright's tests): then in a short-lived thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def subject_name(cert: x509.Certificate | asn1_x509.Certificate) -> str:
    """The certificate's subject as people read it: its common name, and its organisation when different."""
    if isinstance(cert, asn1_x509.Certificate):
        cert = x509.load_der_x509_certificate(cert.dump())
    def first(oid):
        values = cert.subject.get_attributes_for_oid(oid)
        return str(values[0].value) if values else ""
    cn, org = first(x509.NameOID.COMMON_NAME), first(x509.NameOID.ORGANIZATION_NAME)
    return f"{cn} ({org})" if org and org != cn else (cn or org or cert.subject.rfc4514_string())


class _PyhankoSigner:
    """A ``Signer`` over any pyHanko ``signers.Signer`` (in-memory key, PKCS#11 token, CSC remote signing)."""

    def __init__(self, signer: signers.Signer, *, tsa_url: str = "", seal_text: str = ""):
        self._signer = signer
        self.certificate = x509.load_der_x509_certificate(signer.signing_cert.dump())
        self._tsa_url = tsa_url
        self.seal_text = seal_text or _organisation(self.certificate)

    def _timestamper(self):
        return timestamps.HTTPTimeStamper(self._tsa_url, timeout=15) if self._tsa_url else None

    def sign_detached(self, data: bytes) -> bytes:
        """DER CMS SignedData over ``data``, content detached, CAdES-BES, with a signature timestamp if a TSA is set."""
        content_info = self._call(self._signer.async_sign_general_data(data, DIGEST, detached=True, use_cades=True, timestamper=self._timestamper()))
        return content_info.dump()

    def _call(self, coro):
        """Run a signing coroutine; a timestamp authority that does not answer is ``SigningUnavailable``."""
        try:
            return _run(coro)
        except (timestamps.TimestampRequestError, OSError) as exc:
            raise SigningUnavailable(f"Không lấy được dấu thời gian từ {self._tsa_url} ({exc}). Hãy kiểm tra SIGNING_TSA_URL và kết nối tới tổ chức cấp dấu thời gian.") from exc

    def sign_pdf(self, pdf: bytes, *, field_name: str, signer_name: str, title: str, authority_lines: list[str], location: str, reason: str, place: SignaturePlace | None = None) -> bytes:
        """The PDF with a PAdES signature (B-T with a TSA, else B-B) in a new visible field ``field_name``.

        ``place``: where the signature appears; by default the gap above ``signer_name`` on the last page
        (the 25 mm documents/pdf.py leaves between the signer's title and name)."""
        place = place or find_signature_place(pdf, signer_name=signer_name)
        now = datetime.now(VIETNAM).replace(microsecond=0)
        x1, y1, x2, y2 = place.box
        appearance = appearance_pdf(organisation=self.seal_text, signed_at=now.isoformat(), width_pt=x2 - x1, height_pt=y2 - y1)
        page = place.page if place.page >= 0 else _page_count(pdf) - 1
        meta = signers.PdfSignatureMetadata(
            field_name=field_name,
            md_algorithm=DIGEST,
            subfilter=fields.SigSeedSubFilter.PADES,
            name=subject_name(self.certificate),
            location=location,
            reason=reason,
        )
        with tempfile.NamedTemporaryFile(suffix=".pdf") as appearance_file:
            # pyHanko imports the appearance from a file, when it lays out the field.
            appearance_file.write(appearance)
            appearance_file.flush()
            pdf_signer = signers.PdfSigner(
                meta,
                signer=self._signer,
                timestamper=self._timestamper(),
                stamp_style=StaticStampStyle.from_pdf_file(appearance_file.name, border_width=0),
                new_field_spec=fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=tuple(int(v) for v in place.box)),
            )
            out = self._call(pdf_signer.async_sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), bytes_reserved=PDF_SIGNATURE_BYTES))
        return out.getvalue()


class Pkcs12Signer(_PyhankoSigner):
    """The agency's key and certificate (and its CA chain) from a PKCS#12 file."""

    def __init__(self, pkcs12: bytes, password: str | bytes | None, *, tsa_url: str = "", seal_text: str = ""):
        if isinstance(password, str):
            password = password.encode()
        try:
            signer = signers.SimpleSigner.load_pkcs12_data(pkcs12, other_certs=[], passphrase=password or None)
        except ValueError as exc:
            raise SigningUnavailable("Không mở được tệp khóa ký số PKCS#12: sai mật khẩu (SIGNING_PKCS12_PASSWORD) hoặc tệp hỏng. Hãy kiểm tra cấu hình ký số.") from exc
        super().__init__(signer, tsa_url=tsa_url, seal_text=seal_text)


def signing_configured() -> bool:
    """Whether a signing identity is configured and its file is there (it may still fail to open)."""
    path = getattr(settings, "SIGNING_PKCS12_PATH", "")
    return bool(path) and Path(path).is_file()


def get_signer() -> Signer:
    """The configured signer; raises ``SigningUnavailable`` (Vietnamese) when there is none or it cannot be read."""
    path = getattr(settings, "SIGNING_PKCS12_PATH", "")
    if not path:
        raise SigningUnavailable("Chưa cấu hình chữ ký số của cơ quan (SIGNING_PKCS12_PATH). Bản thử nghiệm: chạy «manage.py make_signing_identity».")
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SigningUnavailable(f"Không đọc được tệp khóa ký số «{path}» ({exc.strerror}). Hãy kiểm tra SIGNING_PKCS12_PATH và quyền đọc tệp.") from exc
    return Pkcs12Signer(data, settings.SIGNING_PKCS12_PASSWORD, tsa_url=settings.SIGNING_TSA_URL)


# --- Verification -----------------------------------------------------------------------------
def trust_roots() -> list[asn1_x509.Certificate]:
    """The CA certificates accepted when verifying (``SIGNING_TRUST_ROOTS``: PEM files, each may hold several)."""
    roots = []
    for path in getattr(settings, "SIGNING_TRUST_ROOTS", []):
        try:
            pem = Path(path).read_bytes()
        except OSError:
            continue
        roots += [asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in x509.load_pem_x509_certificates(pem)]
    return roots


def _validation_context() -> ValidationContext:
    # Fetching revocation data is off unless set: on the public check page it would make the server
    # fetch whatever URLs an uploaded file's certificates name.
    fetch = bool(getattr(settings, "SIGNING_FETCH_REVOCATION", False))
    return ValidationContext(trust_roots=trust_roots(), allow_fetching=fetch, revocation_mode="soft-fail")


def _status_problems(status) -> list[str]:
    problems = []
    if not status.intact:
        problems.append("Nội dung đã bị thay đổi sau khi ký: mã băm của nội dung không khớp với chữ ký.")
    elif not status.valid:
        problems.append("Chữ ký không hợp lệ về mặt mật mã (chữ ký không khớp với khóa công khai của chứng thư số).")
    if not (status.intact and status.valid):
        pass  # pyHanko judges trust only for a sound signature: saying «not trusted» here would mislead
    elif status.revoked:
        problems.append("Chứng thư số của người ký đã bị thu hồi.")
    elif not status.trusted:
        if not getattr(settings, "SIGNING_TRUST_ROOTS", []):
            problems.append("Chưa cấu hình chứng thư số gốc được tin cậy (SIGNING_TRUST_ROOTS) nên không xác định được người ký.")
        else:
            problems.append("Chứng thư số của người ký không do tổ chức chứng thực được tin cậy cấp, hoặc đã hết hạn.")
    ts = getattr(status, "timestamp_validity", None)
    if ts is not None and not (ts.intact and ts.valid and ts.trusted):
        problems.append("Dấu thời gian kèm chữ ký không hợp lệ hoặc không do tổ chức cấp dấu thời gian được tin cậy cấp.")
    return problems


def _verification(status, problems: list[str]) -> Verification:
    ts = getattr(status, "timestamp_validity", None)
    return Verification(
        ok=not problems,
        signer=subject_name(status.signing_cert),
        signed_at=status.signer_reported_dt,
        timestamp=ts.timestamp if ts is not None else None,
        problems=problems,
    )


def _unreadable(message: str) -> Verification:
    return Verification(ok=False, signer="", signed_at=None, timestamp=None, problems=[message])


def verify_detached(data: bytes, signature: bytes) -> Verification:
    """Whether ``signature`` (DER CMS, detached) signs ``data``, by a certificate chaining to ``SIGNING_TRUST_ROOTS``."""
    try:
        content_info = cms.ContentInfo.load(signature)
        if content_info["content_type"].native != "signed_data":
            return _unreadable("Tệp chữ ký không phải chữ ký CMS (SignedData).")
        signed_data = content_info["content"]
        signed_data["signer_infos"].native  # parse now: a broken file is refused here, not deep in validation
    except Exception:  # any parse failure of untrusted bytes is "unreadable", whatever asn1crypto raised
        return _unreadable("Không đọc được tệp chữ ký (không phải tệp .p7s dạng DER).")
    try:
        status = _run(async_validate_detached_cms(data, signed_data, signer_validation_context=_validation_context()))
    except Exception as exc:  # pyHanko raises on malformed signatures it cannot evaluate at all
        return _unreadable(f"Không kiểm tra được chữ ký ({type(exc).__name__}): tệp chữ ký hỏng hoặc không được hỗ trợ.")
    return _verification(status, _status_problems(status))


def verify_pdf(pdf: bytes) -> Verification:
    """Whether the PDF's last signature is valid, chains to ``SIGNING_TRUST_ROOTS`` and covers the file
    (nothing changed after signing but what PAdES allows: validation data, timestamps)."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = reader.embedded_signatures
    except Exception:  # untrusted bytes: any parse failure means "not a readable PDF"
        return _unreadable("Không đọc được tệp PDF (tệp hỏng hoặc không phải PDF).")
    if not embedded:
        return _unreadable("Tệp PDF không có chữ ký số.")
    sig = embedded[-1]
    try:
        status = _run(async_validate_pdf_signature(sig, signer_validation_context=_validation_context()))
    except Exception as exc:  # a signature pyHanko cannot evaluate at all
        return _unreadable(f"Không kiểm tra được chữ ký trong tệp PDF ({type(exc).__name__}).")
    problems = _status_problems(status)
    level = status.modification_level
    if status.intact and (level is None or level > ModificationLevel.LTA_UPDATES or status.docmdp_ok is False):
        problems.append("Tệp PDF đã bị sửa sau khi ký (có nội dung được thêm hoặc thay đổi sau chữ ký).")
    return _verification(status, problems)


# --- Helpers ----------------------------------------------------------------------------------
def _organisation(cert: x509.Certificate) -> str:
    values = cert.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME) or cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(values[0].value) if values else ""


def _page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def find_signature_place(pdf: bytes, *, signer_name: str) -> SignaturePlace:
    """The box for the visible signature: above the line that carries ``signer_name`` on the last page where it
    appears (the signature place of Decree 30's layout, between the signer's title and name); else the lower
    right of the last page."""
    reader = PdfReader(io.BytesIO(pdf))
    width = 72 * 72 / 25.4  # 72 mm: the seal and the signing information side by side
    height = 34 * 72 / 25.4  # the seal's side (seal.SEAL_PX at 12 px/mm)
    gap = 25 * 72 / 25.4  # documents/pdf.py's room between the title and the name
    for index in range(len(reader.pages) - 1, -1, -1):
        hits: list[tuple[float, float, float]] = []

        def visit(text, cm, tm, font_dict, font_size, hits=hits):
            if signer_name and signer_name.strip() and signer_name.strip() in text:
                # The text matrix is in the current transformation's space: map its origin to the page.
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                hits.append((x, y, (font_size or 13) * (tm[0] or 1)))

        reader.pages[index].extract_text(visitor_text=visit)
        if hits:
            x, y, size = hits[-1]
            page_width = float(reader.pages[index].mediabox.width)
            # The name is centred in its column: its middle is about half its width (0.5 em a letter) to the right.
            middle = x + len(signer_name.strip()) * size * 0.25
            centre = min(max(middle, width / 2 + 10), page_width - width / 2 - 10)
            # The name's baseline; the box is centred on the gap above its capital letters.
            bottom = y + size + (gap - height) / 2
            return SignaturePlace(page=index, box=(centre - width / 2, bottom, centre + width / 2, bottom + height))
    last = reader.pages[-1]
    page_width = float(last.mediabox.width)
    return SignaturePlace(page=len(reader.pages) - 1, box=(page_width - width - 60, 90, page_width - 60, 90 + height))
