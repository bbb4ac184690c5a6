"""Thin views: the statistics page (period and scope from GET), the downloads, the report drafts."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from tiepdan.core import policy
from tiepdan.intake.selectors import register_book_rows

from . import charts, exports, rules, selectors, services, statistics, wording
from .models import ReportDraft, ReportKind, ReportState


def _period(request) -> tuple[rules.Period, str]:
    today = timezone.localdate()
    try:
        return rules.period_from(request.GET, today), ""
    except ValueError as exc:
        return rules.month_period(today.year, today.month), str(exc)


def _charts(stats: statistics.Statistics) -> list[dict]:
    return [
        {"id": "chart-locality", "title": "Lượt công dân theo địa bàn", "unit": "lượt công dân", "svg": charts.bar_chart(chart_id="chart-locality", title="Lượt công dân theo xã, phường", rows=[(r.label, r.citizens, r.share) for r in stats.by_locality], unit="lượt công dân"), "rows": stats.by_locality, "value": "citizens"},
        {"id": "chart-kind", "title": "Lượt tiếp theo loại nội dung", "unit": "lượt", "svg": charts.bar_chart(chart_id="chart-kind", title="Lượt tiếp theo loại nội dung", rows=[(r.label, r.count, r.share) for r in stats.by_kind], unit="lượt"), "rows": stats.by_kind, "value": "count"},
        {"id": "chart-subject", "title": "Lượt tiếp theo lĩnh vực", "unit": "lượt", "svg": charts.bar_chart(chart_id="chart-subject", title="Lượt tiếp theo lĩnh vực", rows=[(r.label, r.count, r.share) for r in stats.by_subject], unit="lượt"), "rows": stats.by_subject, "value": "count"},
    ]


@login_required
def statistics_page(request):
    policy.require(request.user, "reports.view")
    period, problem = _period(request)
    scope = selectors.resolve_scope(request.user, request.GET.get("pham_vi"))
    stats = selectors.statistics_for(request.user, scope=scope, period=period)
    query = urlencode({**period.query, "pham_vi": scope.key})
    context = {
        "stats": stats, "period": period, "scope": scope, "problem": problem, "query": query,
        "scopes": selectors.scope_options(request.user), "charts": _charts(stats),
        "kinds": rules.PERIOD_KINDS, "months": [(m, f"Tháng {m}") for m in range(1, 13)],
        "quarters": [(n, f"Quý {roman}") for n, roman in rules.QUARTER_NAMES.items()],
        "years": [(y, y) for y in range(timezone.localdate().year, timezone.localdate().year - 6, -1)],
        "may_export_register": policy.can(request.user, "reports.export_register"),
        "may_draft": policy.can(request.user, "reports.draft") or policy.can(request.user, "reports.draft_commune"),
        "print_view": request.GET.get("ban_in") == "1",
        "sentence": wording.reception_paragraph(stats.as_dict()), "quarter": (period.start.month - 1) // 3 + 1,
        "lines": [(ln, statistics.CHAIRS[ln.chair], statistics.KIND_LABELS.get(ln.kind, ln.kind)) for ln in stats.lines],
    }
    return render(request, "reports/statistics.html", context)


def _download(content: bytes, fmt: str, stem: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _stem(prefix: str, period: rules.Period) -> str:
    return f"{prefix}-{period.start:%Y%m%d}-{period.last_day:%Y%m%d}"


@login_required
def figures_download(request, fmt: str):
    if fmt not in exports.FORMATS:
        raise Http404("Định dạng không được hỗ trợ.")
    policy.require(request.user, "reports.export_figures")
    period, _ = _period(request)
    scope = selectors.resolve_scope(request.user, request.GET.get("pham_vi"))
    stats = selectors.statistics_for(request.user, scope=scope, period=period)
    content = {"csv": exports.figures_csv, "json": exports.figures_json, "xlsx": exports.figures_xlsx}[fmt](stats)
    services.record_download(by=request.user, what="figures", fmt=fmt, scope=scope, period=period, rows=len(exports.figure_rows(stats)))
    return _download(content, fmt, _stem("so-lieu-tiep-cong-dan", period))


@login_required
def register_download(request, fmt: str):
    if fmt not in exports.FORMATS:
        raise Http404("Định dạng không được hỗ trợ.")
    policy.require(request.user, "reports.export_register")
    period, _ = _period(request)
    scope = selectors.resolve_scope(request.user, request.GET.get("pham_vi"))
    since, until = statistics.day_start(period.start), statistics.day_start(period.end)
    rows = register_book_rows(request.user, since=since, until=until)
    if fmt == "csv":
        content = exports.register_csv(rows)
    elif fmt == "json":
        content = exports.register_json(rows)
    else:
        organisation = request.user.organisation
        content = exports.register_xlsx(rows, organisation=organisation.name, parent_body=organisation.parent.name if organisation.parent_id else "", period=period.label.capitalize())
    services.record_download(by=request.user, what="register", fmt=fmt, scope=scope, period=period, rows=len(rows))
    return _download(content, fmt, _stem("so-tiep-cong-dan", period))


def _visible_drafts(user):
    return policy.visible(user, "reports.view", ReportDraft.objects.select_related("organisation", "scope_organisation", "document"))


@login_required
def draft_list(request):
    policy.require(request.user, "reports.view")
    drafts = _visible_drafts(request.user)[:100]
    return render(request, "reports/draft_list.html", {"drafts": drafts, "may_draft": policy.can(request.user, "reports.draft"),
                                                       "may_draft_commune": policy.can(request.user, "reports.draft_commune"), "today": timezone.localdate()})


@login_required
@require_POST
def draft_create(request):
    """The Board drafts a month's report by hand (the job drafts it on the first working day); a commune its report."""
    user = request.user
    try:
        if policy.can(user, "reports.draft"):
            period = rules.month_period(int(request.POST.get("nam", "0")), int(request.POST.get("thang", "0")))
            province = selectors.default_scope(user).organisation
            draft, _ = services.draft_monthly_report(by=user, province_committee=province, year=period.start.year, month=period.start.month)
        else:
            policy.require(user, "reports.draft_commune")
            period = rules.month_period(int(request.POST.get("nam", "0")), int(request.POST.get("thang", "0")))
            draft = services.draft_commune_report(by=user, commune_committee=selectors.default_scope(user).organisation, period=period)
    except (ValueError, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("reports:drafts")
    return redirect("reports:draft", pk=draft.pk)


@login_required
def draft_detail(request, pk: int):
    draft = policy.get_visible_or_404(request.user, "reports.view", ReportDraft.objects.select_related("organisation", "scope_organisation", "document"), pk=pk)
    monthly = draft.kind == ReportKind.MONTHLY
    may_edit = draft.state == ReportState.DRAFT and policy.can(request.user, "reports.draft" if monthly else "reports.draft_commune", draft)
    may_issue = draft.state == ReportState.DRAFT and policy.can(request.user, "reports.issue" if monthly else "reports.issue_commune", draft)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "save":
                services.edit_draft(by=request.user, draft=draft, notes=request.POST.get("notes", ""), version=int(request.POST.get("version", "0")))
                messages.success(request, "Đã lưu đánh giá, kiến nghị của báo cáo.")
            elif action == "refresh":
                services.refresh_figures(by=request.user, draft=draft)
                messages.success(request, "Đã tính lại số liệu của báo cáo.")
            elif action == "issue":
                draft = services.issue_report(by=request.user, draft=draft)
                messages.success(request, f"Đã ban hành báo cáo số {draft.document.number}.")
            else:
                raise ValidationError("Thao tác không hợp lệ.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("reports:draft", pk=pk)
    preview = services.build_document(draft, by=request.user).plain_text() if draft.state == ReportState.DRAFT else ""
    return render(request, "reports/draft_detail.html", {
        "draft": draft, "may_edit": may_edit, "may_issue": may_issue, "preview": preview,
        "statistics_url": reverse("reports:statistics") + "?" + urlencode({"ky": "dates", "tu": draft.period_start.isoformat(), "den": draft.period_last_day.isoformat(), "pham_vi": draft.scope_organisation_id}),
    })


@login_required
def draft_figures(request, pk: int):
    """The figures of a report as a workbook: the issued one as it was issued, a draft's as they stand."""
    draft = policy.get_visible_or_404(request.user, "reports.view", ReportDraft.objects.select_related("scope_organisation"), pk=pk)
    policy.require(request.user, "reports.export_figures", draft)
    if draft.figures_xlsx:
        with draft.figures_xlsx.open("rb") as handle:
            content = handle.read()
    else:
        content = exports.figures_xlsx(draft.figures)
    scope = selectors.resolve_scope(request.user, str(draft.scope_organisation_id))
    services.record_download(by=request.user, what="figures", fmt="xlsx", scope=scope, period=rules.dates_period(draft.period_start, draft.period_last_day), rows=len(exports.figure_rows(draft.figures)))
    return _download(content, "xlsx", f"so-lieu-bao-cao-{draft.pk}")
