"""Followup's part of the matter page (intake's), drawn through core.panels: the matter's tasks the user may see."""
from __future__ import annotations

from django.template.loader import render_to_string

from tiepdan.core import panels

from . import selectors


def matter_tasks(request, matter) -> str:
    tasks = list(selectors.visible_tasks(request.user).filter(matter_id=matter.pk).order_by("due_on", "id"))
    if not tasks:
        return ""
    return render_to_string("followup/_matter_tasks.html", {"m": matter, "tasks": tasks}, request=request)


def register() -> None:
    panels.register(panels.MATTER_ACTIONS, "followup.tasks", matter_tasks, order=60)
