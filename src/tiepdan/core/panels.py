"""Pages that several stages draw together, composed from what each stage contributes.

The matter page is intake's, but what a Board officer does there is mostly triage's (classify,
propose, decline, return, the refusal notice), and later stages will add theirs. Intake may not
import the stages above it, so each stage registers, in its ``AppConfig.ready()``, a callable that
draws its own panel (its forms, its rules, its policy checks, its template), and the page asks
for the panels of a slot and draws them in order. A stage that is not installed simply draws nothing.

    panels.register(panels.MATTER_ACTIONS, "triage.actions", triage_panels.actions, order=10)
    ctx["panels"] = panels.render(panels.MATTER_ACTIONS, request, matter)   # in the page's view

A panel callable takes ``(request, obj)`` and returns HTML (``render_to_string(..., request=request)``)
or an empty string when it has nothing for this user and object. Slot names are strings here, as
the menu's URL names are in ``navigation.py``: core imports no app.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

# The matter page (intake/views.py matter_detail): the stages' actions and notes, then lines of its history.
MATTER_ACTIONS = "matter.actions"
MATTER_HISTORY = "matter.history"
# The bridge-point list (bridges/views.py point_list), for the viewer's province committee: what its own plan requires of points.
BRIDGE_POINT_REQUIREMENTS = "bridge_points.requirements"
# The session page (scheduling/views.py session_detail), below its points: what later stages keep of it (its recording).
SESSION_PAGE = "session.page"
# The chair's console in the room (live/views.py point_page, the central point's console): later stages' buttons (a restricted stretch).
LIVE_CONSOLE = "live.console"

Panel = Callable[[HttpRequest, object], str]


@dataclass(frozen=True)
class _Entry:
    order: int
    name: str
    draw: Panel


_slots: dict[str, dict[str, _Entry]] = {}


def register(slot: str, name: str, draw: Panel, *, order: int) -> None:
    """Add (or replace, by ``name``: ``ready()`` may run more than once) a stage's panel for ``slot``.

    ``order`` places it among the others: lower first; stages leave gaps (10, 20, ...) for the next.
    """
    _slots.setdefault(slot, {})[name] = _Entry(order, name, draw)


def render(slot: str, request: HttpRequest, obj) -> list[SafeString]:
    """The panels of ``slot`` for ``obj``, in order, each already drawn; panels with nothing to show are left out.

    What a panel returns is escaped unless it is already safe (a rendered template), so a panel returning
    plain text cannot inject markup.
    """
    entries = sorted(_slots.get(slot, {}).values(), key=lambda e: (e.order, e.name))
    drawn = (conditional_escape(entry.draw(request, obj)) for entry in entries)
    return [html for html in drawn if html.strip()]


def registered(slot: str) -> list[str]:
    """The names registered for ``slot``, in order (for tests and for reading what a page is made of)."""
    return [e.name for e in sorted(_slots.get(slot, {}).values(), key=lambda e: (e.order, e.name))]
