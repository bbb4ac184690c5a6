"""Thin views of the live room: ask the policy, call a service or a selector, render."""
from __future__ import annotations

import datetime as dt
import json
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tiepdan.core import panels, policy
from tiepdan.core.security import media_page
from tiepdan.scheduling.models import AgendaItem, ReceptionSession

from . import selectors, services
from .backends.janus import browser_ws_url
from .consumers import DEVICE_COOKIE
from .models import DeviceRole, JoinLink, LiveRoom, PointRole, RoomPoint

# The browser's device cookie: which browser is which at a point (a reload replaces its own device,
# another browser gets its own), and the browser a join link is bound to.
DEVICE_COOKIE_AGE = dt.timedelta(days=30)


def _device_key(request) -> tuple[str, bool]:
    """This browser's device key, and whether it is new (then the response must set it)."""
    key = request.COOKIES.get(DEVICE_COOKIE, "")
    return (key, False) if 20 <= len(key) <= 100 else (secrets.token_urlsafe(32), True)


def _set_device_cookie(response, key: str, *, at_least: dt.timedelta = DEVICE_COOKIE_AGE):
    response.set_cookie(DEVICE_COOKIE, key, max_age=int(max(at_least, DEVICE_COOKIE_AGE).total_seconds()), httponly=True,
                        samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
    return response


def _errors(exc: Exception) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


@login_required
def room_list(request):
    policy.require(request.user, "live.view")
    rooms = selectors.rooms_for(request.user)[:50]
    openable = []
    if policy.can(request.user, "live.open"):
        qs = policy.visible(request.user, "live.open", ReceptionSession.objects.exclude(status__in=["closed", "cancelled"]).filter(live_room__isnull=True))
        openable = list(qs.exclude(in_person_only=True).order_by("date")[:20])
    return render(request, "live/room_list.html", {"rooms": rooms, "openable": openable})


@login_required
@require_POST
def open_room(request, session_id):
    session = policy.get_visible_or_404(request.user, None, ReceptionSession.objects, pk=session_id)
    try:
        room = services.open_room(by=request.user, session=session)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _errors(exc))
        return redirect("live:rooms")
    return redirect("live:room", room_id=room.pk)


@login_required
def room_detail(request, room_id):
    room = get_object_or_404(LiveRoom.objects.select_related("session", "province_committee"), pk=room_id)
    mine = selectors.points_for(request.user, room)
    if not mine:  # a room of another province, or of a session one's organisation has no point in, does not exist for them
        policy.get_visible_or_404(request.user, None, LiveRoom.objects, pk=room.pk)
    if not mine and not policy.can(request.user, "live.issue_link", room):
        raise PermissionDenied("Đơn vị của bạn không có điểm cầu trong phiên này.")
    can_links = policy.can(request.user, "live.issue_link", room)
    points = list(room.points.select_related("organisation").prefetch_related("join_links")) if can_links else []
    new_link = request.session.pop("live_new_link", None)
    return render(request, "live/room_detail.html", {"room": room, "mine": mine, "points": points, "can_links": can_links, "new_link": new_link})


@media_page(connect_src=lambda: [browser_ws_url()])  # the SFU's WebSocket, when the room runs on Janus
def point_page(request, room_id, point_id):
    """The room as seen from one point: device check, lobby, videos; the chair's console at the central point."""
    point = get_object_or_404(RoomPoint.objects.select_related("room", "room__session", "room__province_committee", "organisation"), pk=point_id, room_id=room_id)
    user = request.user if request.user.is_authenticated else None
    link_id = request.session.get("live_links", {}).get(str(point.pk))
    refusal = services.connection_refusal(user=user, link_id=link_id, point=point)
    if refusal:
        if user is None and not link_id:
            return redirect(f"{reverse('login')}?next={request.path}")
        if user is not None and not link_id:  # an official's point outside their scope does not exist for them
            policy.get_visible_or_404(user, None, RoomPoint.objects, pk=point.pk)
        return render(request, "live/refused.html", {"message": refusal}, status=403)
    room = point.room
    is_console = user is not None and point.role == PointRole.CENTRAL and policy.can(user, "live.chair", room)
    choices = services.device_choices(user=user, point=point)
    takes_minutes = is_console or any(role == DeviceRole.MINUTES for role, _ in choices)
    context = {
        "room": room,
        "point": point,
        "is_console": is_console,
        "takes_minutes": takes_minutes,
        "device_choices": choices,
        "readiness": selectors.last_readiness(point),
        "console_panels": panels.render(panels.LIVE_CONSOLE, request, room) if is_console else [],  # later stages' buttons
        "config": {
            "room_id": room.pk,
            "point_id": point.pk,
            "ws_path": f"/ws/phong-truc-tuyen/{room.pk}/diem/{point.pk}/",
            "heartbeat_ms": int(settings.LIVE_HEARTBEAT_S * 1000),
            "is_console": is_console,
            "minutes_url": reverse("live:minutes", args=[room.pk]) if takes_minutes else None,
            "agenda_url": reverse("live:agenda", args=[room.pk]) if is_console else None,
        },
    }
    key, new = _device_key(request)
    response = render(request, "live/point.html", context)
    return _set_device_cookie(response, key) if new else response


