"""Thin views: ask the policy, call a service or a selector, render. htmx swaps the agenda and the status panel."""
from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from tiepdan.core import panels, policy
from tiepdan.core.roles import Role
from tiepdan.core.views_helpers import run_and_redirect
from tiepdan.documents.selectors import documents_about
from tiepdan.organisations.models import Organisation, User

from . import agenda, ical, invitations, readiness, rules, selectors, services
from .agenda import REORDERABLE, agenda_of, carried_out_of
from .forms import AdHocSessionForm, ChangeTimeForm, ReceptionSettingsForm
from .models import CalendarFeed, ParticipantKind, PointRole, SessionStatus


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _committee(user) -> Organisation | None:
    return user.province_committee


@login_required
def session_list(request):
    policy.require(request.user, "scheduling.view")
    today = timezone.localdate()
    show = request.GET.get("show", "upcoming")
    qs = selectors.visible_sessions(request.user)
    qs = selectors.upcoming(qs, today) if show == "upcoming" else qs.order_by("-date")[:200]
    sessions = list(qs)
    overdue = selectors.invitation_overdue_ids(sessions, today)
    for s in sessions:
        s.invitations_overdue = s.pk in overdue
    by_month = [(month, list(items)) for month, items in groupby(sessions, key=lambda s: s.date.replace(day=1))]
    committee = _committee(request.user)
    conf = selectors.settings_for(committee) if committee and policy.can(request.user, "scheduling.configure") else None
    return render(request, "scheduling/session_list.html", {
        "by_month": by_month, "show": show, "today": today, "conf": conf, "recent_changes": selectors.recent_changes(request.user),
        "can_plan": policy.can(request.user, "scheduling.plan"), "can_ad_hoc": policy.can(request.user, "scheduling.create_ad_hoc"),
    })


@login_required
@require_POST
def generate(request):
    committee = _committee(request.user)
    if committee is None:
        raise Http404
    created = services.generate_periodic_sessions(by=request.user, province_committee=committee)
    if created:
        messages.success(request, "Đã lập lịch các phiên định kỳ: " + ", ".join(f"{s.date:%d/%m/%Y}" for s in created) + ".")
    else:
        messages.info(request, "Lịch các tháng tới đã đủ; không cần lập thêm phiên.")
    return redirect("scheduling_sessions")


@login_required
def create_ad_hoc(request):
    policy.require(request.user, "scheduling.create_ad_hoc")
    committee = _committee(request.user)
    form = AdHocSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.create_ad_hoc_session(by=request.user, province_committee=committee, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, f"Đã tạo {session}.")
            return redirect("scheduling_session", pk=session.pk)
    return render(request, "scheduling/ad_hoc_form.html", {"form": form})


def _session_for(request, pk, action="scheduling.view"):
    session = get_object_or_404(selectors.visible_sessions(request.user), pk=pk)
    policy.require(request.user, action, session)
    return session


def _detail_context(request, session) -> dict:
    user = request.user
    conf = selectors.settings_for(session.province_committee)
    ctx = {
        "session": session,
        "points": _points_for_viewer(user, session),
        "notices": _notices_for_viewer(user, session),
        "notice_deadline": rules.notice_deadline(session.date, working_days=conf.notice_working_days),
        "test_deadline": selectors.test_deadline_for(session),
        "connect_by": rules.connect_by(session.online_starts_at),
        "can_plan": policy.can(user, "scheduling.plan", session) and session.is_open,
        "can_chair": policy.can(user, "scheduling.assign_chair", session) and session.is_open,
        "can_cancel": policy.can(user, "scheduling.cancel", session) and session.is_open,
        "can_documents": policy.can(user, "scheduling.documents", session),
        "next_statuses": [(s, SessionStatus(s).label) for s in services.next_statuses(session)],
    }
    if ctx["can_chair"]:
        ctx["chair_choices"] = User.objects.filter(organisation=session.province_committee, role__in=[Role.PROVINCE_CHAIRMAN, Role.PROVINCE_DEPUTY], is_active=True)
    if ctx["can_plan"]:
        ctx["minute_taker_choices"] = User.objects.filter(organisation__parent=session.province_committee, role=Role.BOARD_OFFICER, is_active=True)
        invited = set(session.points.values_list("organisation_id", flat=True))
        ctx["invite_choices"] = Organisation.objects.filter(
            parent=session.province_committee, kind=Organisation.Kind.DEPARTMENT
        ).exclude(pk__in=invited).order_by("name")
        ctx["central_board"] = Organisation.objects.filter(kind=Organisation.Kind.CENTRAL_BOARD).exclude(pk__in=invited).first()
    for extension in _EXTENSIONS:
        ctx.update(extension(request, session))
    ctx["stage_panels"] = panels.render(panels.SESSION_PAGE, request, session)  # later stages' parts (its recording)
    return ctx


