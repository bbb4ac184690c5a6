"""Who is received online: Decree 154/2026 Art. 20, the Law's Art. 18(3), and each province's plan list on top.

Pure functions over ``MatterFacts`` so that each rule has its test and a correction of the
law is one change. The plan lists are configuration (``PLAN_GROUNDS``), keyed by the
province's administrative unit code.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Ground(models.TextChoices):
    ART20_COMPLEX = "art20_1", "NĐ 154/2026 Điều 20 khoản 1: phức tạp, kéo dài, cần nhiều cơ quan hoặc đối thoại trực tiếp từ nhiều nơi"
    ART20_REMOTE = "art20_2", "NĐ 154/2026 Điều 20 khoản 2: ở vùng sâu, vùng xa, đối tượng chính sách, người cao tuổi, ốm đau, khuyết tật, có nguyện vọng tiếp trực tuyến"
    ART20_EMERGENCY = "art20_3", "NĐ 154/2026 Điều 20 khoản 3: thiên tai, dịch bệnh, lý do an ninh"
    ART20_DENUNCIATION = "art20_4", "NĐ 154/2026 Điều 20 khoản 4: tố cáo phức tạp, người tố cáo không yêu cầu giữ bí mật"
    ART20_OTHER = "art20_5", "NĐ 154/2026 Điều 20 khoản 5: trường hợp khác theo yêu cầu thực tiễn"
    ART18_URGENT = "art18_3", "Luật TCD 2013 Điều 18 khoản 3: vụ việc gay gắt, phức tạp, cần tiếp đột xuất"
    PLAN_PM_DIRECTED = "plan_1", "Kế hoạch của tỉnh, mục 1: Thủ tướng đã chỉ đạo, việc thực hiện gặp khó khăn, công dân tiếp tục khiếu kiện"
    PLAN_SETTLED_IN_FORCE = "plan_2", "Kế hoạch của tỉnh, mục 2: đã giải quyết đúng trình tự, quyết định có hiệu lực, công dân vẫn khiếu kiện vượt cấp"
    PLAN_MANY_AGENCIES = "plan_3", "Kế hoạch của tỉnh, mục 3: liên quan nhiều cơ quan, địa phương hoặc ở miền núi đi lại khó khăn"
    PLAN_DELEGATION_UNSETTLED = "plan_4", "Kế hoạch của tỉnh, mục 4: đoàn đông người, phức tạp, kéo dài, chưa được giải quyết"
    PLAN_DELEGATION_SETTLED = "plan_5", "Kế hoạch của tỉnh, mục 5: đoàn đông người đã giải quyết hết thẩm quyền, cần ý kiến cơ quan khác"
    PLAN_DENUNCIATION = "plan_6", "Kế hoạch của tỉnh, mục 6: tố cáo phức tạp thuộc thẩm quyền Chủ tịch, không yêu cầu giữ bí mật"
    PLAN_HEAD_DEEMS = "plan_7", "Kế hoạch của tỉnh, mục 7: trường hợp khác Thủ trưởng thấy cần thiết"
    PLAN_CENTRAL_OPINION = "plan_central", "Đề án Lạng Sơn: vụ việc thẩm quyền địa phương cần ý kiến của Trung ương"


# Decree 154 Art. 20 and the Law's Art. 18(3) apply everywhere; the plans add their own lists.
NATIONAL_GROUNDS = [Ground.ART20_COMPLEX, Ground.ART20_REMOTE, Ground.ART20_EMERGENCY, Ground.ART20_DENUNCIATION, Ground.ART20_OTHER, Ground.ART18_URGENT]
_COMMON_PLAN = [Ground.PLAN_PM_DIRECTED, Ground.PLAN_SETTLED_IN_FORCE, Ground.PLAN_MANY_AGENCIES, Ground.PLAN_DELEGATION_UNSETTLED, Ground.PLAN_DELEGATION_SETTLED, Ground.PLAN_HEAD_DEEMS]
# Province unit code → the plan's list (docs/LEGAL.md, Decree 154 Art. 20 and the plans' lists).
PLAN_GROUNDS: dict[str, list[str]] = {
    "20": [*_COMMON_PLAN, Ground.PLAN_CENTRAL_OPINION],  # Lạng Sơn, plan 004
    "24": list(_COMMON_PLAN),  # Bắc Ninh, plan 000
    "default": [*_COMMON_PLAN, Ground.PLAN_DENUNCIATION],  # Đồng Tháp 002's list (the fullest)
}


@dataclass(frozen=True)
class MatterFacts:
    kind: str
    identity_protected: bool = False
    wants_online: bool = False
    is_delegation: bool = False
    agencies_count: int = 0
    pm_directed: bool = False
    already_settled: bool = False
    decision_in_force: bool = False
    within_competence: bool = True
    # A repeat linked to an earlier matter (``RepeatFinding``): was that one settled correctly and
    # answered, and does the repeat bring anything new (Law Art. 9(3); Decree 154 Art. 4(1)(h))?
    repeats_settled_matter: bool = False
    repeat_brings_new: bool = False


def grounds_for_province(province_code: str) -> list[str]:
    return [*NATIONAL_GROUNDS, *PLAN_GROUNDS.get(province_code, PLAN_GROUNDS["default"])]


def never_online(facts: MatterFacts) -> str | None:
    """NĐ 154/2026 Điều 20 khoản 4; kế hoạch Đồng Tháp §II.4: a denunciation whose author asks that
    their identity be protected is never received online."""
    if facts.kind == "denunciation" and facts.identity_protected:
        return "Tố cáo mà người tố cáo yêu cầu giữ bí mật danh tính không được tiếp trực tuyến (NĐ 154/2026, Điều 20 khoản 4). Hãy đề nghị tiếp trực tiếp."
    return None


def consent_missing(facts: MatterFacts) -> str | None:
    """Đề án Lạng Sơn (004): a citizen is received online only if they agree (nếu công dân đồng ý)."""
    if not facts.wants_online:
        return "Công dân chưa đồng ý tiếp trực tuyến. Hãy ghi nhận sự đồng ý của công dân trước khi đề xuất."
    return None


def settled_and_answered(*, kind: str, already_settled: bool, decision_in_force: bool) -> bool:
    """Is the earlier matter one a repeat may be refused on?

    Luật TCD 2013, Điều 9 khoản 3 (khiếu nại, tố cáo): "vụ việc đã giải quyết đúng chính sách, pháp
    luật, được cơ quan nhà nước có thẩm quyền kiểm tra, rà soát, thông báo bằng văn bản": what the
    product records is a settlement whose decision is in force. NĐ 154/2026, Điều 4 khoản 1 điểm h
    (kiến nghị, phản ánh): "đã được tiếp nhận, hướng dẫn hoặc trả lời bằng văn bản đúng quy định":
    the body that settled it has answered; no decision comes into force for these.
    """
    if kind in ("complaint", "denunciation"):
        return already_settled and decision_in_force
    return already_settled


@dataclass(frozen=True)
class RefusalGrounds:
    """What Form 01/TCD says: the legal basis, the reason, and the message shown where a proposal is refused."""

    legal_basis: str
    reason: str
    message: str


def settled_repeat(facts: MatterFacts) -> RefusalGrounds | None:
    """Luật TCD 2013, Điều 9 khoản 3; NĐ 154/2026, Điều 4 khoản 1 điểm h và khoản 3: a repeat of a
    matter settled correctly and answered, with nothing new, is refused: it cannot be proposed, and
    the head issues a refusal notice (Mẫu 01/TCD) within 3 working days of the grounds.
    Something new (a fact, a paper, evidence) makes it an ordinary matter again."""
    if not facts.repeats_settled_matter or facts.repeat_brings_new:
        return None
    if facts.kind in ("complaint", "denunciation"):
        basis = "khoản 3 Điều 9 Luật Tiếp công dân năm 2013 và khoản 3 Điều 4 Nghị định số 154/2026/NĐ-CP"
        reason = "vụ việc đã được giải quyết đúng chính sách, pháp luật, đã được kiểm tra, rà soát, thông báo bằng văn bản và đã được tiếp, giải thích, hướng dẫn; nay tiếp tục khiếu nại, tố cáo mà không có nội dung, tình tiết mới."
        cite = "Luật Tiếp công dân 2013, Điều 9 khoản 3"
    else:
        basis = "điểm h khoản 1 và khoản 3 Điều 4 Nghị định số 154/2026/NĐ-CP"
        reason = "nội dung kiến nghị, phản ánh đã được tiếp nhận, hướng dẫn, trả lời bằng văn bản đúng quy định; nay không có thông tin, tài liệu, chứng cứ mới."
        cite = "NĐ 154/2026, Điều 4 khoản 1 điểm h"
    message = (
        f"Vụ việc lặp lại vụ việc đã được giải quyết đúng pháp luật và đã được trả lời, không có nội dung mới: không được đề xuất ({cite}). "
        "Chủ tịch UBND tỉnh (hoặc Phó Chủ tịch được ủy quyền) ra Thông báo từ chối tiếp công dân (Mẫu 01/TCD) trong 3 ngày làm việc (NĐ 154/2026, Điều 4 khoản 3)."
    )
    return RefusalGrounds(legal_basis=basis, reason=reason, message=message)


def ground_condition(ground: str, facts: MatterFacts) -> str | None:
    """The conditions of each ground that the matter's own data can check; the rest is the officer's judgment, stated in the reason."""
    if ground in (Ground.ART20_DENUNCIATION, Ground.PLAN_DENUNCIATION):
        if facts.kind != "denunciation":
            return "Căn cứ này chỉ áp dụng cho tố cáo."
        if ground == Ground.PLAN_DENUNCIATION and not facts.within_competence:
            return "Căn cứ này chỉ áp dụng cho tố cáo thuộc thẩm quyền Chủ tịch UBND tỉnh."
    if ground == Ground.PLAN_PM_DIRECTED and not facts.pm_directed:
        return "Căn cứ này cần vụ việc đã được Thủ tướng Chính phủ chỉ đạo (đánh dấu trong lịch sử vụ việc)."
    if ground == Ground.PLAN_SETTLED_IN_FORCE and not (facts.already_settled and facts.decision_in_force):
        return "Căn cứ này cần vụ việc đã được giải quyết và quyết định giải quyết đã có hiệu lực."
    if ground in (Ground.PLAN_DELEGATION_UNSETTLED, Ground.PLAN_DELEGATION_SETTLED) and not facts.is_delegation:
        return "Căn cứ này chỉ áp dụng cho đoàn đông người."
    if ground == Ground.PLAN_DELEGATION_UNSETTLED and facts.already_settled:
        return "Căn cứ này chỉ áp dụng cho vụ việc chưa được giải quyết."
    if ground == Ground.PLAN_DELEGATION_SETTLED and not facts.already_settled:
        return "Căn cứ này cần vụ việc đã được giải quyết hết thẩm quyền."
    if ground == Ground.PLAN_MANY_AGENCIES and facts.agencies_count < 2:
        return "Căn cứ này cần ít nhất hai cơ quan liên quan (chọn ở bước phân loại)."
    return None


def applicable_grounds(facts: MatterFacts, province_code: str) -> list[str]:
    """The grounds whose checkable conditions the matter meets, for the officer to choose from."""
    if never_online(facts) or settled_repeat(facts):
        return []
    return [g for g in grounds_for_province(province_code) if ground_condition(g, facts) is None]


def proposal_problem(facts: MatterFacts, ground: str, province_code: str) -> str | None:
    """May this matter be proposed for online reception on this ground?"""
    refused = settled_repeat(facts)
    for problem in (never_online(facts), refused.message if refused else None, consent_missing(facts)):
        if problem:
            return problem
    if ground not in grounds_for_province(province_code):
        return "Căn cứ đề xuất: căn cứ này không có trong Nghị định 154/2026 hay kế hoạch của tỉnh. Hãy chọn căn cứ trong danh sách."
    condition = ground_condition(ground, facts)
    return f"Căn cứ đề xuất: {condition}" if condition else None
