"""Outcomes' part of the session page (scheduling's) and the matter page (intake's), drawn through core.panels.

Registered in ``OutcomesConfig.ready()``; neither page imports outcomes.
"""
from __future__ import annotations

from django.template.loader import render_to_string

from tiepdan.core import panels, policy
from tiepdan.scheduling.models import SessionStatus

from . import selectors


def session_panel(request, session) -> str:
    """The session's notice, or (a closed session without one) the button that drafts it from the minutes."""
    user = request.user
    if not policy.can(user, "outcomes.view", session) and not policy.can(user, "outcomes.draft", session):
        return ""
    notice = selectors.notice_for_session(session)
    may_draft = notice is None and session.status == SessionStatus.CLOSED and policy.can(user, "outcomes.draft", session)
    if notice is None and not may_draft:
        return ""
    return render_to_string("outcomes/_session_panel.html", {"notice": notice, "may_draft": may_draft, "session": session}, request=request)


def matter_panel(request, matter) -> str:
    """What the session concluded on this matter, with the citizen's letter and the minutes once issued."""
    if not policy.can(request.user, "outcomes.view", matter):
        return ""
    items = list(selectors.notice_items_of_matter(matter))
    if not items:
        return ""
    return render_to_string("outcomes/_matter_panel.html", {"items": items}, request=request)


def register() -> None:
    panels.register(panels.SESSION_PAGE, "outcomes.notice", session_panel, order=30)
    panels.register(panels.MATTER_ACTIONS, "outcomes.conclusion", matter_panel, order=40)
