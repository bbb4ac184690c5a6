"""The slice in flight when the chair closes the room: taken in for ``RECORDINGS_LATE_SLICE_S``, from a point's own
take and from the central point's relay copy alike (``recordings.rules.late_slice_accepted``)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.recordings.ingest_fixtures import *  # noqa: F403
from tests.recordings.ingest_fixtures import body, sha


@pytest.fixture
def local_store(settings, tmp_path):
    from tiepdan.recordings.storage import get_store

    settings.RECORDINGS_STORAGE, settings.RECORDINGS_LOCAL_DIR = "local", tmp_path / "rec"
    return get_store()


def _send(live_room, track, seq, who):
    """``track`` as the upload request loaded it (maybe before the close committed), then the slice taken in."""
    from tiepdan.recordings import ingest

    data = body(seq)
    return ingest.ingest_slice(track=track, seq=seq, data=data, sha256_hex=sha(data), client_time_ms=1_700_000_000_000 + 2000 * seq,
                               by_device=live_room.uploader(who))


def test_late_slice_accepted_only_after_a_close_and_within_the_grace():
    from tiepdan.recordings.rules import late_slice_accepted

    closed = dt.datetime(2026, 7, 15, 10, 0, tzinfo=dt.timezone.utc)
    assert late_slice_accepted(closed_at=closed, now=closed + dt.timedelta(seconds=15), grace_s=15)
    assert not late_slice_accepted(closed_at=closed, now=closed + dt.timedelta(seconds=15.5), grace_s=15)
    assert not late_slice_accepted(closed_at=None, now=closed, grace_s=15)


def test_a_slice_in_flight_when_the_chair_closes_is_taken_from_the_halls_own_take_and_the_central_copy(
        live_room, local_store, django_capture_on_commit_callbacks):
    from tiepdan.live import services
    from tiepdan.recordings import ingest
    from tiepdan.recordings.models import Recording, Slice

    own = live_room.open("hall1")
    relay = live_room.open("chair", point=live_room.hall1, source="relay")
    for seq in (0, 2):
        live_room.put(own, seq)
    live_room.put(relay, 0, who="chair")
    # Both requests loaded their take while the room was live; the close (and the recording's stop) commit before they are checked.
    in_flight = {"own": ingest.track_for_upload(own.pk), "relay": ingest.track_for_upload(relay.pk)}
    with django_capture_on_commit_callbacks(execute=False):
        services.close_room(by=live_room.chair, room=live_room.room)
        ingest.stop_recording(live_room.room)
    assert any("Thiếu đoạn ghi hình 1 " in p for p in Recording.objects.get(pk=own.recording_id).problems)

    assert _send(live_room, in_flight["own"], 1, "hall1").stored       # the hall's join link now says «ended»
    assert _send(live_room, in_flight["relay"], 1, "chair").stored     # the central point's room now says «ended»
    assert sorted(Slice.objects.filter(track=own).values_list("seq", flat=True)) == [0, 1, 2]
    assert sorted(Slice.objects.filter(track=relay).values_list("seq", flat=True)) == [0, 1]
    own.refresh_from_db()
    assert own.gaps == [] and not any("Thiếu đoạn" in p for p in Recording.objects.get(pk=own.recording_id).problems)


def test_after_the_grace_neither_a_hall_nor_the_central_copy_is_taken(live_room, local_store, settings, django_capture_on_commit_callbacks):
    from tiepdan.live import services
    from tiepdan.live.models import LiveRoom
    from tiepdan.recordings import ingest
    from tiepdan.recordings.ingest import UploadRefused

    own = live_room.open("hall1")
    relay = live_room.open("chair", point=live_room.hall1, source="relay")
    in_flight = {"own": ingest.track_for_upload(own.pk), "relay": ingest.track_for_upload(relay.pk)}
    with django_capture_on_commit_callbacks(execute=False):
        services.close_room(by=live_room.chair, room=live_room.room)
    LiveRoom.objects.filter(pk=live_room.room.pk).update(closed_at=timezone.now() - dt.timedelta(seconds=settings.RECORDINGS_LATE_SLICE_S + 1))
    with pytest.raises(UploadRefused, match="kết thúc"):
        _send(live_room, in_flight["own"], 0, "hall1")
    with pytest.raises(UploadRefused, match="kết thúc"):
        _send(live_room, in_flight["relay"], 0, "chair")


def test_a_slice_loaded_before_the_close_and_stored_after_it_fills_the_gap_the_close_reported(live_room, store, django_capture_on_commit_callbacks):
    """The chair's own slice retried after a server restart: its request loaded the take while the room was live,
    the chair closed the room (the close closed the take and named the missing slice as a gap), then the slice
    was stored. The gap must go: it is not missing any more."""
    from tiepdan.live import services
    from tiepdan.recordings import ingest
    from tiepdan.recordings.models import Track
    from tests.recordings.ingest_fixtures import body, sha

    track = live_room.open("chair")
    live_room.put(track, 0, who="chair")
    live_room.put(track, 2, who="chair")
    loaded = ingest.track_for_upload(track.pk)  # the retried slice's request, before the close
    with django_capture_on_commit_callbacks(execute=True):
        services.close_room(by=live_room.chair, room=live_room.room)
    assert Track.objects.get(pk=track.pk).gaps == [[1, 1]]

    ingest.ingest_slice(track=loaded, seq=1, data=body(1), sha256_hex=sha(body(1)), client_time_ms=1_700_000_002_000,
                        by_device=live_room.uploader("chair"))
    assert Track.objects.get(pk=track.pk).gaps == []
