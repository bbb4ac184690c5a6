"""The second factor on every channel: a password alone opens no page, download, htmx fragment or WebSocket.

Production-like settings throughout (second factor required, demo accounts not allowed). The WebSocket is
driven through the real ASGI stack (origin check, session cookie, routing), as tests/live does.
"""
from __future__ import annotations

import datetime as dt
import time

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.live.conftest import make_session, room  # noqa: F401  (fixtures: a room opened by the Board)
from tiepdan.config.asgi import application
from tiepdan.core.models import AuditEntry
from tiepdan.organisations.demo import DEMO_PASSWORD


@pytest.fixture
def production_auth(settings):
    settings.REQUIRE_SECOND_FACTOR = True
    settings.ALLOW_DEMO_ACCOUNTS = False


def totp_now(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def password_only(username: str) -> Client:
    """A browser that signed in with the password and stopped at the second-factor page."""
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def fully_signed_in(username: str) -> Client:
    """A browser that passed both factors, through the real pages, with a device the official already has."""
    from tiepdan.organisations.models import User

    device = TOTPDevice.objects.create(user=User.objects.get(username=username), name="Điện thoại", confirmed=True)
    client = password_only(username)
    response = client.post(reverse("second_factor") + "?next=/", {"token": totp_now(device)})
    assert response.status_code == 302 and response["Location"] == "/", response.content[:300]
    return client


def _cookie(client: Client) -> bytes:
    return f"sessionid={client.cookies['sessionid'].value}".encode()


def _socket(point, cookie: bytes) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"cookie", cookie)]
    return WebsocketCommunicator(application, f"/ws/phong-truc-tuyen/{point.room_id}/diem/{point.pk}/", headers=headers)


async def _first_message(comm):
    connected, _ = await comm.connect()
    assert connected
    return await comm.receive_json_from(timeout=5)


async def _refused(comm) -> str:
    msg = await _first_message(comm)
    assert msg["type"] == "refused", msg
    assert await comm.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}
    return msg["message"]


async def _try_to_chair(comm, point) -> dict:
    """Connect and, if let in, send what a chair sends: unmute a commune, spotlight the central point."""
    msg = await _first_message(comm)
    if msg["type"] == "welcome":
        commune = next(p["id"] for p in msg["points"] if p["id"] != str(point.pk))
        await comm.send_json_to({"type": "command", "command": "mute", "point": commune, "muted": False})
        await comm.send_json_to({"type": "command", "command": "spotlight", "point": str(point.pk)})
        await comm.receive_nothing(timeout=0.5)
    await comm.disconnect()
    return msg


# --- WebSocket ---------------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_password_only_session_is_refused_at_the_central_point_and_nothing_is_audited_as_the_chair(room, production_auth):
    central = room.points.get(role="central")
    chairman = password_only("chutich")
    before = AuditEntry.objects.count()

    msg = async_to_sync(_try_to_chair)(_socket(central, _cookie(chairman)), central)

    assert msg["type"] == "refused"
    assert not AuditEntry.objects.filter(actor__username="chutich", action__startswith="live.").exists()
    assert AuditEntry.objects.count() == before
    room.refresh_from_db()
    assert room.spotlight_id is None
    assert not room.points.filter(role="component", muted=False).exists()


@pytest.mark.django_db(transaction=True)
def test_a_password_only_session_is_refused_at_its_own_commune_point(room, production_auth, demo):
    commune = room.points.get(organisation=demo["commune"])
    message = async_to_sync(_refused)(_socket(commune, _cookie(password_only("chutichxa"))))
    assert "đăng nhập" in message


@pytest.mark.django_db(transaction=True)
def test_with_a_verified_device_the_chairman_chairs_the_room(room, production_auth):
    central = room.points.get(role="central")
    msg = async_to_sync(_try_to_chair)(_socket(central, _cookie(fully_signed_in("chutich"))), central)
    assert msg["type"] == "welcome" and msg["can_chair"] is True
    room.refresh_from_db()
    assert room.spotlight_id == central.pk
    assert room.points.filter(role="component", muted=False).exists()
    assert AuditEntry.objects.filter(actor__username="chutich", action="live.point_joined").exists()


