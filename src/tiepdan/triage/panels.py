"""Triage's part of the matter page (intake's), drawn through core.panels: intake never imports triage.

Registered in ``TriageConfig.ready()``. Each panel decides itself who may see and act (the policy), and
renders its own template with its own forms; the forms post to triage's views.
"""
from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from tiepdan.core import panels, policy
from tiepdan.documents.services import may_open
from tiepdan.intake import selectors as intake_selectors
from tiepdan.intake.models import MatterState

from . import rules
from .forms import ClassifyForm, DeclineForm, ProposeForm
from .models import RepeatFinding
from .services import facts_of, province_code


def actions(request, matter) -> str:
    """Classify (with the possible repeats), propose or decline, return for completion: what the Board does next."""
    user = request.user
    may = {a.replace(".", "_"): policy.can(user, a, matter) for a in ("triage.classify", "triage.propose", "triage.return")}
    ctx = {"m": matter, "may": may}
    if may["triage_classify"] and matter.state in (MatterState.RECEIVED, MatterState.CLASSIFIED):
        ctx["classify_form"] = ClassifyForm(matter=matter)
        ctx["repeats"] = intake_selectors.possible_repeats(matter)
    if may["triage_propose"] and matter.state == MatterState.CLASSIFIED:
        grounds = rules.applicable_grounds(facts_of(matter), province_code(matter))
        ctx["propose_form"] = ProposeForm(grounds=[(g, rules.Ground(g).label) for g in grounds])
        ctx["decline_form"] = DeclineForm()
    return render_to_string("triage/_matter_actions.html", ctx, request=request)


def refusal(request, matter) -> str:
    """A settled matter repeated: its grounds for refusal, the Form 01/TCD notice or its due date, the button to issue it."""
    finding = RepeatFinding.objects.select_related("original", "refusal_document").filter(matter_id=matter.pk).first()
    if finding is None:
        return ""
    grounds = rules.settled_repeat(facts_of(matter))
    document = finding.refusal_document
    return render_to_string("triage/_refusal.html", {
        "m": matter,
        "finding": finding,
        "grounds": grounds if grounds or document else None,
        "document": document,
        "may_open": bool(document and may_open(request.user, document)),
        "may_refuse": policy.can(request.user, "triage.refuse", matter) and matter.state in (MatterState.CLASSIFIED, MatterState.PROPOSED),
        "overdue": bool(finding.refusal_due_on and not document and finding.refusal_due_on < timezone.localdate()),
    }, request=request)


def history(request, matter) -> str:
    """The Board's proposals and the Chairman's decisions, with the reply to a citizen not received."""
    proposals = matter.proposals.select_related("proposed_by")
    decisions = matter.decisions.select_related("decided_by")
    if not proposals and not decisions:
        return ""
    return render_to_string("triage/_matter_history.html", {"m": matter, "proposals": proposals, "decisions": decisions}, request=request)


def register() -> None:
    panels.register(panels.MATTER_ACTIONS, "triage.actions", actions, order=10)
    panels.register(panels.MATTER_ACTIONS, "triage.refusal", refusal, order=20)
    panels.register(panels.MATTER_HISTORY, "triage.history", history, order=10)
