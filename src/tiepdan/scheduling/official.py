"""A session as the official documents about it name it: who issues and signs, and when and where it is held.

Shared by the invitations and session notice (``invitations.py``) and the change notices (``services.py``),
and here so that neither imports the other: both read a session the same way.
"""
from __future__ import annotations

from django.utils import timezone

from tiepdan.core.roles import Role
from tiepdan.documents import forms as doc_forms
from tiepdan.documents.official import Signature

from .models import ReceptionSession


def issuer(session: ReceptionSession) -> doc_forms.Issuer:
    """The province committee issues; the chair signs (a deputy «KT. Chủ tịch», on the Chairman's behalf)."""
    committee = session.province_committee
    chair = session.chair
    if chair is not None and chair.role == Role.PROVINCE_DEPUTY:
        signature = Signature(title="Phó Chủ tịch", signer_name=chair.full_name, authority="TM. Ủy ban nhân dân", on_behalf="KT. Chủ tịch")
    else:
        signature = Signature(title="Chủ tịch", signer_name=chair.full_name if chair else "", authority="TM. Ủy ban nhân dân")
    return doc_forms.Issuer(issuing_body=committee.name, place=committee.unit.name if committee.unit_id else "", signature=signature)


def session_info(session: ReceptionSession) -> doc_forms.SessionInfo:
    chair = session.chair
    title = "Phó Chủ tịch UBND tỉnh (được Chủ tịch ủy quyền)" if chair is not None and chair.role == Role.PROVINCE_DEPUTY else "Chủ tịch UBND tỉnh"
    return doc_forms.SessionInfo(
        chair_title=title, chair_name=chair.full_name if chair else "",
        starts_at=timezone.localtime(session.online_starts_at), ends_at=timezone.localtime(session.online_ends_at),
        central_point=session.location, online=not session.in_person_only, periodic=session.kind == "periodic",
    )