@pytest.mark.django_db(transaction=True)
def test_a_join_link_redeemed_by_a_password_only_browser_still_lets_the_hall_pc_in(room, production_auth, demo, official):
    """The hall PC's grant is the link, not the half-finished sign-in beside it."""
    from tiepdan.live import services

    commune = room.points.get(organisation=demo["commune"])
    _, token = services.issue_join_link(by=official("bantcd"), point=commune)
    hall = Client()
    assert hall.get(f"/phong-truc-tuyen/vao/{token}/").status_code == 302
    hall.post(reverse("login"), {"username": "chutichxa", "password": DEMO_PASSWORD})

    msg = async_to_sync(_try_to_chair)(_socket(commune, _cookie(hall)), commune)

    assert msg["type"] == "welcome" and msg["can_chair"] is False
    joined = AuditEntry.objects.filter(action="live.point_joined").latest("pk")
    assert joined.actor is None  # the link, not the password-only official


# --- Pages, downloads, htmx ------------------------------------------------------------------------------
@pytest.fixture
def issued_document(demo, official, settings, tmp_path):
    from tiepdan.documents import forms, services
    from tiepdan.documents.models import DocumentKind
    from tiepdan.documents.official import Signature

    settings.MEDIA_ROOT = tmp_path
    issuer = forms.Issuer(issuing_body="Ủy ban nhân dân tỉnh Lạng Sơn", place="Lạng Sơn", signature=Signature(authority="TM. Ủy ban nhân dân", on_behalf="KT. Chủ tịch", title="Phó Chủ tịch", signer_name="Đoàn Thu Hà"))
    person = forms.Person(full_name="Nguyễn Văn Bình", id_number="020085001234", id_issued_on=dt.date(2021, 4, 12), id_issued_by="Cục Cảnh sát quản lý hành chính về trật tự xã hội", address="Thôn Nà Chuông, tỉnh Lạng Sơn")
    doc = forms.refusal_notice(issuer=issuer, on=dt.date(2026, 2, 5), person=person, reason="Đã được giải quyết đúng pháp luật.", legal_basis="khoản 3 Điều 9 Luật Tiếp công dân năm 2013", content_refused="Khiếu nại về thu hồi đất.")
    return services.issue_document(by=official("bantcd"), kind=DocumentKind.REFUSAL_NOTICE, doc=doc, organisation=demo["committee"])


def test_a_password_only_session_gets_no_download(issued_document, production_auth):
    url = reverse("documents:download", args=[issued_document.pk, "pdf"])
    response = password_only("bantcd").get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("second_factor"))
    assert not getattr(response, "streaming", False) and b"%PDF" not in response.content


def test_with_a_verified_device_the_download_is_served(issued_document, production_auth):
    response = fully_signed_in("bantcd").get(reverse("documents:download", args=[issued_document.pk, "pdf"]))
    assert response.status_code == 200
    assert response.getvalue().startswith(b"%PDF")


def test_a_password_only_htmx_request_gets_no_fragment_but_a_redirect_htmx_follows(demo, production_auth):
    client = password_only("quantri")
    response = client.get(reverse("organisation_list"), {"q": "Lạng"}, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/co-quan/?q=L")
    assert response.status_code == 200 and response.content == b""
    assert response["HX-Redirect"] == f"{reverse('second_factor')}?next=%2Fco-quan%2F%3Fq%3DL"
    assert "Lạng Sơn" not in response.content.decode()


def test_with_a_verified_device_the_htmx_fragment_is_served(demo, production_auth):
    response = fully_signed_in("quantri").get(reverse("organisation_list"), {"q": "Lạng"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "HX-Redirect" not in response
    assert "Lạng Sơn" in response.content.decode()
