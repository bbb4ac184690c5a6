"""The Board's triage and the Chairman's decision. Each verb is one transaction, audited; the state
changes go through ``intake.workflow.transition`` (the one table of allowed changes), and what is
recorded on the matter itself (its classification, the matter it repeats, its deadline, the agencies
required) through intake's services: triage writes only its own rows (proposals, decisions, findings)."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tiepdan.core import policy
from tiepdan.documents import rules as documents_rules
from tiepdan.intake import services as intake, workflow
from tiepdan.intake.models import Matter, MatterState
from tiepdan.intake.rules import MAX_NOTE_CHARS, text_problem
from tiepdan.organisations.models import Organisation

from . import replies, rules
from .models import Decision, Proposal, RepeatFinding

S = MatterState


def _locked(matter: Matter) -> Matter:
    return Matter.objects.select_for_update(of=("self",)).select_related("province_committee", "commune_committee", "citizen", "delegation").get(pk=matter.pk)


def _texts(**labelled) -> None:
    errors = {}
    for name, (label, value) in labelled.items():
        problem = text_problem(label, value, MAX_NOTE_CHARS)
        if problem:
            errors[name] = [problem]
    if errors:
        raise ValidationError(errors)


def facts_of(matter: Matter) -> rules.MatterFacts:
    finding = RepeatFinding.objects.filter(matter_id=matter.pk).first() if matter.pk else None
    return rules.MatterFacts(
        kind=matter.kind, identity_protected=matter.identity_protected, wants_online=matter.wants_online, is_delegation=matter.delegation_id is not None,
        agencies_count=matter.agencies_involved.count() if matter.pk else 0, pm_directed=matter.pm_directed, already_settled=matter.already_settled,
        decision_in_force=matter.decision_in_force, within_competence=matter.within_competence,
        repeats_settled_matter=bool(finding and finding.original_settled), repeat_brings_new=bool(finding and finding.new_facts),
    )


def _refusal_deadline(due_on: dt.date) -> dt.datetime:
    """The matter's waiting deadline while Form 01/TCD is due: 17:00 of the due day, as every step's."""
    return timezone.make_aware(dt.datetime.combine(due_on, dt.time(17, 0)))


def _keep_refusal_due(matter: Matter) -> None:
    """A state change resets the step's deadline; a refusal still due keeps its own (Decree 154 Art. 4(3))."""
    finding = RepeatFinding.objects.filter(matter_id=matter.pk, refusal_due_on__isnull=False, refusal_document__isnull=True).first()
    if finding is not None and matter.state in (S.RECEIVED, S.CLASSIFIED):
        intake.set_waiting_deadline(matter=matter, due_at=_refusal_deadline(finding.refusal_due_on))


def province_code(matter: Matter) -> str:
    unit = matter.province_committee.unit
    return unit.code if unit else ""


@transaction.atomic
def classify(*, by, matter: Matter, kind: str, subject_area: str, arose_at: str = "", agencies_involved: list[Organisation] | tuple = (), already_settled: bool = False, settled_by: str = "", decision_in_force: bool = False, pm_directed: bool = False, within_competence: bool = True, identity_protected: bool | None = None, reason: str = "") -> Matter:
    """Phân loại: kind, subject area, where it arose, agencies involved, and its history (kept on the matter by intake)."""
    matter = intake.record_classification(
        by=by, matter=matter, kind=kind, subject_area=subject_area, arose_at=arose_at, agencies_involved=agencies_involved, already_settled=already_settled,
        settled_by=settled_by, decision_in_force=decision_in_force, pm_directed=pm_directed, within_competence=within_competence,
        identity_protected=identity_protected, reason=reason,
    )
    # The kind or the history may have changed whether the repeat is refused.
    _assess_repeat(matter)
    return matter


@transaction.atomic
def return_for_completion(*, by, matter: Matter, reason: str) -> Matter:
    _texts(reason=("Lý do trả lại", reason))
    return workflow.transition(matter, S.RETURNED, by=by, reason=reason)


