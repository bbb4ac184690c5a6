"""The SFU back end (live/backends/janus.py) and the fall-back decision (live/services.py: open_media, sfu_failed)."""
from __future__ import annotations

import json

import pytest

from tiepdan.core.models import AuditEntry
from tiepdan.live import services as live
from tiepdan.live.backends import get_backend
from tiepdan.live.backends.janus import JanusBackend, server_token
from tiepdan.live.janus.client import JanusError, JanusUnavailable
from tiepdan.live.models import Backend, EventKind, JanusRoom, PointRole

from .sfu_fixtures import janus, janus_client  # noqa: F401  (fixtures)
from .sfu_helpers import join_as_publisher, room_with_points

pytestmark = pytest.mark.django_db


def _admin_room(janus_client, room):
    janus_client.add_token(server_token())
    janus_client.token = server_token()
    return janus_client.videoroom()


def _components(room):
    return list(room.points.filter(role=PointRole.COMPONENT).order_by("pk"))


def test_room_opened_while_janus_answers_gets_a_private_videoroom_with_a_secret(demo, janus, janus_client):
    room, _ = room_with_points(demo)
    assert room.backend == Backend.JANUS
    jr = JanusRoom.objects.get(room=room)
    assert len(jr.secret) >= 24 and jr.pin
    with _admin_room(janus_client, room) as vr:
        assert vr.request({"request": "exists", "room": jr.room_number})["exists"] is True
        with pytest.raises(JanusError):  # without the room's secret nobody may tear it down
            vr.request({"request": "destroy", "room": jr.room_number, "secret": "doan-mo"})
        listed = vr.request({"request": "list"})["list"]
    assert jr.room_number not in [r["room"] for r in listed]  # is_private: not listed to anyone


def test_a_point_gets_its_room_pin_and_own_token_but_never_the_room_secret(demo, janus):
    room, _ = room_with_points(demo)
    central, first, second = room.central_point(), *_components(room)[:2]
    backend = JanusBackend()
    creds = backend.credentials_for(room, first)
    other = backend.credentials_for(room, second)
    jr = JanusRoom.objects.get(room=room)
    assert creds["module"] == "janus.js" and creds["room"] == jr.room_number and creds["pin"] == jr.pin
    assert jr.secret not in json.dumps(creds) and creds["token"] != other["token"]
    assert creds["max_bitrate_kbps"] < backend.credentials_for(room, central)["max_bitrate_kbps"]
    ctx, _, answer = join_as_publisher(janus, creds, first.pk)
    assert answer["videoroom"] == "joined" and answer["id"] == first.pk
    ctx.__exit__(None, None, None)


def test_janus_refuses_a_point_with_a_wrong_pin_or_an_unknown_token(demo, janus):
    room, _ = room_with_points(demo)
    point = _components(room)[0]
    creds = JanusBackend().credentials_for(room, point)
    with pytest.raises(JanusError):
        join_as_publisher(janus, creds, point.pk, pin="sai-ma")
    with pytest.raises(JanusError) as refused:
        join_as_publisher(janus, creds, point.pk, token="khong-hop-le")
    assert refused.value.code == 403


def test_removed_point_is_kicked_and_its_stale_token_is_refused(demo, janus, janus_client):
    room, chair = room_with_points(demo)
    point = _components(room)[0]
    creds = JanusBackend().credentials_for(room, point)
    ctx, _, _ = join_as_publisher(janus, creds, point.pk)
    point.status = "admitted"
    point.save(update_fields=["status"])
    live.remove(by=chair, point=point, reason="Gây mất trật tự")
    jr = JanusRoom.objects.get(room=room)
    with _admin_room(janus_client, room) as vr:
        present = [p["id"] for p in vr.request({"request": "listparticipants", "room": jr.room_number, "secret": jr.secret})["participants"]]
    assert point.pk not in present
    with pytest.raises(JanusError) as refused:
        join_as_publisher(janus, creds, point.pk)
    assert refused.value.code == 403
    ctx.__exit__(None, None, None)


