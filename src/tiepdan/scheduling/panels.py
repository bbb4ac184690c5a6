"""Scheduling's part of pages drawn by earlier stages (core.panels), registered in ``SchedulingConfig.ready()``.

The province's reception settings (its plan, what the plan asks of bridge points) are scheduling's; the
bridge-point list (bridges') cites them through this panel, so bridges never reads scheduling.
"""
from __future__ import annotations

from django.template.loader import render_to_string

from tiepdan.core import panels

from .selectors import settings_for


def plan_requirement(request, province_committee) -> str:
    """The sentence citing the viewer's province's own plan; nothing for a province that set none, or for no province."""
    if province_committee is None:
        return ""
    return render_to_string("scheduling/_plan_requirement.html", {"conf": settings_for(province_committee)}, request=request)


def register() -> None:
    panels.register(panels.BRIDGE_POINT_REQUIREMENTS, "scheduling.plan", plan_requirement, order=10)
