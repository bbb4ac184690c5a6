"""The written reply to a citizen who is not received (plan 004 §3.1), built with the documents engine."""
from __future__ import annotations

from django.utils import timezone

from tiepdan.core import audit, policy
from tiepdan.documents import forms as doc_forms
from tiepdan.documents.render import Signature, render_docx, render_pdf
from tiepdan.core.roles import Role

from .models import Decision


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
        signature = Signature(title="Trưởng ban Tiếp công dân", signer_name="", authority="TL. Chủ tịch")
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
