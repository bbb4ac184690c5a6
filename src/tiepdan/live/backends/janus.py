"""The SFU back end: a Janus VideoRoom per live room, created and destroyed by the app server.

What only the server holds: the room's ``secret`` (edit, kick, destroy), the
VideoRoom ``admin_key`` (create) and the Admin API secret (tokens). What a point's
browser gets (``credentials_for``): the room number, its ``pin`` and a token of its
own, valid in Janus (core ``token_auth``) and in this room's ``allowed`` list.
A point removed from the session has its token revoked and is kicked
(``revoke_point``); a stale token is refused by Janus itself.

Tokens are not stored: each is an HMAC of the grant's identity under a key only
the server knows, so the database never holds a usable credential.

The chair's mute is enforced here, not by the muted browser (Decree 154 Art. 21):
the server moderates the publisher's audio (the VideoRoom ``moderate`` request,
room secret), so Janus forwards nothing of a point the room holds muted, whatever
that point's browser does. Moderation holds per published stream, so it is applied
both when the room's decision changes (``enforce_mutes``, from the services) and
whenever Janus reports that a point (re)publishes (``publisher_seen``, from Janus's
event handler: ``live.janus.events``). Which handle publishes a point is learnt from
those events and kept in the cache, with the state last applied to it.

Janus keeps rooms and tokens in memory only: if it restarted, ``open_room``
builds the room again from the database (idempotent), and the room's services
call it before handing out credentials.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from ..janus.client import JanusClient, JanusError, JanusUnavailable
from ..janus.config import admin_secret
from ..models import JanusGrant, JanusRoom, PointRole, PointStatus, RoomPoint
from . import MediaBackend, ice_servers

log = logging.getLogger(__name__)

# Up to this many points everyone receives everyone; above it a point receives the
# central point and the spotlighted one (a commune's downlink is 5 Mbps).
SUBSCRIBE_ALL_UP_TO = 6
NO_SUCH_ROOM = 426  # JANUS_VIDEOROOM_ERROR_NO_SUCH_ROOM
ROOM_EXISTS = 427  # JANUS_VIDEOROOM_ERROR_ROOM_EXISTS
NO_SUCH_FEED = 428  # JANUS_VIDEOROOM_ERROR_NO_SUCH_FEED (also "no such stream" to a moderate)
PUBLISHER_TTL_S = 12 * 3600  # longer than any session day


def _publisher_key(room_number: int, point_id: int) -> str:
    return f"live:janus:publisher:{room_number}:{point_id}"


def _room_rec_dir(room) -> Path:
    """Where Janus writes this room's .mjr files (``recordings.janus_recording.room_rec_dir`` reads the same place)."""
    folder = Path(settings.JANUS_REC_DIR) / f"room-{room.pk}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def held_muted(point) -> bool:
    """Whether the room holds this point silent on the SFU: muted, or not (or no longer) admitted, or unknown."""
    return point is None or point.muted or point.status != PointStatus.ADMITTED


def client(timeout_s: float | None = None) -> JanusClient:
    return JanusClient(
        http_url=f"http://127.0.0.1:{settings.JANUS_HTTP_PORT}/janus",
        admin_url=f"http://127.0.0.1:{settings.JANUS_ADMIN_PORT}/admin",
        admin_secret=admin_secret(),
        token=server_token(),
        timeout_s=timeout_s or settings.JANUS_HEALTH_TIMEOUT_S,
    )


def server_token() -> str:
    """The app server's own Janus token (added through the Admin API before each use)."""
    return admin_secret(purpose=b"tiepdan-janus-server-token")[:40]


def grant_token(grant) -> str:
    """A point's token: re-derived when needed, different for each grant (a re-admitted point gets a new one)."""
    key = admin_secret(purpose=b"tiepdan-janus-point-token").encode()
    message = f"{grant.janus_room.room_number}:{grant.point_id}:{grant.nonce}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:40]


def publish_bitrate_kbps(point) -> int:
    """A component point publishes within its 5 Mbps uplink; the central point (30 Mbps) higher."""
    if point.role == PointRole.CENTRAL:
        return settings.JANUS_CENTRAL_BITRATE_KBPS
    return settings.JANUS_COMPONENT_BITRATE_KBPS


def browser_ws_url() -> str:
    return settings.JANUS_PUBLIC_WS_URL or f"ws://{settings.JANUS_WS_IP}:{settings.JANUS_WS_PORT}/"


