"""Thin views: ask the policy, call a service or a selector, render."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tiepdan.core import audit, panels, policy
from tiepdan.core.views_helpers import run_and_redirect
from tiepdan.documents import selectors as doc_selectors
from tiepdan.documents.registerbook import export_xlsx, fill_follow_up
from tiepdan.documents.services import may_open
from tiepdan.organisations.models import AdministrativeUnit

from . import household_import, selectors, services
from .forms import BoardRegistrationForm, ContactForm, RegistrationForm, apply_errors, parse_papers
from .models import CommuneBatch, Contact, MatterKind, MatterState
from .rules import MAX_ATTACHMENT_BYTES, attachment_problem


def _communes_for(user):
    committee = user.province_committee
    if committee is None or committee.unit_id is None:
        return AdministrativeUnit.objects.none()
    return AdministrativeUnit.objects.filter(parent_id=committee.unit_id).order_by("name")


def _matter_or_404(user, pk):
    matter = selectors.visible_matter(user, pk)
    if matter is None:
        raise Http404("Không tìm thấy vụ việc trong phạm vi của đơn vị bạn.")
    return matter


def _documents_about(user, matter):
    """The documents issued about the matter or one of its petitions (Form 02/TCD receipts), oldest first, each with
    whether the user may open it."""
    found = [*doc_selectors.documents_about(user, matter), *(d for p in matter.petitions.all() for d in doc_selectors.documents_about(user, p))]
    documents = sorted(found, key=lambda d: (d.issued_at, d.pk))
    for document in documents:
        document.may_open = may_open(user, document)
    return documents


@login_required
def matter_list(request):
    policy.require(request.user, "intake.view")
    g = request.GET
    commune = None
    if g.get("commune", "").isdigit():
        commune = AdministrativeUnit.objects.filter(pk=int(g["commune"])).first()
    page = selectors.search_matters(request.user, g.get("q", ""), state=g.get("state", ""), kind=g.get("kind", ""), commune=commune, subject_area=g.get("subject_area", ""), page=int(g["page"]) if g.get("page", "").isdigit() else 1)
    ctx = {"page": page, "q": g.get("q", ""), "state": g.get("state", ""), "kind": g.get("kind", ""), "commune_id": g.get("commune", ""), "states": MatterState.choices, "kinds": MatterKind.choices, "communes": _communes_for(request.user)}
    template = "intake/_matter_rows.html" if request.headers.get("HX-Request") else "intake/matter_list.html"
    return render(request, template, ctx)


@login_required
def matter_detail(request, pk):
    """The matter: intake's own sections, then what each later stage contributes (core.panels), then the history."""
    matter = _matter_or_404(request.user, pk)
    user = request.user
    ctx = {
        "m": matter,
        "transitions": matter.transitions.select_related("by"),
        "petitions": matter.petitions.prefetch_related("attachments"),
        "documents": _documents_about(user, matter),
        "may": {a.replace(".", "_"): policy.can(user, a, matter) for a in ("intake.withdraw", "intake.record_consent", "intake.view_protected_identity", "intake.attach")},
        "panels": panels.render(panels.MATTER_ACTIONS, request, matter),
        "history": panels.render(panels.MATTER_HISTORY, request, matter),
    }
    return render(request, "intake/matter_detail.html", ctx)


@login_required
def register(request):
    policy.require(request.user, "intake.register")
    form = BoardRegistrationForm(request.POST or None, communes=_communes_for(request.user))
    if request.method == "POST" and form.is_valid():
        citizen, matter = form.to_data()
        try:
            m = services.register_at_board(by=request.user, citizen=citizen, matter=matter, channel=form.cleaned_data["channel"], received_at=form.received_at())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Đã tiếp nhận {m}. Hãy phân loại vụ việc.")
            return redirect("intake:matter_detail", m.pk)
    return render(request, "intake/register.html", {"form": form, "title": "Tiếp nhận đăng ký tại Ban Tiếp công dân"})


