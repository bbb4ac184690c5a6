"""What the thin views of every stage share: call a service, say what happened, go back.

Most buttons post to a view that calls one service and returns to the page they were on, with the
outcome as a message: the service's own Vietnamese refusal when it refuses, the view's sentence
when it succeeds. One function does that, so each view says only which service, which sentence
and where to.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect


def refusal_text(exc: ValidationError | PermissionDenied) -> str:
    """The refusal as one sentence for a message: every message of a ValidationError, or a PermissionDenied's own."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or "Bạn không có quyền thực hiện thao tác này."


def run_and_redirect(request: HttpRequest, action: Callable[[], Any], *, success: str | Callable[[Any], str],
                     redirect_to: str | tuple, refusals: bool = False, error_prefix: str = "") -> HttpResponseRedirect:
    """Run ``action`` (a service call), then redirect to ``redirect_to`` (a URL name or path, or a tuple of one and its args).

    On success ``success`` (a sentence, or a function of the action's result) is shown; when the service
    refuses with a ``ValidationError`` its messages are shown instead and nothing was written (the service
    is one transaction). A ``PermissionDenied`` goes on to the 403 page like on every other channel, unless
    ``refusals`` is set: on pages where being refused is an everyday outcome (the live room's buttons), it
    is shown as a message too.
    """
    caught = (ValidationError, PermissionDenied) if refusals else (ValidationError,)
    try:
        result = action()
    except caught as exc:
        messages.error(request, error_prefix + refusal_text(exc))
    else:
        messages.success(request, success(result) if callable(success) else success)
    return redirect(*redirect_to) if isinstance(redirect_to, tuple) else redirect(redirect_to)
