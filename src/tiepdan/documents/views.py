"""Thin views: the list of issued documents, the download of one rendering, and the public check of a PDF."""
from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from tiepdan.core import policy

from . import selectors, services
from .models import DocumentKind, IssuedDocument


@login_required
def document_list(request):
    policy.require(request.user, "documents.view")
    qs = selectors.visible_documents(request.user)
    kind = request.GET.get("kind", "")
    if kind in DocumentKind.values:
        qs = qs.filter(kind=kind)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for document in page:
        # Listed for everyone in scope (a register shows every number it used); opened only by those allowed.
        document.may_open = services.may_open(request.user, document)
    return render(request, "documents/document_list.html", {"page": page, "kind": kind, "kinds": DocumentKind.choices})


@login_required
def document_download(request, pk: int, fmt: str):
    document = policy.get_visible_or_404(request.user, None, IssuedDocument.objects.select_related("organisation"), pk=pk)
    try:
        content, media_type, filename = services.open_document(by=request.user, document=document, fmt=fmt)
    except ValidationError as exc:
        return render(request, "documents/document_error.html", {"message": " ".join(exc.messages)}, status=409)
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# The public check: anyone may upload, so each address gets a bounded number of checks and a bounded file.
CHECK_MAX_BYTES = 20 * 1024 * 1024
CHECKS_PER_ADDRESS_PER_HOUR = 30


class CheckFileForm(forms.Form):
    file = forms.FileField(label="Tệp PDF cần kiểm tra", help_text="Tệp văn bản (PDF) bạn nhận được, tối đa 20 MB.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > CHECK_MAX_BYTES:
            raise forms.ValidationError("Tệp lớn hơn 20 MB: văn bản do hệ thống ban hành nhỏ hơn nhiều. Hãy chọn đúng tệp PDF bạn nhận được.")
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError("Tệp này không phải tệp PDF. Hãy chọn tệp văn bản dạng PDF (.pdf).")
        return upload


def _over_check_limit(request) -> bool:
    key = f"documents-check:{request.META.get('REMOTE_ADDR') or '-'}"
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key) > CHECKS_PER_ADDRESS_PER_HOUR
    except ValueError:  # the entry expired between add and incr: this is the first check of a new hour
        cache.set(key, 1, timeout=3600)
        return False


@require_http_methods(["GET", "POST"])
def check_file(request):
    """Kiểm tra văn bản: anyone, signed in or not, uploads a PDF and learns whether we issued it, signed and unchanged."""
    context = {"form": CheckFileForm(), "max_mb": CHECK_MAX_BYTES // (1024 * 1024)}
    if request.method == "GET":
        return render(request, "documents/check_file.html", context)
    if _over_check_limit(request):
        context["refusal"] = "Bạn đã kiểm tra quá nhiều tệp trong một giờ. Hãy thử lại sau ít phút."
        return render(request, "documents/check_file.html", context, status=429)
    # Refused before the body is read: a declared size over the limit never reaches the disk.
    if int(request.META.get("CONTENT_LENGTH") or 0) > CHECK_MAX_BYTES + 64 * 1024:
        context["refusal"] = "Tệp lớn hơn 20 MB: văn bản do hệ thống ban hành nhỏ hơn nhiều. Hãy chọn đúng tệp PDF bạn nhận được."
        return render(request, "documents/check_file.html", context, status=413)
    form = CheckFileForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, "documents/check_file.html", context, status=400)
    by = request.user if request.user.is_authenticated else None
    context["check"] = services.check_file(pdf=form.cleaned_data["file"].read(), by=by)
    context["form"] = CheckFileForm()
    return render(request, "documents/check_file.html", context)