@transaction.atomic
def link_repeat(*, by, matter: Matter, original: Matter, new_facts: str = "", reason: str = "") -> Matter:
    """Link a repeat request to the matter it repeats (found by ``intake.selectors.possible_repeats``),
    with what it brings that is new (``new_facts``; empty: nothing new).

    A repeat of a matter settled correctly and answered, with nothing new, is refused
    (``rules.settled_repeat``): the grounds arise today and Form 01/TCD falls due in 3 working days."""
    matter = _locked(matter)
    policy.require(by, "triage.link_repeat", matter)
    policy.require(by, "triage.link_repeat", original)
    if original.pk == matter.pk:
        raise ValidationError({"original": "Không thể liên kết vụ việc với chính nó."})
    if original.repeat_of_id == matter.pk:
        raise ValidationError({"original": f"Vụ việc số {original.pk} đã được ghi là lặp lại vụ việc này; không liên kết ngược lại được."})
    if matter.state not in (S.RECEIVED, S.CLASSIFIED, S.PROPOSED):
        raise ValidationError({"original": f"{matter} đã kết thúc; không ghi nhận lặp lại được nữa."})
    _texts(reason=("Ghi chú", reason), new_facts=("Nội dung, tình tiết mới", new_facts))
    finding, _ = RepeatFinding.objects.update_or_create(matter=matter, defaults={"original": original, "new_facts": new_facts.strip(), "found_by": by, "found_at": timezone.now(), "grounds_on": None, "refusal_due_on": None})
    _assess_repeat(matter, finding)
    finding.refresh_from_db()
    return intake.record_repeat(by=by, matter=matter, original=original, reason=reason,
                                changes={"new_facts": finding.new_facts, "original_settled": finding.original_settled, "refusal_due_on": str(finding.refusal_due_on or "")})


def _assess_repeat(matter: Matter, finding: RepeatFinding | None = None) -> None:
    """Whether a linked repeat must be refused; the grounds date is kept from the day they first arose."""
    finding = finding or RepeatFinding.objects.filter(matter_id=matter.pk).select_related("original").first()
    if finding is None or finding.refusal_document_id:
        return
    original = finding.original
    finding.original_settled = rules.settled_and_answered(kind=matter.kind, already_settled=original.already_settled, decision_in_force=original.decision_in_force)
    grounds = rules.settled_repeat(rules.MatterFacts(kind=matter.kind, repeats_settled_matter=finding.original_settled, repeat_brings_new=bool(finding.new_facts)))
    if grounds and finding.grounds_on is None:
        finding.grounds_on = timezone.localtime(finding.found_at).date()
        finding.refusal_due_on = documents_rules.refusal_notice_due(finding.grounds_on)
    elif not grounds:
        finding.grounds_on = finding.refusal_due_on = None
    finding.full_clean()
    finding.save()
    if grounds:
        _keep_refusal_due(matter)
    elif matter.state in (S.RECEIVED, S.CLASSIFIED) and matter.state_changed_at:
        intake.set_waiting_deadline(matter=matter)


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


def _decline(by, matter: Matter, reason: str, advice: str) -> Decision:
    errors = {}
    if not (advice or "").strip():
        errors["advice"] = ["Công dân có thể làm gì: hãy nêu cơ quan gửi đơn hoặc buổi tiếp công dân mà công dân có thể đến, để văn bản trả lời không bỏ công dân lại không lối đi."]
    for name, label, value in (("reason", "Lý do", reason), ("advice", "Công dân có thể làm gì", advice)):
        problem = text_problem(label, value, MAX_NOTE_CHARS)
        if problem:
            errors[name] = [problem]
    if errors:
        raise ValidationError(errors)
    refused = rules.settled_repeat(facts_of(matter))
    if refused:
        raise ValidationError({"reason": f"{refused.message} Văn bản trả lời không thay cho thông báo này."})
    workflow.transition(matter, S.DECLINED, by=by, reason=reason)
    decision = Decision(matter=matter, outcome=Decision.Outcome.DECLINED, decided_by=by, decided_at=timezone.now(), reason=reason.strip(), advice=advice.strip())
    decision.full_clean()
    decision.save()
    # The reply takes the committee's next number from the locked counter, in this transaction:
    # if issuing fails, the decline is not recorded either.
    issued = replies.issue_reply(by=by, decision=decision)
    decision.reply_document, decision.reply_number = issued, issued.number
    decision.save(update_fields=["reply_document", "reply_number"])
    return decision


