"""Thin views: a person's own notices, and marking one read."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tiepdan.core import policy

from . import selectors, services


@login_required
def notification_list(request):
    policy.require(request.user, "notifications.view")
    return render(request, "notifications/list.html", {"items": selectors.for_user(request.user)[:100]})


@login_required
@require_POST
def mark_read(request, pk):
    # Someone else's notice does not exist for this user (404), like every object outside one's scope.
    note = get_object_or_404(selectors.for_user(request.user), pk=pk)
    services.mark_read(by=request.user, notification=note)
    return redirect("notifications:list")
