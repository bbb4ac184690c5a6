"""Who counts as signed in: the one answer every channel (page, download, htmx, WebSocket) uses.

A password alone is half a sign-in where the settings require the second factor: such a
session may reach only the sign-in pages (to finish or leave). Everywhere else, and on the
WebSocket, it is treated as no sign-in at all, so a join link redeemed in the same browser
still works as it does for a hall PC that never signs in.
"""
from __future__ import annotations

from django.conf import settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device


def second_factor_missing(user) -> bool:
    """True when ``user`` signed in with a password but has not passed the second factor the settings require.

    Demo accounts skip it only where demo accounts are allowed (the embedded ``make run``).
    ``user.is_verified`` comes from django-otp (OTPMiddleware on HTTP, ``attach_verified_device`` on WebSockets).
    """
    if not (settings.REQUIRE_SECOND_FACTOR and user is not None and user.is_authenticated):
        return False
    if settings.ALLOW_DEMO_ACCOUNTS and user.is_demo:
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified is not None and is_verified())


def attach_verified_device(user, session) -> None:
    """What django-otp's OTPMiddleware does for a request, for a WebSocket's user and session.

    The device the session passed is the user's only if it belongs to them and is still confirmed
    (a reset deletes it), exactly as OTPMiddleware decides.
    """
    user.otp_device = None
    user.is_verified = lambda: user.otp_device is not None
    persistent_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
    if not (user.is_authenticated and persistent_id):
        return
    device = Device.from_persistent_id(persistent_id)
    if device is not None and device.user_id == user.pk and device.confirmed:
        user.otp_device = device


def client_address(request) -> str | None:
    """The caller's address for throttling and the audit log (``AXES_CLIENT_IP_CALLABLE``).

    ``REMOTE_ADDR`` is already the client's: the ASGI application (config/asgi.py) replaces a proxy's
    address by the one it forwarded only for the proxies named in ``TRUSTED_PROXIES``. Never read
    X-Forwarded-For here: anyone can send it.
    """
    return request.META.get("REMOTE_ADDR") or None