def _points_for_viewer(user, session) -> list:
    """The points and who sits there; a citizen the viewer may not see is counted at the point, not named."""
    points = list(selectors.session_points(session))
    seated = {p.matter_id for point in points for p in point.participants.all() if p.kind == ParticipantKind.CITIZEN and p.matter_id}
    shown = selectors.matters_shown_to(user, session, seated)
    for point in points:
        people = list(point.participants.all())
        point.shown_participants = [p for p in people if p.kind != ParticipantKind.CITIZEN or p.matter_id in shown]
        point.hidden_citizens = len(people) - len(point.shown_participants)
    return points


def _notices_for_viewer(user, session) -> list:
    """Change notices; one addressed to a single citizen (a carried matter) only to those who may see that citizen."""
    notices = list(session.change_notices.select_related("by")[:20])
    shown = selectors.matters_shown_to(user, session, {n.matter_id for n in notices if n.matter_id})
    return [n for n in notices if n.matter_id is None or n.matter_id in shown]


def _agenda_context(request, session) -> dict:
    items, carried = list(agenda_of(session)), list(carried_out_of(session))
    shown = selectors.matters_shown_to(request.user, session, {i.matter_id for i in items + carried})
    return {"agenda_items": [i for i in items if i.matter_id in shown], "agenda_count": len(items),
            "hidden_count": sum(1 for i in items if i.matter_id not in shown),
            "carried_items": [i for i in carried if i.matter_id in shown], "carried_hidden_count": sum(1 for i in carried if i.matter_id not in shown),
            "can_reorder": policy.can(request.user, "scheduling.plan", session) and session.status in REORDERABLE,
            "can_fill": policy.can(request.user, "scheduling.plan", session) and session.status == SessionStatus.PLANNED}


def _documents_context(request, session) -> dict:
    if not policy.can(request.user, "scheduling.documents", session):
        return {}
    timely, deadline = invitations.notice_check(session, timezone.localdate())
    return {"show_documents": True, "documents": list(documents_about(request.user, session)), "notice_timely": timely,
            "can_invite": policy.can(request.user, "scheduling.plan", session) and session.status == SessionStatus.PLANNED}


def _readiness_context(request, session) -> dict:
    if not policy.can(request.user, "bridges.view") or session.in_person_only or not session.is_open:
        return {}
    board = readiness.board_for(session)
    # One deadline on the page: the one the reminders use.
    return {"readiness": board, "board": board, "test_deadline": board.deadline}


# Parts of the session page that read other apps (agenda, documents, readiness).
_EXTENSIONS: list = [_agenda_context, _documents_context, _readiness_context]


@login_required
def session_detail(request, pk):
    session = _session_for(request, pk)
    return render(request, "scheduling/session_detail.html", _detail_context(request, session))


def _back(request, session):
    return redirect(*_page(session))


def _page(session) -> tuple:
    """Where a session's buttons go back to (run_and_redirect's ``redirect_to``)."""
    return ("scheduling_session", session.pk)


@login_required
@require_POST
def change_status(request, pk):
    session = _session_for(request, pk, "scheduling.plan")
    try:
        services.transition(by=request.user, session=session, to=request.POST.get("to", ""), reason=request.POST.get("reason", ""))
    except (ValidationError, KeyError, ValueError) as exc:
        messages.error(request, _errors(exc) if isinstance(exc, ValidationError) else "Trạng thái không hợp lệ.")
    else:
        messages.success(request, f"Phiên đã chuyển sang «{session.get_status_display()}».")
    return _back(request, session)


@login_required
@require_POST
def cancel(request, pk):
    session = _session_for(request, pk, "scheduling.cancel")
    return run_and_redirect(request, lambda: services.cancel_session(by=request.user, session=session, reason=request.POST.get("reason", "")),
                            success="Đã hủy phiên và gửi thông báo cho những người được mời.", redirect_to=_page(session))


@login_required
@require_POST
def assign_chair(request, pk):
    session = _session_for(request, pk, "scheduling.assign_chair")
    chair = get_object_or_404(User, pk=request.POST.get("chair") or 0)
    return run_and_redirect(request, lambda: services.assign_chair(by=request.user, session=session, chair=chair),
                            success=f"Người chủ trì: {chair}.", redirect_to=_page(session))


@login_required
@require_POST
def assign_minute_taker(request, pk):
    session = _session_for(request, pk, "scheduling.plan")
    person = get_object_or_404(User, pk=request.POST.get("minute_taker") or 0)
    return run_and_redirect(request, lambda: services.assign_minute_taker(by=request.user, session=session, minute_taker=person),
                            success=f"Người ghi biên bản: {person}.", redirect_to=_page(session))


@login_required
@require_POST
def invite(request, pk):
    session = _session_for(request, pk, "scheduling.plan")
    organisation = get_object_or_404(Organisation, pk=request.POST.get("organisation") or 0)
    role = PointRole.OBSERVER if organisation.kind == Organisation.Kind.CENTRAL_BOARD else PointRole.COMPONENT
    return run_and_redirect(request, lambda: services.invite_organisation(by=request.user, session=session, organisation=organisation, role=role),
                            success=f"Đã mời {organisation} tham gia phiên.", redirect_to=_page(session))


