"""The login throttle: per account and per address, and an address nobody can invent.

Over real HTTP to the product's own server options (``serve.uvicorn_options``), since the header that
unlocked a locked account was believed by the server, before Django saw the request.
"""
from __future__ import annotations

import http.cookiejar
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tiepdan.core.models import AuditEntry
from tiepdan.organisations.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(demo, settings):
    """The ASGI application served as ``manage.py serve`` serves it, on loopback, for this test."""
    import uvicorn

    from tiepdan.config.asgi import application
    from tiepdan.config.management.commands.serve import uvicorn_options

    settings.AXES_FAILURE_LIMIT = 3
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(application, **uvicorn_options(host="127.0.0.1", port=port)))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def sign_in(base: str, username: str, password: str, forwarded_for: str | None = None) -> int:
    """One browser's sign-in through the form (CSRF cookie and token included); the status of the POST."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect)
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    page = opener.open(urllib.request.Request(f"{base}/dang-nhap/", headers=headers), timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token}).encode()
    try:
        return opener.open(urllib.request.Request(f"{base}/dang-nhap/", data=body, headers=headers), timeout=10).status
    except urllib.error.HTTPError as exc:
        return exc.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_rotating_x_forwarded_for_from_an_untrusted_client_does_not_unlock_a_locked_account(served):
    for n in range(3):  # the third failure reaches the limit and is answered with the lockout
        assert sign_in(served, "bantcd", "sai-mat-khau", forwarded_for=f"203.0.113.{n + 1}") == (429 if n == 2 else 200)
    assert sign_in(served, "bantcd", DEMO_PASSWORD, forwarded_for="198.51.100.77") == 429
    # The header was not believed: every attempt is the loopback client's.
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_a_trusted_proxys_header_is_honoured_and_rotating_it_still_does_not_unlock(served, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    for n in range(3):
        assert sign_in(served, "bantcd", "sai-mat-khau", forwarded_for=f"203.0.113.{n + 1}") == (429 if n == 2 else 200)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.1", "203.0.113.2", "203.0.113.3"}
    # Each address made one attempt, but the account made three: it is locked wherever the next one comes from.
    assert sign_in(served, "bantcd", DEMO_PASSWORD, forwarded_for="198.51.100.77") == 429
    # Another official behind the same proxy, from another address, still signs in; the audit has their address.
    assert sign_in(served, "canboxa", DEMO_PASSWORD, forwarded_for="198.51.100.8") == 302
    assert AuditEntry.objects.filter(action="auth.login", actor__username="canboxa").latest("pk").ip_address == "198.51.100.8"


def test_one_password_sprayed_over_many_accounts_from_one_address_is_blocked(demo, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client(REMOTE_ADDR="192.0.2.50")
    for n, username in enumerate(("bantcd", "canboxa", "thanhtra")):
        assert client.post(reverse("login"), {"username": username, "password": "mat-khau-pho-bien-2026"}).status_code == (429 if n == 2 else 200)
    # A fourth account, even with its right password, is refused from that address...
    assert client.post(reverse("login"), {"username": "chutichxa", "password": DEMO_PASSWORD}).status_code == 429
    # ...while none of the sprayed accounts is locked for its owner elsewhere (one failure each).
    assert Client(REMOTE_ADDR="192.0.2.99").post(reverse("login"), {"username": "bantcd", "password": DEMO_PASSWORD}).status_code == 302


def test_rotating_real_addresses_against_one_account_is_blocked(demo, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for n in range(3):
        Client(REMOTE_ADDR=f"192.0.2.{n + 1}").post(reverse("login"), {"username": "bantcd", "password": "sai-mat-khau"})
    locked = Client(REMOTE_ADDR="192.0.2.200").post(reverse("login"), {"username": "bantcd", "password": DEMO_PASSWORD})
    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập" in locked.content.decode()
