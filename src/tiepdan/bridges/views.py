"""Thin views: ask the policy, call a service or a selector, render."""
from __future__ import annotations

import functools
import json

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tiepdan.core import panels, policy
from tiepdan.core.security import media_page
from tiepdan.core.views_helpers import run_and_redirect
from tiepdan.notifications.selectors import unread_count

from . import probe, rules, selectors, services
from .forms import PointForm
from .models import BridgePoint, BridgePointKind, EquipmentItem, EquipmentState


def _message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def point_list(request):
    policy.require(request.user, "bridges.view")
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    readiness = request.GET.get("readiness", "")
    incomplete = request.GET.get("equipment_incomplete") == "1"
    points = selectors.filter_points(selectors.visible_points(request.user), q=q, kind=kind, readiness=readiness, equipment_incomplete=incomplete)
    page = Paginator(points.order_by("kind", "name_folded", "pk"), 50).get_page(request.GET.get("page"))
    template = "bridges/_point_rows.html" if request.headers.get("HX-Request") else "bridges/point_list.html"
    committee = request.user.province_committee
    can_create = committee is not None and policy.can(request.user, "bridges.manage", committee)
    return render(request, template, {
        "page": page, "q": q, "kind": kind, "readiness": readiness, "incomplete": incomplete,
        "kinds": BridgePointKind.choices, "readiness_choices": selectors.Readiness.CHOICES, "can_create": can_create,
        "unread": unread_count(request.user),
        "link": {"central": rules.format_mbps(rules.CENTRAL_LINK_KBPS), "component": rules.format_mbps(rules.COMPONENT_LINK_KBPS)},
        "plan": panels.render(panels.BRIDGE_POINT_REQUIREMENTS, request, committee),
    })


@login_required
def point_detail(request, pk):
    point = policy.get_visible_or_404(request.user, "bridges.view", selectors.with_status(BridgePoint.objects.select_related("organisation", "unit", "it_contact", "province_committee")), pk=pk)
    return render(request, "bridges/point_detail.html", {
        "point": point,
        "equipment": point.equipment.select_related("checked_by"),
        "tests": point.tests.select_related("ran_by")[:20],
        "states": EquipmentState.choices,
        "can_manage": policy.can(request.user, "bridges.manage", point),
        "can_test": policy.can(request.user, "bridges.run_test", point),
        "form": PointForm(point=point),
    })