@login_required
def change_time(request, pk):
    session = _session_for(request, pk, "scheduling.plan")
    local = timezone.localtime
    initial = {"date": session.date, "starts": local(session.online_starts_at).time(), "ends": local(session.online_ends_at).time(), "location": session.location}
    form = ChangeTimeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_time_or_place(by=request.user, session=session, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, "Đã đổi lịch và gửi thông báo thay đổi cho mọi người được mời.")
            return _back(request, session)
    return render(request, "scheduling/change_time_form.html", {"form": form, "session": session})


# --- Calendar feed (iCalendar) ------------------------------------------------------------------
@login_required
def calendar_feed(request):
    if request.method == "POST":
        services.rotate_calendar_feed(by=request.user)
        messages.success(request, "Đã tạo địa chỉ mới; địa chỉ cũ không còn dùng được. Hãy cập nhật lịch trên điện thoại, máy tính.")
        return redirect("scheduling_feed")
    feed = services.calendar_feed_for(by=request.user)
    url = request.build_absolute_uri(f"/lich-tiep/ics/{feed.token}.ics")
    return render(request, "scheduling/feed.html", {"feed": feed, "url": url})


@require_GET
def calendar_ics(request, token):
    """No login (calendar apps cannot log in): the secret token in the address is the key."""
    feed = CalendarFeed.objects.select_related("organisation").filter(token=token).first()
    if feed is None:
        raise Http404("Địa chỉ lịch không đúng hoặc đã được thay.")
    since = timezone.localdate() - dt.timedelta(days=90)
    sessions = selectors.sessions_for_organisation(feed.organisation).filter(date__gte=since).prefetch_related("change_notices")
    body = ical.render_feed(sessions, name=f"Lịch tiếp công dân – {feed.organisation}", host=request.get_host().split(":")[0])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="lich-tiep-cong-dan.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- Agenda and invitations ------------------------------------------------------------------------------
def _agenda_response(request, session):
    """htmx: the agenda panel alone; otherwise back to the page."""
    if request.headers.get("HX-Request"):
        ctx = {"session": session, **_agenda_context(request, session)}
        return render(request, "scheduling/_agenda.html", ctx)
    return _back(request, session)


@login_required
@require_POST
def fill_agenda(request, pk):
    session = _session_for(request, pk, "scheduling.plan")
    try:
        result = agenda.fill_agenda(by=request.user, session=session)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        text = f"Đã xếp {len(result.placed)} vụ việc vào chương trình."
        if result.carried:
            moved = "; ".join(f"{sum(1 for i in result.carried if i.session_id == t.pk)} sang phiên ngày {t.date:%d/%m/%Y}" for t in result.carried_to_sessions)
            text += f" {len(result.carried)} vụ việc chuyển sang phiên sau (đã đủ chỗ): {moved}; công dân được thông báo."
        messages.success(request, text)
    return _back(request, session)


@login_required
@require_POST
def reorder(request, pk, item_pk):
    session = _session_for(request, pk, "scheduling.plan")
    item = get_object_or_404(session.agenda_items, pk=item_pk)
    try:
        position = int(request.POST.get("position", ""))
    except ValueError:
        position = 0
    error = None
    try:
        agenda.reorder(by=request.user, item=item, new_position=position, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        error = _errors(exc)
    if request.headers.get("HX-Request"):
        ctx = {"session": session, "agenda_error": error, **_agenda_context(request, session)}
        return render(request, "scheduling/_agenda.html", ctx)
    if error:
        messages.error(request, error)
    return _back(request, session)


@login_required
@require_POST
def send_invitations(request, pk):
    session = _session_for(request, pk, "scheduling.plan")
    return run_and_redirect(request, lambda: invitations.send_invitations(by=request.user, session=session, late_reason=request.POST.get("late_reason", "")),
                            success=lambda issued: f"Đã ban hành thông báo lịch và {len(issued) - 1} giấy mời; đã gửi thư điện tử cho người có địa chỉ.",
                            redirect_to=_page(session))


@login_required
def reception_settings(request):
    """The province's calendar settings (day, window, capacity, deadlines, central point)."""
    committee = _committee(request.user)
    if committee is None:
        raise Http404
    conf = selectors.settings_for(committee)
    policy.require(request.user, "scheduling.configure", conf)
    form = ReceptionSettingsForm(request.POST or None, instance=conf)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        conf.refresh_from_db()
        try:
            services.update_settings(by=request.user, province_committee=committee, **changed)
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, "Đã lưu cấu hình lịch tiếp; các phiên định kỳ lập từ nay theo cấu hình mới.")
            return redirect("scheduling_sessions")
    return render(request, "scheduling/settings_form.html", {"form": form, "conf": conf})


@login_required
def readiness_board(request, pk):
    """Readiness board of one reception session: every point, its last test since preparation began, passed or not."""
    policy.require(request.user, "bridges.view")
    session = get_object_or_404(selectors.visible_sessions(request.user), pk=pk)
    policy.require(request.user, "scheduling.view", session)
    return render(request, "scheduling/session_board.html", {"board": readiness.board_for(session), "session": session})
