"""Form 02/TCD, the receipt for the papers a citizen hands in (Nghị định 154/2026, Điều 15).

Issued whenever papers are recorded on a petition: at registration, when a returned matter is
completed, when a scanned paper is attached. It goes through the one register of outgoing documents
(``documents.services.issue_document``), numbered by the receiving body, linked to the petition, and is
listed on the matter's page. Called inside the service's transaction: a receipt that cannot be issued
takes the registration with it, so no paper is recorded without its receipt.
"""
from __future__ import annotations

from django.utils import timezone

from tiepdan.documents import forms as doc_forms
from tiepdan.documents.models import DocumentKind, IssuedDocument
from tiepdan.documents.official import Signature
from tiepdan.documents.services import issue_document
from tiepdan.organisations.models import Organisation

# The states intake records ("bản chụp" as officers say it) → the three the form names.
STATE_ON_RECEIPT = {
    "bản chính": doc_forms.ORIGINAL,
    "bản sao có chứng thực": doc_forms.CERTIFIED_COPY,
    "bản sao": doc_forms.PHOTOCOPY,
    "bản chụp": doc_forms.PHOTOCOPY,
}


def _agency_code(organisation: Organisation) -> str:
    """The code after the type in the symbol: "GBN-BTCD" for a Board, "GBN-UBND" for a committee."""
    return "BTCD" if organisation.kind in (Organisation.Kind.PROVINCE_BOARD, Organisation.Kind.CENTRAL_BOARD) else "UBND"


def issue_receipt(*, by, petition, papers: list[dict]) -> IssuedDocument:
    """Issue Form 02/TCD for ``papers`` ({"name", "pages", "state"}) received with ``petition``, signed by ``by``."""
    matter = petition.matter
    organisation = by.organisation
    committee = matter.province_committee
    citizen = matter.citizen
    issuer = doc_forms.Issuer(
        issuing_body=organisation.name,
        parent_body=organisation.parent.name if organisation.parent_id and organisation.kind != Organisation.Kind.COMMUNE_COMMITTEE else "",
        place=committee.unit.name if committee.unit_id else "",
        signature=Signature(title=by.position or "Cán bộ tiếp công dân", signer_name=by.full_name),
        agency_code=_agency_code(organisation),
    )
    person = doc_forms.Person(full_name=citizen.full_name, id_number=citizen.id_number, address=f"{citizen.address}, {matter.commune}")
    doc = doc_forms.receipt_of_papers(
        issuer=issuer,
        received_at=timezone.localtime(timezone.now()),
        place=organisation.name,
        officer_name=by.full_name,
        officer_position=by.position or "cán bộ tiếp công dân",
        person=person,
        papers=[doc_forms.Paper(name=p["name"], pages=int(p["pages"]), state=STATE_ON_RECEIPT[p["state"]]) for p in papers],
    )
    # About the petition the papers came with: the matter's page lists its petitions' receipts with its own documents.
    return issue_document(by=by, kind=DocumentKind.RECEIPT, doc=doc, about=petition, organisation=organisation, identity_protected=matter.identity_protected)
