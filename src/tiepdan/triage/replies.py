"""The letters triage sends: the reply to a citizen who is not received (plan 004 §3.1) and the
refusal notice, Form 01/TCD (Decree 154/2026 Art. 4(3)).

Each is built with ``documents.forms`` and issued through ``documents.services.issue_document``,
so it takes the province committee's next number in the one register (the TB-UBND series the
session notices share), is stored with its SHA-256, listed at /van-ban/ and linked to the matter.
A letter about a protected denouncer is issued ``identity_protected``: it is the denouncer's own
letter and must name them, so it is opened only by those who may reveal the identity.
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from tiepdan.core.roles import Role
from tiepdan.core.text import fold
from tiepdan.documents import forms as doc_forms
from tiepdan.documents.models import DocumentKind, IssuedDocument
from tiepdan.documents.official import OfficialDocument, Signature
from tiepdan.documents.services import issue_document, open_document
from tiepdan.organisations.models import User

from .models import Decision


def _board_signature(decided_by) -> Signature:
    """The Board signs "TL. Chủ tịch" through its head; a letter never goes out with an empty name.

    The head is the Board's active member whose position is Trưởng ban; where none is on
    record, the officer who declined signs under their own position.
    """
    members = User.objects.filter(organisation_id=decided_by.organisation_id, is_active=True).exclude(position="").order_by("pk")
    head = next((m for m in members if fold(m.position).startswith("truong ban")), None)
    if head is not None:
        return Signature(title=head.position, signer_name=head.full_name, authority="TL. Chủ tịch")
    return Signature(title=decided_by.position or "Ban Tiếp công dân", signer_name=decided_by.full_name, authority="TL. Chủ tịch")


def _signature(signer) -> Signature:
    if signer.role == Role.PROVINCE_CHAIRMAN:
        return Signature(title="Chủ tịch", signer_name=signer.full_name, authority="TM. Ủy ban nhân dân")
    if signer.role == Role.PROVINCE_DEPUTY:
        return Signature(title="Phó Chủ tịch", signer_name=signer.full_name, authority="TM. Ủy ban nhân dân", on_behalf="KT. Chủ tịch")
    return _board_signature(signer)  # the Board replies for the committee when it does not propose


def _issuer(matter, signer) -> doc_forms.Issuer:
    committee = matter.province_committee
    return doc_forms.Issuer(issuing_body=committee.name, place=committee.unit.name if committee.unit else "", signature=_signature(signer))


def _person(matter) -> doc_forms.Person:
    citizen = matter.citizen
    return doc_forms.Person(full_name=citizen.full_name, id_number=citizen.id_number, address=f"{citizen.address}, {citizen.commune}")


def reply_document(decision: Decision) -> OfficialDocument:
    """The reply as a description, without its number (``issue_document`` gives it)."""
    matter = decision.matter
    citizen = matter.citizen
    alternatives = [line.strip(" -•") for line in decision.advice.splitlines() if line.strip(" -•")]
    return doc_forms.reply_not_received(
        issuer=_issuer(matter, decision.decided_by), on=timezone.localtime(decision.decided_at).date(), person=_person(matter),
        registered_on=timezone.localtime(matter.registered_at).date(), request_summary=matter.summary, reason=decision.reason, alternatives=alternatives,
        recipients=[f"Ông (bà) {citizen.full_name}", "Ban Tiếp công dân tỉnh", "Lưu: VT"],
    )


def issue_reply(*, by, decision: Decision) -> IssuedDocument:
    """Issue the reply of a decline; runs inside the caller's transaction (``services._decline``)."""
    matter = decision.matter
    return issue_document(by=by, kind=DocumentKind.REPLY_NOT_RECEIVED, doc=reply_document(decision), about=matter, organisation=matter.province_committee, identity_protected=matter.identity_protected)


def issue_refusal(*, by, matter, grounds, grounds_on: dt.date, original) -> IssuedDocument:
    """Form 01/TCD for a settled matter repeated (``rules.settled_repeat``), signed by the head who issues it."""
    doc = doc_forms.refusal_notice(
        issuer=_issuer(matter, by), on=timezone.localdate(), person=_person(matter),
        reason=f"{grounds.reason[0].upper()}{grounds.reason[1:]} (lặp lại {original}, đăng ký ngày {timezone.localtime(original.registered_at):%d/%m/%Y})",
        legal_basis=grounds.legal_basis, content_refused=matter.summary, grounds_on=grounds_on,
    )
    return issue_document(by=by, kind=DocumentKind.REFUSAL_NOTICE, doc=doc, about=matter, organisation=matter.province_committee, identity_protected=matter.identity_protected)


def reply_file(*, by, decision: Decision, fmt: str) -> tuple[bytes, str, str]:
    """(content, file name, MIME type) of the reply as issued; ``open_document`` checks who may read it,
    verifies the hash and audits the read."""
    if decision.reply_document_id is None:
        raise ValidationError("Quyết định này chưa có văn bản trả lời được ban hành.")
    content, mime, name = open_document(by=by, document=decision.reply_document, fmt=fmt)
    return content, name, mime
