"""What Janus tells the app server: the VideoRoom's events, posted by its HTTP event handler.

The server has to hear from Janus itself, not from a browser, when a point starts
publishing: a point the room holds muted that publishes (first, or again after a
reload) must have its audio moderated at once, and a browser that ignores its mute
would never report it. Janus is the only party that cannot be talked out of it.

Janus posts from loopback with HTTP basic auth (user ``janus``, the password derived
from the admin secret: ``config.events_secret``). Nothing a browser sends reaches here.
"""
from __future__ import annotations

import base64
import hmac
import json
import logging

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..backends.janus import JanusBackend
from .client import JanusError
from .config import events_secret

log = logging.getLogger(__name__)

PLUGIN_EVENT = 64  # JANUS_EVENT_TYPE_PLUGIN
PUBLISHING = {"joined", "configured", "published"}  # a publisher's handle: streams may now exist
MAX_EVENTS = 200  # one post carries one event (grouping off); a larger batch is not Janus's


def _authorised(request) -> bool:
    kind, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if kind.lower() != "basic":
        return False
    try:
        user, _, password = base64.b64decode(encoded).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return False
    return user == "janus" and hmac.compare_digest(password, events_secret())


def publisher_events(payload) -> list[dict]:
    """The VideoRoom events of a publisher's handle in Janus's post: ``{room, id, session_id, handle_id}``."""
    found = []
    for event in (payload if isinstance(payload, list) else [payload])[:MAX_EVENTS]:
        if not isinstance(event, dict) or event.get("type") != PLUGIN_EVENT:
            continue
        body = event.get("event") or {}
        data = body.get("data") or {}
        if body.get("plugin") != "janus.plugin.videoroom" or data.get("event") not in PUBLISHING:
            continue
        if all(isinstance(v, int) for v in (data.get("room"), data.get("id"), event.get("session_id"), event.get("handle_id"))):
            found.append({"room": data["room"], "id": data["id"], "session_id": event["session_id"], "handle_id": event["handle_id"]})
    return found


@csrf_exempt
@require_POST
def janus_events(request):
    if not _authorised(request):
        return HttpResponse(status=401)
    try:
        payload = json.loads(request.body)
    except ValueError:
        return HttpResponse(status=400)
    backend = JanusBackend()
    for seen in publisher_events(payload):
        try:
            backend.publisher_seen(room_number=seen["room"], point_id=seen["id"], session_id=seen["session_id"], handle_id=seen["handle_id"])
        except JanusError as exc:
            log.warning("Janus event for feed %s in room %s not applied: %s", seen["id"], seen["room"], exc)
    return HttpResponse(status=204)