def redeem_link(request, token):
    """Open a join link; the browser is bound to it by its device cookie and may come back on it while it is valid."""
    key, _ = _device_key(request)
    try:
        link = services.redeem_join_link(token=token, device_key=key)
    except PermissionDenied as exc:
        return render(request, "live/refused.html", {"message": str(exc)}, status=403)
    grants = request.session.get("live_links", {})
    grants[str(link.point_id)] = link.pk
    request.session["live_links"] = grants
    response = redirect("live:point", room_id=link.point.room_id, point_id=link.point_id)
    # The cookie lasts at least as long as the link, so the bound browser can come back until it expires.
    return _set_device_cookie(response, key, at_least=link.expires_at - timezone.now())


@login_required
@require_POST
def issue_link(request, room_id, point_id):
    point = policy.get_visible_or_404(request.user, None, RoomPoint.objects.select_related("room__province_committee", "organisation"), pk=point_id, room_id=room_id)
    try:
        link, token = services.issue_join_link(by=request.user, point=point)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _errors(exc))
        return redirect("live:room", room_id=room_id)
    request.session["live_new_link"] = {"point": point.name, "url": request.build_absolute_uri(reverse("live:redeem", args=[token])), "expires_at": link.expires_at.isoformat()}
    return redirect("live:room", room_id=room_id)


@login_required
@require_POST
def revoke_link(request, link_id):
    link = policy.get_visible_or_404(request.user, None, JoinLink.objects.select_related("point__room__province_committee", "point__organisation"), pk=link_id)
    try:
        services.revoke_join_link(by=request.user, link=link, reason=request.POST.get("reason", ""))
        messages.success(request, f"Đã thu hồi đường dẫn của {link.point}.")
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _errors(exc))
    return redirect("live:room", room_id=link.point.room_id)


@login_required
def agenda(request, room_id):
    """The console's agenda panel (refreshed by htmx when the room changes)."""
    room = policy.get_visible_or_404(request.user, "live.chair", LiveRoom.objects, pk=room_id)
    items = selectors.agenda_items(room)
    done = selectors.received_item_ids(room)
    return render(request, "live/_agenda.html", {"room": room, "items": items, "done": done, "current_id": getattr(room, "current_item_id", None)})


@login_required
def minutes(request, room_id):
    """GET: the current matter's minutes (JSON). POST: autosave of what was typed, with the version it was based on."""
    room = get_object_or_404(LiveRoom.objects.select_related("session"), pk=room_id)
    data = {}
    if request.method == "POST":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse({"error": "Dữ liệu gửi lên không hợp lệ."}, status=400)
    record = selectors.minutes_for(room, data.get("item") or request.GET.get("item"))
    if record is None:
        policy.get_visible_or_404(request.user, "live.view", LiveRoom.objects, pk=room.pk)
        return JsonResponse({"error": "Chưa có vụ việc nào đang được tiếp; bắt đầu một vụ việc để ghi biên bản."}, status=404)
    # Minutes are read by the matter's own people (core.policy "live.read_minutes"), not by all who see the room.
    policy.get_visible_or_404(request.user, "live.read_minutes", AgendaItem.objects.select_related("session__minute_taker__organisation", "session__province_committee"), pk=record.agenda_item_id)
    if request.method == "POST":
        fields = {k: v for k, v in data.get("fields", {}).items()}
        try:
            record = services.save_minutes(by=request.user, minutes=record, base_version=int(data.get("version", -1)), **fields)
        except PermissionDenied as exc:
            return JsonResponse({"error": str(exc)}, status=403)
        except ValidationError as exc:
            status = 409 if getattr(exc, "code", "") == "stale" else 400
            return JsonResponse({"error": _errors(exc), "version": record.version}, status=status)
    refusal = services.minutes_refusal(request.user, record)
    return JsonResponse(selectors.minutes_payload(record, editable=refusal is None, refusal=refusal))