@login_required
def contact(request):
    policy.require(request.user, "intake.log_contact")
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_contact(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Đã ghi nhận liên hệ. Công dân cần gửi đơn bằng văn bản để được đăng ký tiếp.")
            return redirect("intake:contact")
    contacts = policy.visible(request.user, "intake.log_contact", Contact.objects.select_related("recorded_by"))[:30]
    return render(request, "intake/contact.html", {"form": form, "contacts": contacts})


@login_required
def commune_list(request):
    """The commune's list (commune officer) or the lists sent by communes (Board officer)."""
    user = request.user
    if policy.can(user, "intake.register_household"):
        batch = services.current_batch(user)
        form = RegistrationForm(request.POST or None, communes=AdministrativeUnit.objects.filter(pk=user.organisation.unit_id), initial={"commune": user.organisation.unit_id})
        if request.method == "POST" and form.is_valid():
            citizen, matter = form.to_data()
            try:
                services.record_household(by=user, citizen=citizen, matter=matter)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Đã ghi nhận hộ {citizen.full_name} vào danh sách.")
                return redirect("intake:commune_list")
        sent = CommuneBatch.objects.filter(commune_committee=user.organisation).exclude(state__in=[CommuneBatch.State.DRAFT, CommuneBatch.State.RETURNED]).order_by("-created_at")[:10]
        matters = batch.matters.select_related("citizen").order_by("registered_at") if batch else []
        return render(request, "intake/commune_list.html", {"batch": batch, "matters": matters, "form": form, "sent": sent})
    policy.require(user, "triage.return")
    batches = policy.visible(user, "triage.return", CommuneBatch.objects.filter(state=CommuneBatch.State.SUBMITTED).select_related("commune_committee")).order_by("submitted_at")
    return render(request, "intake/commune_batches.html", {"batches": [(b, b.matters.select_related("citizen").order_by("registered_at")) for b in batches]})


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def household_template(request):
    """The Excel template of a commune's household list (Form 03/TCD's columns that apply)."""
    policy.require(request.user, "intake.register_household")
    response = HttpResponse(household_import.template_xlsx(commune_name=request.user.organisation.name), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-danh-sach-ho-dan.xlsx"'
    return response


@login_required
def import_households(request):
    """Upload a filled template: every household into the commune's list, or none with each problem by row and column."""
    policy.require(request.user, "intake.register_household")
    problems: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            problems = ["Chưa chọn tệp. Hãy chọn tệp Excel (.xlsx) theo mẫu."]
        elif upload.size > household_import.MAX_IMPORT_BYTES:  # refused before reading it into memory
            problems = [f"Tệp Excel dung lượng {upload.size / 1024 / 1024:.1f} MB, vượt quá {household_import.MAX_IMPORT_BYTES // 1024 // 1024} MB. Hãy tách danh sách thành nhiều tệp."]
        else:
            try:
                matters = household_import.import_households(by=request.user, data=upload.read())
            except ValidationError as exc:
                problems = [m for messages in exc.message_dict.values() for m in messages] if hasattr(exc, "error_dict") else exc.messages
            else:
                messages.success(request, f"Đã nhập {len(matters)} hộ dân từ tệp Excel vào danh sách.")
                return redirect("intake:commune_list")
    return render(request, "intake/import_households.html", {"problems": problems}, status=400 if problems else 200)


@login_required
@require_POST
def submit_batch(request, pk):
    batch = get_object_or_404(CommuneBatch, pk=pk)
    return run_and_redirect(request, lambda: services.submit_batch(by=request.user, batch=batch),
                            success="Đã gửi danh sách lên Ban Tiếp công dân tỉnh.", redirect_to="intake:commune_list")


@login_required
@require_POST
def return_batch(request, pk):
    batch = get_object_or_404(CommuneBatch, pk=pk)
    return run_and_redirect(request, lambda: services.return_batch(by=request.user, batch=batch, reason=request.POST.get("reason", "")),
                            success=f"Đã trả lại danh sách của {batch.commune_committee} để bổ sung.", redirect_to="intake:commune_list")


@login_required
@require_POST
def complete(request, pk):
    matter = _matter_or_404(request.user, pk)
    return run_and_redirect(
        request, lambda: services.complete_matter(by=request.user, matter=matter, summary=request.POST.get("summary", ""), request=request.POST.get("request", matter.request), papers=parse_papers(request.POST.get("papers", ""))),
        success="Đã bổ sung vụ việc. Gửi lại danh sách khi đã bổ sung đủ.", redirect_to="intake:commune_list")


@login_required
@require_POST
def consent(request, pk):
    matter = _matter_or_404(request.user, pk)
    return run_and_redirect(request, lambda: services.record_online_consent(by=request.user, matter=matter, consent=request.POST.get("consent") == "1"),
                            success="Đã ghi nhận ý kiến của công dân về việc tiếp trực tuyến.", redirect_to=("intake:matter_detail", pk))


@login_required
@require_POST
def withdraw(request, pk):
    matter = _matter_or_404(request.user, pk)
    return run_and_redirect(request, lambda: services.withdraw(by=request.user, matter=matter, reason=request.POST.get("reason", "")),
                            success="Đã ghi nhận công dân rút yêu cầu.", redirect_to=("intake:matter_detail", pk))


@login_required
@require_POST
def reveal_identity(request, pk):
    """htmx: the protected denouncer's identity, shown once; the read is audited."""
    matter = _matter_or_404(request.user, pk)
    citizen = services.reveal_identity(by=request.user, matter=matter)
    return render(request, "intake/_identity.html", {"c": citizen, "m": matter})


@login_required
@require_POST
def attach(request, pk):
    matter = _matter_or_404(request.user, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Tệp đính kèm: chưa chọn tệp. Hãy chọn tệp PDF, JPEG hoặc PNG.")
        return redirect("intake:matter_detail", pk)
    if upload.size > MAX_ATTACHMENT_BYTES:  # refused before reading it into memory
        messages.error(request, attachment_problem(upload.name, upload.size, upload.read(16)))
        return redirect("intake:matter_detail", pk)
    return run_and_redirect(request, lambda: services.add_attachment(
        by=request.user, petition=matter.petitions.order_by("-received_at").first(), name=upload.name, data=upload.read(),
        paper_name=request.POST.get("paper_name", ""), paper_state=request.POST.get("paper_state", "bản chụp"),
    ), success=f"Đã đính kèm «{upload.name}».", redirect_to=("intake:matter_detail", pk))


@login_required
def overdue(request):
    """What waits too long: matters past their step's deadline, petitions nearing 45 days (Decree 154/2026 Art. 41(3)(b))."""
    policy.require(request.user, "triage.classify")
    now = timezone.now()
    scope = selectors.scoped_matters(request.user)
    matters = selectors.matters_overdue(now).filter(pk__in=scope.values("pk")).select_related("citizen", "commune").order_by("state_due_at")[:200]
    petitions = selectors.petitions_nearing_45_days(now).filter(matter__in=scope.values("pk")).select_related("matter", "matter__citizen", "matter__commune").order_by("received_at")[:200]
    return render(request, "intake/overdue.html", {"matters": matters, "petitions": petitions, "now": now})


@login_required
def register_book(request):
    policy.require(request.user, "intake.register_book")
    rows = fill_follow_up(selectors.register_book_rows(request.user))
    if request.GET.get("format") == "xlsx":
        committee = request.user.province_committee
        audit.record(actor=request.user, action="register_book.export", object_type="intake.petition", object_repr=f"{len(rows)} dòng")
        content = export_xlsx(rows, organisation="Ban Tiếp công dân tỉnh", parent_body=committee.name if committee else "", period=f"Đến ngày {timezone.localdate():%d/%m/%Y}")
        response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = 'attachment; filename="so-tiep-cong-dan.xlsx"'
        return response
    return render(request, "intake/register_book.html", {"rows": rows[-200:], "total": len(rows)})
