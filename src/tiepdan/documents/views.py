"""Thin views: the list of issued documents and the download of one rendering."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

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