def test_closing_the_session_destroys_the_videoroom_and_revokes_every_token(demo, janus, janus_client):
    room, chair = room_with_points(demo)
    creds = JanusBackend().credentials_for(room, _components(room)[0])
    live.close_room(by=chair, room=room, reason="Hết chương trình")
    jr = JanusRoom.objects.get(room=room)
    assert jr.destroyed_at is not None
    with _admin_room(janus_client, room) as vr:
        assert vr.request({"request": "exists", "room": jr.room_number})["exists"] is False
    assert creds["token"] not in janus_client.list_tokens()


def test_room_is_built_again_after_janus_restarts(demo, janus, janus_client):
    room, _ = room_with_points(demo)
    point = _components(room)[0]
    janus.stop()
    janus.start()
    creds = JanusBackend().credentials_for(room, point)  # Janus lost room and tokens; handing out credentials rebuilds them
    ctx, _, answer = join_as_publisher(janus, creds, point.pk)
    assert answer["videoroom"] == "joined"
    ctx.__exit__(None, None, None)


# --- Falling back to the no-services path -----------------------------------------------------------
def test_without_a_reachable_janus_the_room_opens_on_the_no_services_path(demo, settings):
    settings.JANUS_ENABLED = True
    settings.JANUS_HTTP_PORT = 9  # nothing listens there
    settings.JANUS_HEALTH_TIMEOUT_S = 0.5
    room, _ = room_with_points(demo)
    assert room.backend == Backend.MESH
    assert not JanusRoom.objects.filter(room=room).exists()


def test_janus_failing_while_the_room_opens_falls_back_and_logs_the_switch(demo, janus, monkeypatch):
    def refuse(self, room):
        raise JanusUnavailable("Janus unreachable: connection refused")

    monkeypatch.setattr(JanusBackend, "open_room", refuse)
    room, _ = room_with_points(demo)
    assert room.backend == Backend.MESH
    switch = room.events.get(kind=EventKind.BACKEND_SWITCHED)
    assert switch.data["before"] == Backend.JANUS and switch.data["after"] == Backend.MESH
    assert "Janus" in switch.data["reason"]
    assert AuditEntry.objects.filter(action="live.switch_backend", object_id=str(room.pk)).exists()


def test_janus_dying_mid_session_moves_the_room_to_the_mesh(demo, janus):
    room, _ = room_with_points(demo)
    point = _components(room)[0]
    janus.kill()
    room = live.sfu_failed(room=room, reason="Mất kết nối tới máy chủ Janus", point=point)
    assert room.backend == Backend.MESH
    switch = room.events.get(kind=EventKind.BACKEND_SWITCHED)
    assert point.name in switch.data["reason"] and switch.actor is None
    assert get_backend(room.backend).credentials_for(room, point)["module"] == "mesh.js"
    assert JanusRoom.objects.get(room=room).destroyed_at is not None


def test_one_point_losing_its_own_sfu_connection_does_not_move_the_room(demo, janus):
    room, _ = room_with_points(demo)
    room = live.sfu_failed(room=room, reason="Mất kết nối tới máy chủ Janus", point=_components(room)[0])
    assert room.backend == Backend.JANUS
    assert not room.events.filter(kind=EventKind.BACKEND_SWITCHED).exists()


def test_the_periodic_check_moves_every_room_still_on_a_dead_janus(demo, janus):
    room, _ = room_with_points(demo)
    assert live.check_sfu_rooms() == []  # Janus answers: nothing moves
    janus.kill()
    moved = live.check_sfu_rooms()
    assert [r.pk for r in moved] == [room.pk]
    room.refresh_from_db()
    assert room.backend == Backend.MESH
    assert "kiểm tra định kỳ" in room.events.get(kind=EventKind.BACKEND_SWITCHED).data["reason"]
