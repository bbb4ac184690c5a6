"""The written reply to a citizen who is not received (plan 004 §3.1), built with the documents engine."""
from __future__ import annotations

from django.utils import timezone

from tiepdan.core import audit, policy
from tiepdan.core.roles import Role
from tiepdan.documents import forms as doc_forms
from tiepdan.documents.render import Signature, render_docx, render_pdf

from .models import Decision


def _board_signature(decided_by) -> Signature:
    """The Board signs "TL. Chủ tịch" through its head; a letter never goes out with an empty name.

    The head is the Board's active member whose position is Trưởng ban; where none is on
    record, the officer who declined signs under their own position.
    """
    from tiepdan.core.text import fold
    from tiepdan.organisations.models import User

    members = User.objects.filter(organisation_id=decided_by.organisation_id, is_active=True).exclude(position="").order_by("pk")
    head = next((m for m in members if fold(m.position).startswith("truong ban")), None)
    if head is not None:
        return Signature(title=head.position, signer_name=head.full_name, authority="TL. Chủ tịch")
    return Signature(title=decided_by.position or "Ban Tiếp công dân", signer_name=decided_by.full_name, authority="TL. Chủ tịch")


def reply_document(decision: Decision):
    matter = decision.matter
    committee = matter.province_committee
    place = committee.unit.name if committee.unit else ""
    signer = decision.decided_by
    if signer.role == Role.PROVINCE_CHAIRMAN:
        signature = Signature(title="Chủ tịch", signer_name=signer.full_name, authority="TM. Ủy ban nhân dân")
    elif signer.role == Role.PROVINCE_DEPUTY:
        signature = Signature(title="Phó Chủ tịch", signer_name=signer.full_name, authority="TM. Ủy ban nhân dân", on_behalf="KT. Chủ tịch")
    else:  # the Board replies for the committee when it does not propose
        signature = _board_signature(signer)
    issuer = doc_forms.Issuer(issuing_body=committee.name, place=place, signature=signature)
    citizen = matter.citizen
    person = doc_forms.Person(full_name=citizen.full_name, id_number=citizen.id_number, address=f"{citizen.address}, {citizen.commune}")
    alternatives = [line.strip(" -•") for line in decision.advice.splitlines() if line.strip(" -•")]
    doc = doc_forms.reply_not_received(
        issuer=issuer, on=timezone.localtime(decision.decided_at).date(), person=person,
        registered_on=timezone.localtime(matter.registered_at).date(), request_summary=matter.summary, reason=decision.reason, alternatives=alternatives,
        recipients=[f"Ông (bà) {citizen.full_name}", "Ban Tiếp công dân tỉnh", "Lưu: VT"],
    )
    number = decision.reply_number.split("/")[0]
    doc.number = int(number) if number.isdigit() else None
    return doc


def reply_file(*, by, decision: Decision, fmt: str) -> tuple[bytes, str, str]:
    """(content, file name, MIME type) of the reply; reading it is audited like any personal data read."""
    policy.require(by, "intake.view", decision.matter)
    doc = reply_document(decision)
    audit.record(actor=by, action="matter.reply_download", obj=decision.matter, changes={"format": fmt, "decision": decision.pk})
    if fmt == "pdf":
        return render_pdf(doc), f"tra-loi-vu-viec-{decision.matter_id}.pdf", "application/pdf"
    return render_docx(doc), f"tra-loi-vu-viec-{decision.matter_id}.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
