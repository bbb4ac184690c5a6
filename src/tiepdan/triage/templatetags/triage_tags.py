"""The triage panel that the matter page draws: a settled matter repeated, its refusal and its due date.

A tag, so the matter page (intake's) needs one line and triage keeps what it shows and who may act.
"""
from django import template
from django.utils import timezone

from tiepdan.core import policy
from tiepdan.documents.services import may_open

from .. import rules
from ..models import RepeatFinding
from ..services import facts_of

register = template.Library()


@register.inclusion_tag("triage/_refusal.html", takes_context=True)
def refusal_panel(context, matter):
    user = context["request"].user
    finding = RepeatFinding.objects.select_related("original", "refusal_document").filter(matter_id=matter.pk).first()
    grounds = rules.settled_repeat(facts_of(matter)) if finding else None
    document = finding.refusal_document if finding else None
    return {
        "m": matter,
        "finding": finding,
        "grounds": grounds if finding and (grounds or document) else None,
        "document": document,
        "may_open": bool(document and may_open(user, document)),
        "may_refuse": policy.can(user, "triage.refuse", matter) and matter.state in ("classified", "proposed"),
        "overdue": bool(finding and finding.refusal_due_on and not document and finding.refusal_due_on < timezone.localdate()),
        "csrf_token": context.get("csrf_token"),
    }