@transaction.atomic
def decline(*, by, matter: Matter, reason: str, advice: str) -> Decision:
    """The Board does not propose a classified matter and replies in writing with the reason (plan 004 §3.1)."""
    matter = _locked(matter)
    # Asked here, not only by the transition: the head may also close a classified matter, but by Form 01/TCD.
    policy.require(by, "triage.decline", matter)
    return _decline(by, matter, reason, advice)


@transaction.atomic
def decide(*, by, matter: Matter, approve: bool, reason: str = "", advice: str = "", agencies_required: list[Organisation] | tuple = ()) -> Decision:
    """The Chairman (or the deputy within the authorised period) approves or declines a proposed matter,
    and chooses which agencies must attend."""
    matter = _locked(matter)
    if not approve:
        return _decline(by, matter, reason, advice)
    refused = rules.settled_repeat(facts_of(matter))
    if refused:
        raise ValidationError({"decision": refused.message})
    outside = [a for a in agencies_required if not a.path.startswith(matter.province_committee.path) and a.kind != Organisation.Kind.CENTRAL_BOARD]
    if outside:
        raise ValidationError({"agencies_required": f"Cơ quan phải dự: «{outside[0]}» không thuộc tỉnh này."})
    _texts(reason=("Ý kiến", reason))
    intake.approve(by=by, matter=matter, reason=reason or "Đồng ý tiếp trực tuyến", agencies_required=agencies_required)
    decision = Decision(matter=matter, outcome=Decision.Outcome.APPROVED, decided_by=by, decided_at=timezone.now(), reason=(reason or "Đồng ý tiếp trực tuyến").strip())
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def issue_refusal_notice(*, by, matter: Matter) -> RepeatFinding:
    """The head (the Chairman, or a deputy on the Chairman's authority) refuses to receive a settled
    matter repeated with nothing new: Form 01/TCD, issued and numbered through ``documents``, linked
    to the matter, which ends as not received (Law 2013 Art. 9(3); Decree 154/2026 Art. 4(1)(h), 4(3))."""
    matter = _locked(matter)
    policy.require(by, "triage.refuse", matter)
    finding = RepeatFinding.objects.select_for_update().select_related("original").filter(matter=matter).first()
    grounds = rules.settled_repeat(facts_of(matter)) if finding else None
    if grounds is None or finding.grounds_on is None:
        raise ValidationError("Vụ việc không có căn cứ từ chối tiếp theo Luật Tiếp công dân 2013, Điều 9 khoản 3 hoặc NĐ 154/2026, Điều 4 khoản 1 điểm h: chỉ vụ việc lặp lại vụ việc đã được giải quyết đúng pháp luật, đã được trả lời và không có nội dung mới thì mới bị từ chối.")
    if finding.refusal_document_id:
        raise ValidationError(f"Thông báo từ chối tiếp số {finding.refusal_document.number} đã được ban hành cho {matter}.")
    if matter.state == S.RECEIVED:
        raise ValidationError(f"{matter} cần được Ban Tiếp công dân phân loại trước khi ra thông báo từ chối tiếp (loại vụ việc quyết định căn cứ pháp lý).")
    issued = replies.issue_refusal(by=by, matter=matter, grounds=grounds, grounds_on=finding.grounds_on, original=finding.original)
    workflow.transition(matter, S.DECLINED, by=by, reason=f"Từ chối tiếp: Thông báo số {issued.number} (Mẫu 01/TCD), căn cứ {grounds.legal_basis}.", changes={"refusal_document": issued.pk})
    finding.refusal_document = issued
    finding.save(update_fields=["refusal_document"])
    return finding
