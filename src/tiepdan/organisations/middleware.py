"""Ask for the second factor on every channel: pages, downloads and htmx fragments here, WebSockets below."""
from urllib.parse import urlencode, urlsplit

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from .authentication import attach_verified_device, second_factor_missing

# The pages a password-only session still needs: to finish signing in, or to leave.
_EXEMPT_PREFIXES = ("/dang-nhap", "/dang-xuat", "/xac-thuc-hai-lop", "/static/", "/diem-cau/tham-gia/", "/healthz")


class SecondFactorMiddleware:
    """Officials must pass a TOTP second factor when the settings require it (``authentication.second_factor_missing``).

    A page or a download is redirected to the second-factor page; an htmx request gets no fragment but
    an ``HX-Redirect`` to that page, which htmx follows with a full page load (a plain redirect would be
    followed inside the XMLHttpRequest and the sign-in page swapped into the fragment's place).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if second_factor_missing(user) and not request.path.startswith(_EXEMPT_PREFIXES):
            if request.headers.get("HX-Request"):
                page = request.headers.get("HX-Current-URL") or request.get_full_path()
                return HttpResponseClientRedirect(_second_factor_url(_path_of(page)))
            return redirect(_second_factor_url(request.get_full_path()))
        return self.get_response(request)


def _second_factor_url(next_path: str) -> str:
    return f"{reverse('second_factor')}?{urlencode({'next': next_path})}"


def _path_of(url: str) -> str:
    """Back to the page the fragment was on (HX-Current-URL is absolute), never to another host."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "") or "/"


class SecondFactorWebSocketMiddleware:
    """Inside Channels' AuthMiddlewareStack: a session without the second factor connects as nobody.

    The consumer then sees no official, so a password-only session cannot sit at a point or chair;
    a join link redeemed in this browser (kept in the session) still lets a hall PC in, as without
    a sign-in.
    """

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        user = scope.get("user")
        if user is not None and settings.REQUIRE_SECOND_FACTOR:
            missing = await database_sync_to_async(_missing_on_socket)(user, scope.get("session"))
            if missing:
                scope = {**scope, "user": AnonymousUser()}
        return await self.inner(scope, receive, send)


def _missing_on_socket(user, session) -> bool:
    if not user.is_authenticated:
        return False
    attach_verified_device(user, session)
    return second_factor_missing(user)
