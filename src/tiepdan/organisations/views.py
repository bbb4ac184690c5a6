"""Thin views: ask the policy, call a service or a selector, render."""
from __future__ import annotations

import base64
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiepdan.core import audit, policy
from tiepdan.core.roles import Role
from tiepdan.core.text import fold
from tiepdan.core.views_helpers import run_and_redirect

from . import selectors, services
from .demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from .forms import AuthorisationForm, EnrolmentCodeForm, IssueEnrolmentCodeForm, LoginForm, OfficialForm, SecondFactorForm
from .home import home_sections
from .models import DelegationOfAuthority, Organisation, User

# The authenticator this browser may confirm: created only when its official entered a valid enrolment code here.
ENROLMENT_SESSION_KEY = "second_factor_enrolment_device"


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(actor=form.get_user(), action="auth.login", obj=form.get_user())
        return response

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if settings.ALLOW_DEMO_ACCOUNTS:
            ctx["demo_accounts"] = [(u, n, Role(r).label) for u, n, r, _, _ in DEMO_ACCOUNTS]
            ctx["demo_password"] = DEMO_PASSWORD
        return ctx


@login_required
def second_factor(request):
    """Check the TOTP second factor, or set it up: enrolment code, then QR code, then the first TOTP code.

    A password alone never gets a QR code: the authenticator is created only by a valid enrolment code
    (``services.redeem_enrolment_code``), and only the browser that entered it may confirm it.
    """
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    pending = None
    if device is None:
        pending_id = request.session.get(ENROLMENT_SESSION_KEY)
        pending = TOTPDevice.objects.filter(user=request.user, confirmed=False, pk=pending_id).first() if pending_id else None
        if pending is None:
            return _enter_enrolment_code(request)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        candidate = device or pending
        allowed, _ = candidate.verify_is_allowed()
        if not allowed:
            # django-otp doubles the wait after each wrong code, against guessing.
            form.add_error("token", "Bạn vừa nhập sai mã. Hãy đợi vài giây rồi nhập mã mới trên ứng dụng.")
        elif candidate.verify_token(form.cleaned_data["token"]):
            if pending is not None:
                pending.confirmed = True
                pending.save(update_fields=["confirmed"])
                request.session.pop(ENROLMENT_SESSION_KEY, None)
                audit.record(actor=request.user, action="auth.second_factor_enrolled", obj=request.user)
            otp_login(request, candidate)
            audit.record(actor=request.user, action="auth.second_factor_passed", obj=request.user)
            target = request.GET.get("next") or "/"
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "/"
            return redirect(target)
        else:
            audit.record(actor=request.user, action="auth.second_factor_failed", obj=request.user)
            form.add_error("token", "Mã xác thực không đúng hoặc đã hết hạn. Hãy nhập mã mới trên ứng dụng.")
    qr_svg = secret = None
    if pending is not None:
        # Here, not at the top: qrcode takes ~60 ms to import and only this enrolment step draws a code.
        import qrcode
        import qrcode.image.svg

        img = qrcode.make(pending.config_url, image_factory=qrcode.image.svg.SvgPathImage)
        buf = io.BytesIO()
        img.save(buf)
        qr_svg = "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()
        secret = base64.b32encode(pending.bin_key).decode()
    return render(request, "registration/second_factor.html", {"form": form, "enrolling": pending is not None, "qr_svg": qr_svg, "secret": secret})


def _enter_enrolment_code(request):
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pending = services.redeem_enrolment_code(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc.message_dict.get("code", exc.messages))
        else:
            request.session[ENROLMENT_SESSION_KEY] = pending.pk
            return redirect(request.get_full_path())
    return render(request, "registration/enrolment_code.html", {"form": form})


@login_required
def home(request):
    policy.require(request.user, "home.view")
    return render(request, "organisations/home.html", {"sections": home_sections(request.user)})


