"""Thin views of the follow-up: ask the policy, call a service or a selector, render."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tiepdan.core import policy
from tiepdan.core.views_helpers import refusal_text, run_and_redirect
from tiepdan.documents.services import may_open
from tiepdan.intake import selectors as intake_selectors
from tiepdan.intake.rules import MAX_ATTACHMENT_BYTES, attachment_problem

from . import rules, selectors, services
from .forms import AcceptForm, ReportForm, ReturnForm
from .models import AGENCY_STATES, ReportAttachment, TaskState


def _task_or_404(user, pk):
    return policy.get_visible_or_404(user, "followup.view", selectors.visible_tasks(user), pk=pk)


@login_required
def task_list(request):
    """The Board's, the Chairman's and the inspectors' follow-up of the province; an agency's own tasks."""
    policy.require(request.user, "followup.view")
    today = timezone.localdate()
    ctx = {**selectors.board_overview(request.user, today), "today": today, "oversee": policy.can(request.user, "followup.oversee")}
    for key in ("overdue", "due_soon", "reported", "open", "done"):
        for task in ctx[key]:
            task.late_days = rules.working_days_late(task.due_on, today)
    return render(request, "followup/task_list.html", ctx)


@login_required
def task_detail(request, pk):
    task = _task_or_404(request.user, pk)
    user = request.user
    reports = list(task.reports.select_related("by", "answer_document").prefetch_related("attachments"))
    for row in reports:
        row.may_open_answer = bool(row.answer_document and may_open(user, row.answer_document))
    may_report = policy.can(user, "followup.report", task) and task.state in AGENCY_STATES
    may_accept = policy.can(user, "followup.accept_result", task) and task.state == TaskState.REPORTED
    ctx = {
        "task": task,
        "directive": task.directive,
        "reports": reports,
        "transitions": task.transitions.select_related("by"),
        "matter_visible": intake_selectors.visible_matter(user, task.matter_id) is not None,
        "late_days": rules.working_days_late(task.due_on, timezone.localdate()),
        "report_form": ReportForm() if may_report else None,
        "accept_form": AcceptForm() if may_accept else None,
        "return_form": ReturnForm() if may_accept else None,
    }
    return render(request, "followup/task_detail.html", ctx)


@login_required
@require_POST
def report(request, pk):
    task = _task_or_404(request.user, pk)
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("followup:task_detail", pk)
    uploads = []
    for upload in form.cleaned_data["files"]:
        if upload.size > MAX_ATTACHMENT_BYTES:  # refused before reading it into memory
            messages.error(request, attachment_problem(upload.name, upload.size, upload.read(16)))
            return redirect("followup:task_detail", pk)
        uploads.append(services.Upload(name=upload.name, data=upload.read()))
    data = form.cleaned_data
    return run_and_redirect(request, lambda: services.report(by=request.user, task=task, kind=data["kind"], text=data["text"], answer=data["answer"], files=uploads),
                            success=lambda row: "Đã gửi báo cáo kết quả; Ban Tiếp công dân sẽ xem xét." if row.kind == "result" else "Đã ghi báo cáo tiến độ.",
                            redirect_to=("followup:task_detail", pk))


@login_required
@require_POST
def accept(request, pk):
    task = _task_or_404(request.user, pk)
    return run_and_redirect(request, lambda: services.accept_result(by=request.user, task=task, note=request.POST.get("note", "")),
                            success="Đã ghi nhận nhiệm vụ hoàn thành.", redirect_to=("followup:task_detail", pk))


@login_required
@require_POST
def return_result(request, pk):
    task = _task_or_404(request.user, pk)
    return run_and_redirect(request, lambda: services.return_result(by=request.user, task=task, reason=request.POST.get("reason", "")),
                            success="Đã yêu cầu cơ quan bổ sung.", redirect_to=("followup:task_detail", pk))


@login_required
def attachment(request, pk):
    """A report's attachment, for whoever sees its task (404 otherwise); the read is audited by the service."""
    found = ReportAttachment.objects.select_related("report").filter(pk=pk).first()
    if found is None:
        raise Http404("Không tìm thấy tài liệu.")
    _task_or_404(request.user, found.report.task_id)
    try:
        data = services.open_attachment(by=request.user, attachment=found)
    except ValidationError as exc:  # a changed file: say so rather than serve it
        messages.error(request, refusal_text(exc))
        return redirect("followup:task_detail", found.report.task_id)
    response = HttpResponse(data, content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.sha256[:16]}.{found.original_name.rsplit(".", 1)[-1].lower()}"'
    return response
