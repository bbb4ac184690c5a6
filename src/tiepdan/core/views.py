from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_POST

from . import audit, policy


@login_required
def audit_log(request):
    policy.require(request.user, "audit.view")
    qs = audit.visible_entries(request.user).order_by("-id")
    action = request.GET.get("action", "").strip()
    if action:
        qs = qs.filter(action__startswith=action)
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    audit.record(actor=request.user, action="audit.view", object_type="core.auditentry", object_repr="Xem nhật ký kiểm tra")
    return render(request, "core/audit_log.html", {"page": page, "action": action})


@login_required
@require_POST
def audit_verify(request):
    policy.require(request.user, "audit.verify")
    report = audit.report_for(request.user, audit.verify_chain(audit.chains_for(request.user)))
    audit.record(actor=request.user, action="audit.verify", object_type="core.auditentry", object_repr="Kiểm tra toàn vẹn", changes={"ok": report.ok, "checked": report.checked, "first_broken": report.first_broken_id})
    return render(request, "core/_verify_result.html", {"report": report})
