"""Thin views of triage: each calls one service and goes back to the matter or the list."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tiepdan.core import policy
from tiepdan.core.views_helpers import run_and_redirect
from tiepdan.intake import selectors as intake_selectors

from . import selectors, services
from .forms import ClassifyForm, DecideForm, DeclineForm, ProposeForm
from .models import Decision
from .replies import reply_file


def _matter(request, pk):
    matter = intake_selectors.visible_matter(request.user, pk)
    if matter is None:
        raise Http404("Không tìm thấy vụ việc trong phạm vi của đơn vị bạn.")
    return matter


@login_required
@require_POST
def classify(request, pk):
    matter = _matter(request, pk)
    form = ClassifyForm(request.POST, matter=matter)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("intake:matter_detail", pk)
    return run_and_redirect(request, lambda: services.classify(by=request.user, matter=matter, **form.cleaned_data),
                            success="Đã phân loại vụ việc.", redirect_to=("intake:matter_detail", pk))


@login_required
@require_POST
def propose(request, pk):
    matter = _matter(request, pk)
    form = ProposeForm(request.POST, grounds=())
    if not form.is_valid():
        messages.error(request, "Đề xuất: hãy chọn căn cứ và nêu lý do.")
        return redirect("intake:matter_detail", pk)
    return run_and_redirect(request, lambda: services.propose(by=request.user, matter=matter, **form.cleaned_data),
                            success="Đã đề xuất Chủ tịch UBND tỉnh tiếp trực tuyến.", redirect_to=("intake:matter_detail", pk))


@login_required
@require_POST
def decline(request, pk):
    matter = _matter(request, pk)
    return run_and_redirect(request, lambda: services.decline(by=request.user, matter=matter, reason=request.POST.get("reason", ""), advice=request.POST.get("advice", "")),
                            success="Đã ghi nhận không đề xuất; văn bản trả lời công dân đã sẵn sàng (DOCX, PDF).", redirect_to=("intake:matter_detail", pk))


@login_required
@require_POST
def return_matter(request, pk):
    matter = _matter(request, pk)
    return run_and_redirect(request, lambda: services.return_for_completion(by=request.user, matter=matter, reason=request.POST.get("reason", "")),
                            success="Đã trả lại vụ việc để bổ sung.", redirect_to=("intake:matter_detail", pk))


@login_required
@require_POST
def link_repeat(request, pk):
    matter = _matter(request, pk)
    original = _matter(request, int(request.POST.get("original", "0") or 0))
    return run_and_redirect(
        request, lambda: services.link_repeat(by=request.user, matter=matter, original=original, new_facts=request.POST.get("new_facts", ""), reason=request.POST.get("reason", "")),
        success=f"Đã ghi nhận vụ việc lặp lại {original}.", redirect_to=("intake:matter_detail", pk))


@login_required
@require_POST
def refuse(request, pk):
    matter = _matter(request, pk)
    return run_and_redirect(request, lambda: services.issue_refusal_notice(by=request.user, matter=matter),
                            success=lambda finding: f"Đã ban hành Thông báo từ chối tiếp công dân số {finding.refusal_document.number} (Mẫu 01/TCD).",
                            redirect_to=("intake:matter_detail", pk))


@login_required
def proposals(request):
    """The Chairman's list: each proposed matter with its summary, history and the Board's reason."""
    policy.require(request.user, "triage.view_proposals")
    matters = list(selectors.proposed_matters(request.user)[:100])
    may_decide = policy.can(request.user, "triage.decide")
    rows = [(m, DecideForm(matter=m, auto_id=f"m{m.pk}_%s"), DeclineForm(prefix=f"d{m.pk}")) for m in matters]
    return render(request, "triage/proposals.html", {"rows": rows, "may_decide": may_decide})


@login_required
@require_POST
def decide(request, pk):
    matter = _matter(request, pk)
    approve = request.POST.get("decision") == "approve"
    try:
        if approve:
            form = DecideForm(request.POST, matter=matter)
            agencies = list(form.cleaned_data["agencies_required"]) if form.is_valid() else []
            services.decide(by=request.user, matter=matter, approve=True, reason=request.POST.get("reason", ""), agencies_required=agencies)
            messages.success(request, f"Đã đồng ý tiếp {matter}: chuyển Ban Tiếp công dân lập lịch.")
        else:
            services.decide(by=request.user, matter=matter, approve=False, reason=request.POST.get(f"d{pk}-reason", ""), advice=request.POST.get(f"d{pk}-advice", ""))
            messages.success(request, f"Đã quyết định không tiếp {matter}; văn bản trả lời công dân đã sẵn sàng.")
    except ValidationError as exc:
        messages.error(request, f"{matter}: " + " ".join(exc.messages))
    return redirect("triage:proposals")


@login_required
def reply(request, pk, fmt):
    """The written reply to a citizen not received (the Chairman's or the Board's decline), as DOCX or PDF."""
    if fmt not in ("docx", "pdf"):
        raise Http404("Văn bản trả lời có dạng DOCX hoặc PDF.")
    matter = _matter(request, pk)
    decision = Decision.objects.filter(matter=matter, outcome=Decision.Outcome.DECLINED).select_related("decided_by").first()
    if decision is None:
        raise Http404("Vụ việc này không có văn bản trả lời.")
    content, name, mime = reply_file(by=request.user, decision=decision, fmt=fmt)
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