@login_required
@require_POST
def point_update(request, pk):
    point = policy.get_visible_or_404(request.user, "bridges.manage", BridgePoint.objects.select_related("organisation", "province_committee"), pk=pk)
    form = PointForm(request.POST, point=point)
    if not form.is_valid():
        messages.error(request, "Thông tin chưa hợp lệ: " + " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("bridges:point_detail", pk=pk)
    data = form.cleaned_data
    return run_and_redirect(
        request, lambda: services.update_point(by=request.user, point=point, reason=data["reason"], address=data["address"], it_contact=data["it_contact"], is_active=data["is_active"]),
        success="Đã lưu thông tin điểm cầu.", redirect_to=("bridges:point_detail", pk))


@login_required
@require_POST
def equipment_update(request, pk, item_pk):
    item = policy.get_visible_or_404(request.user, None, EquipmentItem.objects.select_related("point__organisation", "point__province_committee"), pk=item_pk, point_id=pk)
    return run_and_redirect(request, lambda: services.set_equipment_state(by=request.user, item=item, state=request.POST.get("state", ""), note=request.POST.get("note", "")),
                            success=lambda _: f"Đã cập nhật: {item.get_kind_display()} – {item.get_state_display()}.", redirect_to=("bridges:point_detail", pk))


@login_required
@require_POST
def create_commune_points(request):
    committee = request.user.province_committee
    if committee is None:
        raise PermissionDenied("Tài khoản của bạn không thuộc UBND tỉnh nào.")
    created = services.create_commune_points(province_committee=committee, by=request.user)
    if created:
        messages.success(request, f"Đã tạo {len(created)} điểm cầu tại trụ sở UBND các xã, phường.")
    else:
        messages.info(request, "Mọi xã, phường của tỉnh đã có điểm cầu; không tạo thêm.")
    return redirect("bridges:point_list")


@login_required
@media_page()
def readiness_test(request, pk):
    point = _point_for_test(request.user, pk)
    return render(request, "bridges/readiness_test.html", {"point": point})


# --- The test's two JSON endpoints (async: the aiortc peer lives in the server's event loop) -----------
def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _point_for_test(user, pk: int) -> BridgePoint:
    return policy.get_visible_or_404(user, "bridges.run_test", BridgePoint.objects.select_related("organisation", "province_committee"), pk=pk)


async def _authorised_point(request, pk):
    user = await request.auser()
    if not user.is_authenticated:
        return user, None, _json_error("Phiên đăng nhập đã hết; hãy đăng nhập lại rồi chạy kiểm tra.", 401)
    try:
        point = await sync_to_async(_point_for_test)(user, pk)
    except PermissionDenied as exc:
        return user, None, _json_error(str(exc), 403)
    except Http404:
        return user, None, _json_error("Không tìm thấy điểm cầu này trong phạm vi của đơn vị bạn.", 404)
    return user, point, None


def _test_endpoint(view):
    """A POST from the point's own browser, signed in and allowed to test that point: ``view(request, user, point)``."""

    @functools.wraps(view)
    async def endpoint(request, pk):
        if request.method != "POST":
            return _json_error("Chỉ nhận yêu cầu POST.", 405)
        user, point, error = await _authorised_point(request, pk)
        return error or await view(request, user, point)

    return endpoint


@_test_endpoint
async def probe_offer(request, user, point):
    """The browser's SDP offer in, the server peer's answer and the burst limits out."""
    try:
        body = json.loads(request.body)
        sdp, sdp_type = body["sdp"], body.get("type", "offer")
    except (ValueError, KeyError, TypeError):
        return _json_error("Yêu cầu kết nối không hợp lệ; hãy tải lại trang và thử lại.", 400)
    if sdp_type != "offer" or not isinstance(sdp, str) or len(sdp) > 20_000:
        return _json_error("Yêu cầu kết nối không hợp lệ; hãy tải lại trang và thử lại.", 400)
    limits = probe.limits_for(point.required_uplink_kbps, point.required_downlink_kbps)
    try:
        probe_id, answer = await probe.open_probe(sdp=sdp, sdp_type=sdp_type, owner={"user_id": user.pk, "point_id": point.pk}, limits=limits)
    except probe.ProbeBusy as exc:
        return _json_error(str(exc), 503)
    return JsonResponse({"probe": probe_id, "sdp": answer, "type": "answer", "limits": probe.limits_dict(limits)})


def _number(value, *, low: float = 0, high: float = 10_000_000) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if low <= value <= high else None


@_test_endpoint
async def probe_result(request, user, point):
    """Store the test: the uplink and "connected" as the server saw them, the rest from the browser."""
    try:
        body = json.loads(request.body)
        if not isinstance(body, dict):
            raise ValueError
    except ValueError:
        return _json_error("Kết quả gửi lên không hợp lệ; hãy chạy lại kiểm tra.", 400)
    server = None
    if isinstance(body.get("probe"), str):
        server = await probe.server_measurement(body["probe"])
        if server is not None and (server.get("user_id"), server.get("point_id")) != (user.pk, point.pk):
            return _json_error("Kết nối kiểm tra này không phải của bạn hoặc của điểm cầu này.", 403)
    measurement = rules.Measurement(
        camera_ok=body.get("camera_ok") is True,
        microphone_ok=body.get("microphone_ok") is True,
        connected=bool(server and server.get("connected")),
        uplink_kbps=server.get("uplink_kbps") if server else None,
        downlink_kbps=_number(body.get("downlink_kbps")),
        rtt_ms=_number(body.get("rtt_ms"), high=60_000),
        packet_loss_pct=_number(body.get("packet_loss_pct"), high=100),
    )
    browser = body.get("details") if isinstance(body.get("details"), dict) else {}
    if len(json.dumps(browser)) > 4000:  # a bounded note of what the browser saw, never a dump
        browser = {}
    details = {"browser": browser, "server": server or {}}
    try:
        test = await sync_to_async(services.record_readiness_test)(by=user, point=point, measurement=measurement, user_agent=request.headers.get("User-Agent", ""), details=details)
    except ValidationError as exc:
        return _json_error(_message(exc), 400)
    if isinstance(body.get("probe"), str):
        await probe.close_probe(body["probe"])
    return JsonResponse({
        "passed": test.passed, "verdict": test.verdict, "uplink_kbps": test.uplink_kbps, "downlink_kbps": test.downlink_kbps,
        "rtt_ms": test.rtt_ms, "packet_loss_pct": test.packet_loss_pct,
        "uplink": rules.format_mbps(test.uplink_kbps) if test.uplink_kbps is not None else "–",
        "downlink": rules.format_mbps(test.downlink_kbps) if test.downlink_kbps is not None else "–",
    })