class JanusBackend(MediaBackend):
    name = "janus"
    client_module = "janus.js"

    # --- the room -----------------------------------------------------------------------
    def open_room(self, room) -> None:
        """Create (or re-create after a Janus restart) the VideoRoom, with every live grant's token."""
        janus_room = JanusRoom.objects.filter(room=room).first()
        if janus_room is None:
            janus_room = JanusRoom.objects.create(
                room=room,
                room_number=secrets.randbelow(2**52) + 1,  # exact in JavaScript numbers
                secret=secrets.token_urlsafe(24),
                pin=secrets.token_urlsafe(9),
            )
        c = client()
        c.add_token(server_token())
        tokens = [grant_token(g) for g in janus_room.grants.filter(revoked_at__isnull=True)]
        with c.videoroom() as vr:
            if vr.request({"request": "exists", "room": janus_room.room_number}).get("exists"):
                return
            vr.request({
                "request": "create",
                "admin_key": admin_secret(purpose=b"tiepdan-janus-videoroom"),
                "room": janus_room.room_number,
                "description": f"tiepdan-{room.pk}",
                "secret": janus_room.secret,
                "pin": janus_room.pin,
                "is_private": True,
                "permanent": False,
                "publishers": max(6, room.points.count() + 2),
                "bitrate": settings.JANUS_COMPONENT_BITRATE_KBPS * 1000,
                "bitrate_cap": False,  # the central point may go above the component cap
                "fir_freq": 10,
                "audiocodec": "opus",
                "videocodec": "vp8",
                "notify_joining": True,
                # Decree 154/2026 Art. 24: the server records every publisher, one folder per room under the
                # data dir (Janus refuses protected system folders); recordings.janus_recording reads it at finishing.
                "record": True,
                "rec_dir": str(_room_rec_dir(room)),
                "allowed": tokens,
            })
        for token in tokens:
            c.add_token(token)

    def close_room(self, room) -> None:
        janus_room = JanusRoom.objects.filter(room=room, destroyed_at__isnull=True).first()
        if janus_room is None:
            return
        try:
            c = client()
            c.add_token(server_token())
            with c.videoroom() as vr:
                try:
                    vr.request({"request": "destroy", "room": janus_room.room_number, "secret": janus_room.secret})
                except JanusError as exc:
                    if exc.code != NO_SUCH_ROOM:
                        raise
            for grant in janus_room.grants.filter(revoked_at__isnull=True):
                c.remove_token(grant_token(grant))
        except JanusUnavailable:
            log.warning("Janus unreachable while closing room %s: its in-memory room went with it", room.pk)
        now = timezone.now()
        janus_room.grants.filter(revoked_at__isnull=True).update(revoked_at=now, revoked_reason="Phiên đã kết thúc")
        janus_room.destroyed_at = now
        janus_room.save(update_fields=["destroyed_at"])

    # --- a point ------------------------------------------------------------------------
    @transaction.atomic
    def credentials_for(self, room, point) -> dict:
        janus_room = JanusRoom.objects.filter(room=room, destroyed_at__isnull=True).first()
        if janus_room is None:
            self.open_room(room)
            janus_room = JanusRoom.objects.get(room=room)
        grant, _ = JanusGrant.objects.get_or_create(janus_room=janus_room, point=point, revoked_at=None)
        token = grant_token(grant)
        c = client()
        c.add_token(token)  # again after a Janus restart: harmless when present
        c.add_token(server_token())
        with c.videoroom() as vr:
            try:
                vr.request({"request": "allowed", "room": janus_room.room_number, "secret": janus_room.secret, "action": "add", "allowed": [token]})
            except JanusError as exc:
                if exc.code != NO_SUCH_ROOM:
                    raise
                self.open_room(room)  # Janus restarted and lost the room: build it again
        central = room.central_point()
        return {
            "backend": self.name,
            "module": self.client_module,
            "ice_servers": ice_servers(),
            "ws_url": browser_ws_url(),
            "room": janus_room.room_number,
            "pin": janus_room.pin,
            "token": token,
            "central_point_id": str(central.pk) if central else None,
            "max_bitrate_kbps": publish_bitrate_kbps(point),
            "keepalive_s": max(2, min(25, settings.JANUS_SESSION_TIMEOUT_S // 3)),
            "subscribe_all": room.points.count() <= SUBSCRIBE_ALL_UP_TO,
        }

    def revoke_point(self, room, point, reason: str = "") -> None:
        """Take a removed point out of the SFU: revoke its token (Janus and the room's list) and kick it."""
        grant = JanusGrant.objects.filter(janus_room__room=room, point=point, revoked_at__isnull=True).select_related("janus_room").first()
        if grant is None:
            return
        janus_room = grant.janus_room
        token = grant_token(grant)
        grant.revoked_at = timezone.now()
        grant.revoked_reason = reason[:200]
        grant.save(update_fields=["revoked_at", "revoked_reason"])
        c = client()
        c.remove_token(token)
        c.add_token(server_token())
        with c.videoroom() as vr:
            for body in (
                {"request": "allowed", "room": janus_room.room_number, "secret": janus_room.secret, "action": "remove", "allowed": [token]},
                {"request": "kick", "room": janus_room.room_number, "secret": janus_room.secret, "id": point.pk},
            ):
                try:
                    vr.request(body)
                except JanusError as exc:
                    if exc.code not in (NO_SUCH_ROOM, NO_SUCH_FEED):
                        raise

    # --- the chair's mute, held by the server -------------------------------------------------------
    def publisher_seen(self, *, room_number: int, point_id: int, session_id: int, handle_id: int) -> None:
        """Janus says feed ``point_id`` joined, configured or published in room ``room_number``: remember its
        handle and, if the room holds that point muted, moderate its audio now."""
        janus_room = JanusRoom.objects.filter(room_number=room_number, destroyed_at__isnull=True).first()
        if janus_room is None:
            return  # not one of ours
        point = RoomPoint.objects.filter(pk=point_id, room_id=janus_room.room_id).first()
        entry = {"session_id": session_id, "handle_id": handle_id, "muted": None}
        self._apply(janus_room, point_id, entry, held_muted(point))

    def enforce_mutes(self, room) -> None:
        """Bring Janus in line with the room: each publishing point's audio moderated iff the room holds it muted."""
        janus_room = JanusRoom.objects.filter(room=room, destroyed_at__isnull=True).first()
        if janus_room is None:
            return
        points = {p.pk: p for p in room.points.all()}
        keys = {_publisher_key(janus_room.room_number, pk): pk for pk in points}
        for key, entry in cache.get_many(list(keys)).items():
            point_id = keys[key]
            muted = held_muted(points[point_id])
            if entry.get("muted") != muted:
                self._apply(janus_room, point_id, entry, muted)

    def _apply(self, janus_room, point_id: int, entry: dict, muted: bool) -> None:
        """Moderate every audio stream the handle publishes for ``point_id`` (its mids come from Janus, not the browser)."""
        key = _publisher_key(janus_room.room_number, point_id)
        c = client()
        try:
            info = c.admin("handle_info", session_id=entry["session_id"], handle_id=entry["handle_id"]).get("info", {})
        except JanusUnavailable:
            raise
        except JanusError:
            cache.delete(key)  # the handle is gone: the next publish reports a new one
            return
        publisher = info.get("plugin_specific") or {}
        if publisher.get("room") != janus_room.room_number or publisher.get("id") != point_id:
            cache.delete(key)
            return
        mids = [s["mid"] for s in publisher.get("streams", []) if s.get("type") == "audio" and s.get("mid") is not None]
        c.add_token(server_token())
        with c.videoroom() as vr:
            for mid in mids:
                try:
                    vr.request({"request": "moderate", "room": janus_room.room_number, "secret": janus_room.secret, "id": point_id, "mid": mid, "mute": muted})
                except JanusError as exc:
                    if exc.code not in (NO_SUCH_ROOM, NO_SUCH_FEED):
                        raise
        # Nothing published yet: the state stays unapplied, and the "configured" event that follows applies it.
        cache.set(key, {**entry, "muted": muted if mids else None}, PUBLISHER_TTL_S)

    def participants(self, room) -> list[dict]:
        """Who is in the VideoRoom now, as Janus sees it (``id`` is the point's id)."""
        janus_room = JanusRoom.objects.get(room=room)
        c = client()
        c.add_token(server_token())
        with c.videoroom() as vr:
            return vr.request({"request": "listparticipants", "room": janus_room.room_number, "secret": janus_room.secret}).get("participants", [])

    def healthy(self) -> bool:
        """Janus answers ``info`` within JANUS_HEALTH_TIMEOUT_S and has the VideoRoom loaded."""
        try:
            info = client().info()
        except JanusError:
            return False
        return "janus.plugin.videoroom" in info.get("plugins", {})
