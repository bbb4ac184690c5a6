"""The upload API as the room page's recorder calls it: the hall PC on its join link, the chair signed in; JSON in Vietnamese."""
from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from tests.recordings.ingest_fixtures import *  # noqa: F403
from tests.recordings.ingest_fixtures import HALL1_KEY, HALL2_KEY, MIME, body, sha


@pytest.fixture
def local_store(settings, tmp_path):
    from tiepdan.recordings.storage import get_store

    settings.RECORDINGS_STORAGE, settings.RECORDINGS_LOCAL_DIR = "local", tmp_path / "rec"
    return get_store()


def _hall_client(live_room, key: str, point, link, *, csrf: bool = False) -> Client:
    """A browser that holds ``point``'s join link, as the hall PC does after opening it (its session, its device cookie)."""
    from tiepdan.live.consumers import DEVICE_COOKIE

    client = Client(enforce_csrf_checks=csrf)
    client.cookies[DEVICE_COOKIE] = key
    session = client.session
    session["live_links"] = {str(point.pk): link.pk}
    session.save()
    client.cookies["sessionid"] = session.session_key
    return client


def _open(client, live_room, point, take=None, source="own"):
    return client.post(reverse("recordings_open_track", args=[live_room.room.pk]),
                       {"point": point.pk, "source": source, "take": str(take or uuid.uuid4()), "mime_type": MIME, "client_now_ms": 1_700_000_000_000},
                       content_type="application/json")


def _put(client, track_id, seq, data, claimed=None, **extra):
    return client.put(reverse("recordings_put_slice", args=[track_id, seq]), data, content_type="application/octet-stream",
                      headers={"X-Slice-SHA256": sha(data) if claimed is None else claimed, "X-Client-Time-Ms": "1700000002000", **extra})


def test_a_hall_records_its_stream_through_the_api(live_room, local_store):
    hall = _hall_client(live_room, HALL1_KEY, live_room.hall1, live_room.hall1_link)
    take = uuid.uuid4()
    opened = _open(hall, live_room, live_room.hall1, take)
    assert opened.status_code == 201 and opened.json()["next_seq"] == 0
    track_id = opened.json()["track"]
    reopened = _open(hall, live_room, live_room.hall1, take)  # the same take again (a retried request): the same track
    assert reopened.status_code == 200 and reopened.json()["track"] == track_id

    first = _put(hall, track_id, 0, body(0))
    assert first.status_code == 201 and first.json() == {"seq": 0, "sha256": sha(body(0)), "stored": True}
    again = _put(hall, track_id, 0, body(0))
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert _put(hall, track_id, 0, body(99)).status_code == 409
    assert _put(hall, track_id, 2, body(2)).status_code == 201

    state = hall.get(reverse("recordings_track_state", args=[track_id])).json()
    assert state["next_seq"] == 3 and state["missing"] == [[1, 1]]
    closed = hall.post(reverse("recordings_close_track", args=[track_id]), {"last_seq": 3}, content_type="application/json")
    assert closed.status_code == 200 and closed.json()["gaps"] == [[1, 1], [3, 3]]


def test_refusals_answer_json_in_vietnamese_and_store_nothing(live_room, local_store, settings):
    from tiepdan.recordings.models import Slice

    hall = _hall_client(live_room, HALL1_KEY, live_room.hall1, live_room.hall1_link)
    track_id = _open(hall, live_room, live_room.hall1).json()["track"]

    wrong = _put(hall, track_id, 0, body(0), claimed=sha(b"x"))
    assert wrong.status_code == 400 and "không khớp" in wrong.json()["error"]
    missing_header = hall.put(reverse("recordings_put_slice", args=[track_id, 0]), body(0), content_type="application/octet-stream")
    assert missing_header.status_code == 400

    settings.RECORDINGS_MAX_SLICE_BYTES = 1000
    big = _put(hall, track_id, 0, body(0, 5000))
    assert big.status_code == 413 and "vượt quá giới hạn" in big.json()["error"]

    # Hall 2's browser (in the lobby, its own link) may neither open hall 1's take nor send into it.
    other = _hall_client(live_room, HALL2_KEY, live_room.hall2, live_room.hall2_link)
    assert _open(other, live_room, live_room.hall1).status_code == 403
    intruder = _put(other, track_id, 0, body(0))
    assert intruder.status_code == 403 and "không phải của trình duyệt này" in intruder.json()["error"]
    # A browser with the link's session but another device cookie is another browser.
    stolen = _hall_client(live_room, "a-copied-session-other-pc-01", live_room.hall1, live_room.hall1_link)
    assert _put(stolen, track_id, 0, body(0)).status_code == 403
    nobody = Client()
    assert _put(nobody, track_id, 0, body(0)).status_code == 403
    assert nobody.get(reverse("recordings_track_state", args=[track_id])).status_code == 403
    assert _put(hall, 999999, 0, body(0)).status_code == 404

    assert not Slice.objects.exists()
    assert list(local_store.keys("recordings/")) == []


def test_the_recorder_must_send_the_csrf_token(live_room, local_store):
    hall = _hall_client(live_room, HALL1_KEY, live_room.hall1, live_room.hall1_link, csrf=True)
    assert _open(hall, live_room, live_room.hall1).status_code == 403
    hall.get(reverse("live:point", args=[live_room.room.pk, live_room.hall1.pk]))  # the room page sets the CSRF cookie
    token = hall.cookies["csrftoken"].value
    opened = hall.post(reverse("recordings_open_track", args=[live_room.room.pk]),
                       {"point": live_room.hall1.pk, "source": "own", "take": str(uuid.uuid4()), "mime_type": MIME},
                       content_type="application/json", headers={"X-CSRFToken": token})
    assert opened.status_code == 201
    assert _put(hall, opened.json()["track"], 0, body(0), **{"X-CSRFToken": token}).status_code == 201
