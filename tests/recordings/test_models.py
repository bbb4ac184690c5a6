"""The recording follows the room (live.hooks), its rows hold their invariants in the database, and its rules."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.recordings.ingest_fixtures import *  # noqa: F403


def test_the_recording_starts_with_the_room_for_the_provinces_period_and_nobody_switches_it_off(live_room):
    from tiepdan.live import services
    from tiepdan.live.models import EventKind
    from tiepdan.recordings import rules
    from tiepdan.recordings.models import Recording

    recording = Recording.objects.get(room=live_room.room)
    assert recording.state == "recording" and recording.get_state_display() == "Đang ghi hình"
    assert recording.retention_until == rules.retention_until(timezone.localdate(recording.started_at), 20)
    assert recording.jurisdiction_path == live_room.room.province_committee.path
    live_room.room.refresh_from_db()
    assert live_room.room.recording is True
    assert live_room.room.events.filter(kind=EventKind.RECORDING, data__on=True).count() == 1
    with pytest.raises(services.LiveError, match="Không thể tắt ghi hình"):
        services.set_recording(by=live_room.chair, room=live_room.room, on=False)


def test_a_provinces_own_retention_applies_to_recordings_made_after_it(make_session, official, demo, django_capture_on_commit_callbacks, monkeypatch):
    from tiepdan.live import realtime, services
    from tiepdan.recordings.models import Recording, RetentionPolicy

    monkeypatch.setattr(realtime, "push_snapshot", lambda *a, **k: None)
    RetentionPolicy.objects.create(province_committee=demo["committee"], years=10, basis="Danh mục thời hạn lưu trữ của tỉnh")
    chair = official("bantcd")
    room = services.open_room(by=chair, session=make_session(communes=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.start_session(by=chair, room=room)
    recording = Recording.objects.get(room=room)
    started = timezone.localdate(recording.started_at)
    assert recording.retention_until.year == started.year + 10


def test_closing_the_room_ends_the_recording_and_its_open_takes(live_room, store, django_capture_on_commit_callbacks):
    from tiepdan.live import services
    from tiepdan.live.models import EventKind
    from tiepdan.recordings.models import Recording

    track = live_room.open()
    live_room.put(track, 0)
    live_room.put(track, 2)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.close_room(by=live_room.chair, room=live_room.room)
    recording = Recording.objects.get(room=live_room.room)
    assert recording.state == "finishing" and recording.ended_at is not None and recording.bytes_total == 4000
    track.refresh_from_db()
    assert track.closed_at is not None and track.gaps == [[1, 1]]
    assert recording.problems and "Thiếu đoạn ghi hình 1 " in recording.problems[0]
    live_room.room.refresh_from_db()
    assert live_room.room.recording is False
    assert list(live_room.room.events.filter(kind=EventKind.RECORDING).values_list("data__on", flat=True)) == [True, False]
    assert callbacks  # the finishing job was queued after the commit


def test_one_slice_per_number_and_one_track_per_take_in_the_database(live_room):
    from tiepdan.recordings.models import Slice, Track

    track = live_room.open()
    Slice.objects.create(track=track, seq=0, sha256="0" * 64, size_bytes=1, received_at=timezone.now(), storage_key="k0")
    with pytest.raises(IntegrityError), transaction.atomic():
        Slice.objects.create(track=track, seq=0, sha256="1" * 64, size_bytes=1, received_at=timezone.now(), storage_key="k1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Track.objects.create(recording=track.recording, point=live_room.central, source="own", take=track.take, mime_type="video/webm")
    assert str(track).startswith(f"Lượt ghi {str(track.take)[:8]} của {live_room.hall1}")


def test_missing_ranges_names_every_gap_from_zero_to_the_last():
    from tiepdan.recordings.rules import missing_ranges

    assert missing_ranges([], None) == []
    assert missing_ranges([0, 1, 2], 2) == []
    assert missing_ranges([2, 0, 5], 6) == [[1, 1], [3, 4], [6, 6]]
    assert missing_ranges([], 3) == [[0, 3]]


def test_seq_problem_refuses_negative_and_far_ahead_numbers():
    from tiepdan.recordings.rules import seq_problem

    assert seq_problem(0, highest=None, max_ahead=10) is None
    assert "từ 0" in seq_problem(-1, highest=None, max_ahead=10)
    assert seq_problem(15, highest=5, max_ahead=10) is None
    assert "vượt quá xa" in seq_problem(16, highest=5, max_ahead=10)


def test_slice_size_problem_refuses_empty_and_oversized_slices():
    from tiepdan.recordings.rules import slice_size_problem

    assert slice_size_problem(1000, limit_bytes=1000) is None
    assert "rỗng" in slice_size_problem(0, limit_bytes=1000)
    assert "1.001 byte vượt quá giới hạn 1.000 byte" in slice_size_problem(1001, limit_bytes=1000)


def test_slice_extension_follows_the_recorders_format():
    from tiepdan.recordings.rules import slice_extension

    assert slice_extension("video/webm;codecs=vp8,opus") == "webm"
    assert slice_extension("video/mp4") == "mp4"
    assert slice_extension("text/html") == "bin"


def test_retention_ends_never_a_day_early():
    from tiepdan.recordings.rules import retention_until

    assert retention_until(dt.date(2026, 7, 15), 20) == dt.date(2046, 7, 15)
    assert retention_until(dt.date(2028, 2, 29), 1) == dt.date(2029, 3, 1)
