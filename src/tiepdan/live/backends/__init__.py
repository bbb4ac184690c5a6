"""Media back ends of the live room, behind one server-side interface.

The room (``live.models.LiveRoom``) names its back end (``mesh``, ``star`` or
``janus``); ``backend_for(room)`` returns the object that serves it. The
no-services path (``mesh.py``) needs no server but the signalling consumer;
the SFU (``janus.py``, engineer F) creates and destroys a Janus VideoRoom and
hands each point its token. The browser side mirrors this in
``live/static/live/media/backend.js``: ``credentials_for`` returns the dict the
browser's back end is built with, and its ``module`` key names the ES module.
"""
from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string


class MediaBackend:
    """What every media back end provides to the room's services.

    ``name`` is stored in ``LiveRoom.backend``; ``client_module`` is the ES module
    (in live/static/live/media/) that implements backend.js for browsers.
    """

    name: str = ""
    client_module: str = ""

    def open_room(self, room) -> None:
        """Prepare the media side of a room before the first point enters (idempotent)."""
        raise NotImplementedError

    def close_room(self, room) -> None:
        """Tear the media side down when the session closes (idempotent)."""
        raise NotImplementedError

    def credentials_for(self, room, point) -> dict:
        """What the browser of ``point`` (a ``live.RoomPoint``) needs to join: JSON-serialisable.

        Always carries ``backend``, ``module`` and ``ice_servers``; a back end adds its own keys.
        """
        raise NotImplementedError

    def healthy(self) -> bool:
        """Whether the back end can carry a session now (the SFU answers; the mesh always can)."""
        raise NotImplementedError


def ice_servers() -> list[dict]:
    """STUN/TURN servers from settings (LIVE_ICE_SERVERS), in RTCPeerConnection's format."""
    return list(getattr(settings, "LIVE_ICE_SERVERS", []))


# name -> dotted path; janus.py registers itself here when present (engineer F).
REGISTRY: dict[str, str] = {
    "mesh": "tiepdan.live.backends.mesh.MeshBackend",
    "star": "tiepdan.live.backends.mesh.StarBackend",
    "janus": "tiepdan.live.backends.janus.JanusBackend",
}


def get_backend(name: str) -> MediaBackend:
    try:
        path = REGISTRY[name]
    except KeyError as exc:
        raise ValueError(f"Không có phương thức truyền hình '{name}'.") from exc
    return import_string(path)()


def backend_for(room) -> MediaBackend:
    return get_backend(room.backend)
