"""Which pages may use the camera and the microphone, told to the browser (Permissions-Policy).

Only the room (each point's page) and a bridge point's readiness test open the camera and microphone;
every other page says ``camera=(), microphone=()``, so a script that got onto one of them could not.
The Content-Security-Policy itself is django-csp's (settings ``CONTENT_SECURITY_POLICY``); a media page
may name the further origins its script connects to (the SFU's WebSocket).

django-permissions-policy sends one header for every page; the header here depends on the page, so it
is this small middleware and a view decorator instead.
"""
from __future__ import annotations

import functools
from collections.abc import Callable

from csp.decorators import csp_update

# Features no page of ours uses; denied everywhere.
DENIED_EVERYWHERE = ("geolocation", "payment", "usb", "serial", "bluetooth", "hid", "midi")
# What a media page needs: its own camera and microphone, and the chair's screen sharing.
MEDIA_FEATURES = ("camera", "microphone", "display-capture")


def permissions_policy(*, media: bool) -> str:
    allowed = "(self)" if media else "()"
    return ", ".join([*(f"{f}={allowed}" for f in MEDIA_FEATURES), *(f"{f}=()" for f in DENIED_EVERYWHERE)])


def media_page(connect_src: Callable[[], list[str]] | None = None):
    """Mark a view whose page uses the camera and microphone; ``connect_src()`` names further origins it connects to."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            inner = csp_update({"connect-src": connect_src()})(view) if connect_src else view
            response = inner(request, *args, **kwargs)
            # A refusal or a redirect from the same view does not open the devices.
            response.uses_camera_and_microphone = response.status_code == 200
            return response

        return wrapped

    return decorate


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions_policy(media=getattr(response, "uses_camera_and_microphone", False))
        return response
