"""The Board's triage and the Chairman's decision. Each verb is one transaction, audited; the state
changes go through ``intake.workflow.transition`` (the one table of allowed changes)."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tiepdan.core import audit, policy
from tiepdan.intake import workflow
from tiepdan.intake.models import Matter, MatterKind, MatterState, SubjectArea
from tiepdan.intake.rules import markup_problem
from tiepdan.organisations.models import Organisation

from . import rules
from .models import Decision, Proposal

S = MatterState


def _locked(matter: Matter) -> Matter:
    return Matter.objects.select_for_update(of=("self",)).select_related("province_committee", "commune_committee", "citizen", "delegation").get(pk=matter.pk)


def _texts(**labelled) -> None:
    errors = {}
    for name, (label, value) in labelled.items():
        problem = markup_problem(label, value)
        if problem:
            errors[name] = [problem]
    if errors:
        raise ValidationError(errors)


def facts_of(matter: Matter) -> rules.MatterFacts:
    return rules.MatterFacts(
        kind=matter.kind, identity_protected=matter.identity_protected, wants_online=matter.wants_online, is_delegation=matter.delegation_id is not None,
        agencies_count=matter.agencies_involved.count() if matter.pk else 0, pm_directed=matter.pm_directed, already_settled=matter.already_settled,
        decision_in_force=matter.decision_in_force, within_competence=matter.within_competence,
    )


def province_code(matter: Matter) -> str:
    unit = matter.province_committee.unit
    return unit.code if unit else ""


@transaction.atomic
def classify(*, by, matter: Matter, kind: str, subject_area: str, arose_at: str = "", agencies_involved: list[Organisation] | tuple = (), already_settled: bool = False, settled_by: str = "", decision_in_force: bool = False, pm_directed: bool = False, within_competence: bool = True, identity_protected: bool | None = None, reason: str = "") -> Matter:
    """Phân loại: kind, subject area, where it arose, agencies involved, and its history."""
    matter = _locked(matter)
    policy.require(by, "triage.classify", matter)
    errors = {}
    if kind not in MatterKind.values:
        errors["kind"] = ["Loại vụ việc: hãy chọn khiếu nại, tố cáo, kiến nghị hoặc phản ánh."]
    if subject_area not in SubjectArea.values:
        errors["subject_area"] = ["Lĩnh vực: hãy chọn một lĩnh vực trong danh sách."]
    protected = matter.identity_protected if identity_protected is None else identity_protected
    if protected and kind != MatterKind.DENUNCIATION:
        errors["identity_protected"] = ["Giữ bí mật danh tính chỉ áp dụng cho người tố cáo."]
    if already_settled and not settled_by.strip():
        errors["settled_by"] = ["Cơ quan đã giải quyết: vụ việc đã được giải quyết thì cần ghi cơ quan đã giải quyết (cột 8 sổ tiếp công dân)."]
    outside = [a for a in agencies_involved if not a.path.startswith(matter.province_committee.path)]
    if outside:
        errors["agencies_involved"] = [f"Cơ quan liên quan: «{outside[0]}» không thuộc tỉnh này."]
    if errors:
        raise ValidationError(errors)
    _texts(arose_at=("Nơi phát sinh", arose_at), settled_by=("Cơ quan đã giải quyết", settled_by), reason=("Ghi chú", reason))
    before = {"kind": matter.kind, "subject_area": matter.subject_area}
    matter.kind, matter.subject_area, matter.arose_at = kind, subject_area, arose_at.strip()
    matter.already_settled, matter.settled_by, matter.decision_in_force = already_settled, settled_by.strip(), decision_in_force
    matter.pm_directed, matter.within_competence, matter.identity_protected = pm_directed, within_competence, protected
    matter.full_clean(exclude=["citizen_name_folded", "citizen_id_number", "summary_folded"])
    matter.save()
    matter.agencies_involved.set(agencies_involved)
    changes = {"before": before, "kind": kind, "subject_area": subject_area, "agencies_involved": [a.pk for a in agencies_involved], "already_settled": already_settled, "decision_in_force": decision_in_force, "pm_directed": pm_directed}
    if matter.state == S.CLASSIFIED:
        audit.record(actor=by, action="matter.reclassify", obj=matter, reason=reason, changes=changes)
        return matter
    return workflow.transition(matter, S.CLASSIFIED, by=by, reason=reason, changes=changes)


@transaction.atomic
def return_for_completion(*, by, matter: Matter, reason: str) -> Matter:
    _texts(reason=("Lý do trả lại", reason))
    return workflow.transition(matter, S.RETURNED, by=by, reason=reason)


@transaction.atomic
def link_repeat(*, by, matter: Matter, original: Matter, reason: str = "") -> Matter:
    """Link a repeat request to the matter it repeats (found by ``intake.selectors.possible_repeats``)."""
    matter = _locked(matter)
    policy.require(by, "triage.link_repeat", matter)
    policy.require(by, "triage.link_repeat", original)
    if original.pk == matter.pk:
        raise ValidationError({"original": "Không thể liên kết vụ việc với chính nó."})
    if original.repeat_of_id == matter.pk:
        raise ValidationError({"original": f"Vụ việc số {original.pk} đã được ghi là lặp lại vụ việc này; không liên kết ngược lại được."})
    _texts(reason=("Ghi chú", reason))
    matter.repeat_of = original
    matter.save(update_fields=["repeat_of"])
    audit.record(actor=by, action="matter.link_repeat", obj=matter, reason=reason, changes={"repeat_of": original.pk})
    return matter


@transaction.atomic
def propose(*, by, matter: Matter, ground: str, reason: str) -> Proposal:
    """Đề xuất tiếp trực tuyến, on a ground the rules accept for this matter in this province."""
    matter = _locked(matter)
    policy.require(by, "triage.propose", matter)
    problem = rules.proposal_problem(facts_of(matter), ground, province_code(matter))
    if problem:
        raise ValidationError({"ground": problem})
    _texts(reason=("Lý do đề xuất", reason))
    workflow.transition(matter, S.PROPOSED, by=by, reason=reason, changes={"ground": ground})
    proposal = Proposal(matter=matter, ground=ground, reason=reason.strip(), proposed_by=by, proposed_at=timezone.now())
    proposal.full_clean()
    proposal.save()
    return proposal


def _next_reply_number(matter: Matter) -> str:
    year = timezone.localdate().year
    n = Decision.objects.filter(outcome=Decision.Outcome.DECLINED, matter__province_committee=matter.province_committee, decided_at__year=year).count() + 1
    return f"{n:02d}/TB-UBND"


def _decline(by, matter: Matter, reason: str, advice: str) -> Decision:
    errors = {}
    if not (advice or "").strip():
        errors["advice"] = ["Công dân có thể làm gì: hãy nêu cơ quan gửi đơn hoặc buổi tiếp công dân mà công dân có thể đến, để văn bản trả lời không bỏ công dân lại không lối đi."]
    for name, label, value in (("reason", "Lý do", reason), ("advice", "Công dân có thể làm gì", advice)):
        problem = markup_problem(label, value)
        if problem:
            errors[name] = [problem]
    if errors:
        raise ValidationError(errors)
    workflow.transition(matter, S.DECLINED, by=by, reason=reason)
    decision = Decision(matter=matter, outcome=Decision.Outcome.DECLINED, decided_by=by, decided_at=timezone.now(), reason=reason.strip(), advice=advice.strip(), reply_number=_next_reply_number(matter))
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def decline(*, by, matter: Matter, reason: str, advice: str) -> Decision:
    """The Board does not propose a classified matter and replies in writing with the reason (plan 004 §3.1)."""
    return _decline(by, _locked(matter), reason, advice)


@transaction.atomic
def decide(*, by, matter: Matter, approve: bool, reason: str = "", advice: str = "", agencies_required: list[Organisation] | tuple = ()) -> Decision:
    """The Chairman (or the deputy within the authorised period) approves or declines a proposed matter,
    and chooses which agencies must attend."""
    matter = _locked(matter)
    if not approve:
        return _decline(by, matter, reason, advice)
    outside = [a for a in agencies_required if not a.path.startswith(matter.province_committee.path) and a.kind != Organisation.Kind.CENTRAL_BOARD]
    if outside:
        raise ValidationError({"agencies_required": f"Cơ quan phải dự: «{outside[0]}» không thuộc tỉnh này."})
    _texts(reason=("Ý kiến", reason))
    workflow.transition(matter, S.APPROVED, by=by, reason=reason or "Đồng ý tiếp trực tuyến", changes={"agencies_required": [a.pk for a in agencies_required]})
    matter.agencies_required.set(agencies_required)
    decision = Decision(matter=matter, outcome=Decision.Outcome.APPROVED, decided_by=by, decided_at=timezone.now(), reason=(reason or "Đồng ý tiếp trực tuyến").strip())
    decision.full_clean()
    decision.save()
    return decision