@login_required
def organisation_list(request):
    policy.require(request.user, "organisations.view")
    qs = selectors.visible_organisations(request.user).annotate(people_count=Count("people", filter=Q(people__is_active=True))).order_by("path")
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    if q:
        folded = fold(q)
        qs = qs.filter(Q(name__icontains=q) | Q(unit__name_folded__contains=folded))
    if kind:
        qs = qs.filter(kind=kind)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    template = "organisations/_organisation_rows.html" if request.headers.get("HX-Request") else "organisations/organisation_list.html"
    return render(request, template, {"page": page, "q": q, "kind": kind, "kinds": Organisation.Kind.choices})


@login_required
def organisation_detail(request, pk):
    org = policy.get_visible_or_404(request.user, "organisations.view", Organisation.objects.select_related("unit", "parent"), pk=pk)
    people = selectors.visible_people(request.user).filter(organisation=org) if policy.can(request.user, "people.view") else User.objects.none()
    children = org.children.select_related("unit").order_by("name")[:500]
    return render(request, "organisations/organisation_detail.html", {"org": org, "people": people, "children": children})


@login_required
def people_list(request):
    policy.require(request.user, "people.view")
    qs = selectors.visible_people(request.user).order_by("organisation__path", "full_name")
    may_issue_codes = policy.can(request.user, "people.issue_enrolment_code")
    if may_issue_codes:
        qs = selectors.with_second_factor_state(qs)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    # Asked here, not with the context's `can.people__manage`: a template looks `can["people__manage"]` up
    # first, and that (an action with underscores) answers False without trying the attribute.
    return render(request, "organisations/people_list.html", {"page": page, "may_manage": policy.can(request.user, "people.manage"), "may_issue_codes": may_issue_codes})


@login_required
def issue_enrolment_code(request, pk):
    """The administrator gives one official an enrolment code (first set-up, or a reset that revokes their devices)."""
    person = get_object_or_404(policy.visible(request.user, "people.issue_enrolment_code", User.objects.filter(is_active=True).select_related("organisation")), pk=pk)
    reset = TOTPDevice.objects.filter(user=person, confirmed=True).exists()
    form = IssueEnrolmentCodeForm(request.POST if request.method == "POST" else None, reset=reset)
    context = {"person": person, "reset": reset, "form": form, "hours": settings.SECOND_FACTOR_CODE_HOURS}
    if request.method == "POST" and form.is_valid():
        try:
            code, plain = services.issue_enrolment_code(by=request.user, person=person, reason=form.cleaned_data.get("reason", ""))
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            for field, messages_ in errors.items():
                form.add_error(field if field in form.fields else None, messages_)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            # Shown once, in this answer only: never stored, and the page is not to be cached.
            response = render(request, "organisations/enrolment_code.html", {**context, "code": code, "plain": plain})
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "organisations/enrolment_code.html", context)


@login_required
def official_create(request):
    policy.require(request.user, "people.manage")
    form = OfficialForm(request.POST or None, organisations=policy.visible(request.user, "people.manage", Organisation.objects.filter(is_active=True)).order_by("path"))
    if request.method == "POST" and form.is_valid():
        try:
            official = services.create_official(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Đã tạo tài khoản {official.username} cho {official.full_name}.")
            return redirect("people_list")
    return render(request, "organisations/official_form.html", {"form": form})


@login_required
def authorisations(request):
    policy.require(request.user, "delegation_of_authority.grant")
    deputies = User.objects.filter(organisation=request.user.organisation, role=Role.PROVINCE_DEPUTY, is_active=True)
    form = AuthorisationForm(request.POST or None, deputies=deputies)
    if request.method == "POST" and form.is_valid():
        try:
            services.authorise_deputy(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Đã ghi nhận ủy quyền.")
            return redirect("authorisations")
    grants = DelegationOfAuthority.objects.filter(chairman__organisation=request.user.organisation).select_related("deputy", "chairman")
    return render(request, "organisations/authorisations.html", {"form": form, "grants": grants})


@login_required
@require_POST
def revoke_authorisation(request, pk):
    grant = policy.get_visible_or_404(request.user, None, DelegationOfAuthority.objects.select_related("chairman__organisation"), pk=pk)
    return run_and_redirect(request, lambda: services.revoke_authorisation(by=request.user, grant=grant, reason=request.POST.get("reason", "")),
                            success="Đã thu hồi ủy quyền.", redirect_to="authorisations")
