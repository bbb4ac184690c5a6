"""Thin views of the conclusion notice: the list, the editor and approval page, and the buttons."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tiepdan.core import policy
from tiepdan.core.views_helpers import refusal_text, run_and_redirect
from tiepdan.scheduling.models import ReceptionSession

from . import selectors, services
from .forms import DirectiveForm, ItemForm
from .models import ConclusionNotice, Directive, NoticeItem, NoticeState
from .workflow import NOTICE


def _notice(request, pk: int, action: str | None = "outcomes.view") -> ConclusionNotice:
    return policy.get_visible_or_404(request.user, action, selectors.notices(), pk=pk)


@login_required
def notice_list(request):
    policy.require(request.user, "outcomes.view")
    visible = policy.visible(request.user, "outcomes.view", selectors.notices())
    groups = [(label, [n for n in visible if n.state in states]) for label, states in selectors.LIST_GROUPS]
    return render(request, "outcomes/notice_list.html", {"groups": groups})


def _item_context(request, item: NoticeItem, form=None, directive_form=None, refusal: str = "") -> dict:
    notice = item.notice
    editable = notice.state in services.EDITABLE_STATES and policy.can(request.user, "outcomes.draft", notice)
    return {
        "item": item, "editable": editable, "refusal": refusal, "form": form or ItemForm(instance=item, prefix=f"item{item.pk}"),
        "directive_form": directive_form or DirectiveForm(province_committee=notice.session.province_committee, prefix=f"dir{item.pk}"),
        "gaps": services.rules.item_gaps(conclusion=item.conclusion, answered_at_once=item.answered_at_once, time_limit=item.time_limit, contact_person=item.contact_person),
    }


@login_required
def notice_detail(request, pk: int):
    notice = _notice(request, pk)
    user = request.user
    items = [_item_context(request, item) for item in notice.items.select_related("matter__citizen").prefetch_related("directives__agency")]
    return render(request, "outcomes/notice_detail.html", {
        "notice": notice, "items": items,
        "may_submit": NOTICE.may(user, notice, NoticeState.SUBMITTED),
        "may_approve": NOTICE.may(user, notice, NoticeState.APPROVED),
        "may_issue": NOTICE.may(user, notice, NoticeState.ISSUED),
        "gaps": services.notice_gaps(notice) if notice.state in services.EDITABLE_STATES else [],
        "revisions": notice.revisions.select_related("submitted_by"), "comments": notice.comments.select_related("by"),
        "documents": selectors.documents_of(notice),
    })


def _fragment_or_back(request, item: NoticeItem, **ctx):
    if request.headers.get("HX-Request"):
        item.refresh_from_db()
        return render(request, "outcomes/_item.html", _item_context(request, item, **ctx))
    return redirect("outcomes:notice", item.notice_id)


@login_required
@require_POST
def item_save(request, pk: int):
    item = policy.get_visible_or_404(request.user, "outcomes.draft", NoticeItem.objects.select_related("notice__session__province_committee"), pk=pk)
    form = ItemForm(request.POST, instance=NoticeItem.objects.get(pk=item.pk), prefix=f"item{item.pk}")
    if form.is_valid():
        try:
            services.save_item(by=request.user, item=item, **{f: form.cleaned_data[f] for f in NoticeItem.EDITABLE})
        except ValidationError as exc:
            form.add_error(None, refusal_text(exc))
            return _fragment_or_back(request, item, form=form)
        return _fragment_or_back(request, item)
    return _fragment_or_back(request, item, form=form)


@login_required
@require_POST
def directive_add(request, pk: int):
    item = policy.get_visible_or_404(request.user, "outcomes.draft", NoticeItem.objects.select_related("notice__session__province_committee"), pk=pk)
    form = DirectiveForm(request.POST, province_committee=item.notice.session.province_committee, prefix=f"dir{item.pk}")
    if form.is_valid():
        try:
            services.add_directive(by=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, refusal_text(exc))
            return _fragment_or_back(request, item, directive_form=form)
        return _fragment_or_back(request, item)
    return _fragment_or_back(request, item, directive_form=form)


@login_required
@require_POST
def directive_remove(request, pk: int):
    directive = policy.get_visible_or_404(request.user, "outcomes.draft", Directive.objects.select_related("item__notice__session__province_committee", "agency"), pk=pk)
    item = directive.item
    try:
        services.remove_directive(by=request.user, directive=directive)
    except ValidationError as exc:
        # The item is drawn as it stands, with why (e.g. the notice was sent for approval from another page).
        return _fragment_or_back(request, item, refusal=refusal_text(exc))
    return _fragment_or_back(request, item)


@login_required
@require_POST
def submit(request, pk: int):
    notice = _notice(request, pk, None)
    return run_and_redirect(request, lambda: services.submit(by=request.user, notice=notice, comment=request.POST.get("comment", "")),
                            success="Đã trình dự thảo thông báo kết luận.", redirect_to=("outcomes:notice", pk))


@login_required
@require_POST
def return_notice(request, pk: int):
    notice = _notice(request, pk, None)
    return run_and_redirect(request, lambda: services.return_notice(by=request.user, notice=notice, comment=request.POST.get("comment", "")),
                            success="Đã trả lại dự thảo kèm ý kiến.", redirect_to=("outcomes:notice", pk))


@login_required
@require_POST
def approve(request, pk: int):
    notice = _notice(request, pk, None)
    return run_and_redirect(request, lambda: services.approve(by=request.user, notice=notice, comment=request.POST.get("comment", "")),
                            success="Đã duyệt thông báo kết luận; Ban Tiếp công dân sẽ vào sổ và ban hành.", redirect_to=("outcomes:notice", pk))


@login_required
@require_POST
def issue(request, pk: int):
    notice = _notice(request, pk, None)
    return run_and_redirect(request, lambda: services.issue(by=request.user, notice=notice),
                            success=lambda n: f"Đã ban hành Thông báo số {n.document.number}.", redirect_to=("outcomes:notice", pk))


@login_required
@require_POST
def draft_for_session(request, session_pk: int):
    session = policy.get_visible_or_404(request.user, "outcomes.draft", ReceptionSession.objects.select_related("province_committee"), pk=session_pk)
    try:
        notice = services.draft_notice(session=session, by=request.user)
    except ValidationError as exc:
        messages.error(request, refusal_text(exc))
        return redirect("scheduling_session", session_pk)
    return redirect("outcomes:notice", notice.pk)
