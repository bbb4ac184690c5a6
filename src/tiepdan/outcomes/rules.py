"""Where the law decides something about the conclusion notice: small pure functions, each citing its article."""
from __future__ import annotations

from collections.abc import Iterable

from tiepdan.core.roles import Role
from tiepdan.documents.official import Signature
from tiepdan.live.rules import minutes_gaps


def item_gaps(*, conclusion: str, answered_at_once: bool, time_limit: str, contact_person: str) -> list[str]:
    """Nghị định 154/2026, Điều 25(3): a matter clear and within competence is answered at once; a complex one
    gets a time limit for its settlement and a person to contact. What a notice item still lacks (the same
    test as the live minutes, ``live.rules.minutes_gaps``): a notice with a gap cannot be sent for approval."""
    return minutes_gaps(conclusion=conclusion, answered_at_once=answered_at_once, settlement_time_limit=time_limit, contact_person=contact_person)


def signature_for(*, signer_role: str, signer_name: str) -> Signature:
    """Nghị định 30/2020, Điều 13(1)(a) and Phụ lục I: a committee's document is signed for the collective
    («TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH»); a deputy signs in the Chairman's place
    («TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH»)."""
    if signer_role == Role.PROVINCE_DEPUTY:
        return Signature(title="Phó Chủ tịch", signer_name=signer_name, authority="TM. Ủy ban nhân dân", on_behalf="KT. Chủ tịch")
    if signer_role == Role.PROVINCE_CHAIRMAN:
        return Signature(title="Chủ tịch", signer_name=signer_name, authority="TM. Ủy ban nhân dân")
    raise ValueError("Chỉ Chủ tịch hoặc Phó Chủ tịch UBND tỉnh được ký thông báo kết luận.")


def notice_recipients(*, agencies: Iterable[str], communes: Iterable[str], inspectorate: str = "") -> list[str]:
    """Nghị định 154/2026, Điều 25(2) (the notice goes to the agencies concerned) and Nghị định 30/2020,
    Phụ lục I (nơi nhận ends with «Lưu: VT»): the agencies directed, the citizens' communes, the province's
    Inspectorate (which follows up), the archive; each once, in that order."""
    seen: list[str] = []
    for name in [*agencies, *communes, *([inspectorate] if inspectorate else [])]:
        if name and name not in seen:
            seen.append(name)
    return seen + ["Lưu: VT"]


def matter_outcome(*, answered_at_once: bool, directives_count: int) -> str:
    """Nghị định 154/2026, Điều 25(3): answered at once with nothing directed, the matter is closed
    («answered»); a conclusion that gives agencies a task leaves it being settled («settling»)."""
    return "answered" if answered_at_once and directives_count == 0 else "settling"
