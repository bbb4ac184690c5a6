"""Recordings' part of the session page, the matter page and the chair's console, drawn through core.panels.

Registered in ``RecordingsConfig.ready()``: scheduling, intake and live never import recordings. Each panel
asks ``recordings.access`` itself, so a page shows a recording only to whoever may play some of it.
"""
from __future__ import annotations

from django.template.loader import render_to_string

from tiepdan.core import panels, policy

from . import access
from .models import Recording, RecordingState
from .services_restricted import open_stretch


def session_recording(request, session) -> str:
    """The session's recording and the button to open the player, for whoever may watch part of it."""
    recordings = list(access.recordings_of_session(request.user, session))
    if not recordings:
        return ""
    return render_to_string("recordings/_session_panel.html", {"recordings": recordings}, request=request)


def matter_chapters(request, matter) -> str:
    """Where the matter lies in each session's recording: links that land the player on its chapter."""
    chapters = list(access.visible_chapters(request.user).filter(agenda_item__matter=matter, recording__state=RecordingState.FINISHED)
                    .select_related("recording__room__session").order_by("recording__started_at"))
    if not chapters:
        return ""
    return render_to_string("recordings/_matter_panel.html", {"chapters": chapters}, request=request)


def console_restrict(request, room) -> str:
    """The chair's button: restrict the recording from now on, with a reason; or end the stretch in force."""
    if not policy.can(request.user, "recordings.mark_restricted", room):
        return ""
    recording = Recording.objects.filter(room=room).first()
    stretch = open_stretch(recording) if recording is not None else None
    return render_to_string("recordings/_console_panel.html", {"room": room, "stretch": stretch}, request=request)


def register() -> None:
    panels.register(panels.SESSION_PAGE, "recordings.session", session_recording, order=10)
    panels.register(panels.MATTER_HISTORY, "recordings.chapters", matter_chapters, order=30)
    panels.register(panels.LIVE_CONSOLE, "recordings.restrict", console_restrict, order=10)
