"""A take's place on the recording's timeline: the browser's clock offset measured over the open's round trip
(``recordings.rules.clock_offset_ms``), not from the browser's clock at sending alone (late by the request's delay)."""
from __future__ import annotations

import datetime as dt
import time
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from tests.recordings.ingest_fixtures import *  # noqa: F403
from tests.recordings.ingest_fixtures import HALL1_KEY, HALL2_KEY, MIME, body, sha

SKEW_MS = -10_000     # this hall PC's clock runs 10 s behind the server's
DELAY_MS = 2_000      # each way, as under load


@pytest.fixture
def local_store(settings, tmp_path):
    from tiepdan.recordings.storage import get_store

    settings.RECORDINGS_STORAGE, settings.RECORDINGS_LOCAL_DIR = "local", tmp_path / "rec"
    return get_store()


def _hall(live_room, key=HALL1_KEY, point=None, link=None) -> Client:
    from tiepdan.live.consumers import DEVICE_COOKIE

    client = Client()
    client.cookies[DEVICE_COOKIE] = key
    session = client.session
    session["live_links"] = {str((point or live_room.hall1).pk): (link or live_room.hall1_link).pk}
    session.save()
    client.cookies["sessionid"] = session.session_key
    return client


def _server_ms() -> int:
    return int(time.time() * 1000)


def _open_with_delay(hall, live_room) -> tuple[int, dict, float]:
    """Open a take as a browser whose request and answer each take ``DELAY_MS`` on the wire: its clock read
    ``DELAY_MS`` before the request reached the server, and ``DELAY_MS`` after the answer left it. Also returns how
    far the measurement may err with the wire's delays alike both ways: half the server's own time on the request
    (the whole round trip's half, ``DELAY_MS`` more, if they were not alike)."""
    before = _server_ms()
    sent_ms = before + SKEW_MS - DELAY_MS
    res = hall.post(reverse("recordings_open_track", args=[live_room.room.pk]),
                    {"point": live_room.hall1.pk, "source": "own", "take": str(uuid.uuid4()), "mime_type": MIME, "client_now_ms": sent_ms},
                    content_type="application/json")
    after = _server_ms()
    received_ms = after + SKEW_MS + DELAY_MS
    assert res.status_code == 201
    answer = res.json()
    return answer["track"], {"sent_ms": sent_ms, "server_now_ms": answer["server_now_ms"], "received_ms": received_ms}, (after - before) / 2 + 2


def _clock(hall, track_id, measured):
    return hall.post(reverse("recordings_track_clock", args=[track_id]), measured, content_type="application/json")


def _put_at(hall, track_id, seq, client_ms):
    data = body(seq)
    res = hall.put(reverse("recordings_put_slice", args=[track_id, seq]), data, content_type="application/octet-stream",
                   headers={"X-Slice-SHA256": sha(data), "X-Client-Time-Ms": str(client_ms)})
    assert res.status_code == 201


def _error_ms(track_id, truth_ms) -> float:
    from tiepdan.recordings.models import Track

    started = Track.objects.get(pk=track_id).started_at
    return (started - dt.datetime.fromtimestamp(truth_ms / 1000, tz=dt.timezone.utc)).total_seconds() * 1000


def test_clock_offset_is_the_servers_reading_less_the_middle_of_the_round_trip():
    from tiepdan.recordings.rules import clock_offset_ms

    # sent at 1000 (browser), server read 11 500, answer back at 3000 (browser): the server read in the middle, at 2000
    assert clock_offset_ms(sent_ms=1000, server_ms=11_500, received_ms=3000) == 9500
    assert clock_offset_ms(sent_ms=1000, server_ms=11_000, received_ms=1000) == 10_000
    assert clock_offset_ms(sent_ms=3000, server_ms=11_000, received_ms=1000) is None     # the browser's clock set back
    assert clock_offset_ms(sent_ms=0, server_ms=11_000, received_ms=60_000) is None      # a round trip that tells nothing


def test_a_take_opened_under_load_starts_where_its_first_slice_was_cut_not_a_delay_later(live_room, local_store):
    hall = _hall(live_room)
    # The usual order: the browser measures the round trip before it sends slices.
    track_id, measured, bound = _open_with_delay(hall, live_room)
    answer = _clock(hall, track_id, measured)
    assert answer.status_code == 200 and abs(answer.json()["clock_offset_ms"] + SKEW_MS) <= bound
    cut_ms = _server_ms()  # the first slice starts now (server clock)
    _put_at(hall, track_id, 0, cut_ms + SKEW_MS)
    assert abs(_error_ms(track_id, cut_ms)) <= bound

    # A slice that went first (a page reloaded before the clock call): its take moves when the measurement comes.
    track_id, measured, bound = _open_with_delay(hall, live_room)
    cut_ms = _server_ms()
    _put_at(hall, track_id, 0, cut_ms + SKEW_MS)
    assert _error_ms(track_id, cut_ms) >= DELAY_MS - 2   # from the sending time alone: late by the request's delay
    assert _clock(hall, track_id, measured).status_code == 200
    assert abs(_error_ms(track_id, cut_ms)) <= bound


def test_only_the_takes_browser_corrects_its_clock_and_a_measurement_that_tells_nothing_is_refused(live_room, local_store):
    from tiepdan.recordings.models import Track

    hall = _hall(live_room)
    track_id, measured, _ = _open_with_delay(hall, live_room)
    before = Track.objects.get(pk=track_id).clock_offset_ms
    other = _hall(live_room, HALL2_KEY, live_room.hall2, live_room.hall2_link)
    assert _clock(other, track_id, measured).status_code == 403
    assert _clock(hall, track_id, {**measured, "received_ms": measured["sent_ms"] - 1}).status_code == 400
    assert _clock(hall, track_id, {**measured, "server_now_ms": measured["server_now_ms"] + 3_600_000}).status_code == 400
    assert Track.objects.get(pk=track_id).clock_offset_ms == before
