"""Taking slices in (recordings.ingest): nothing acknowledged lost, nothing stored twice, nothing from the wrong browser.

Each test that stores runs on both stores: the data directory and S3 over HTTP (moto's server on loopback).
"""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.recordings.ingest_fixtures import *  # noqa: F403
from tests.recordings.ingest_fixtures import body, sha


def _nothing_written(track, store):
    from tiepdan.recordings.models import Slice

    assert not Slice.objects.filter(track=track).exists()
    assert list(store.keys(f"recordings/{track.recording_id}/")) == []


def test_slices_out_of_order_are_all_kept_and_no_gap_remains(live_room, store):
    from tiepdan.recordings import selectors
    from tiepdan.recordings.models import Slice

    track = live_room.open()
    for seq in (2, 0, 3, 1):
        assert live_room.put(track, seq).stored
    assert selectors.missing_ranges(track) == []
    assert selectors.next_seq(track) == 4
    for s in Slice.objects.filter(track=track):
        assert store.read(s.storage_key) == body(s.seq) and sha(store.read(s.storage_key)) == s.sha256
    track.refresh_from_db()
    assert (track.slices_count, track.last_seq, track.bytes_total) == (4, 3, 4 * 2000)
    # The take starts at its first slice's time, moved onto the server's clock by the offset measured at open.
    assert track.started_at == dt.datetime.fromtimestamp((1_700_000_000_000 + track.clock_offset_ms) / 1000, tz=dt.timezone.utc)


def test_a_repeated_slice_is_acknowledged_and_stored_once(live_room, store):
    from tiepdan.recordings.models import Slice

    track = live_room.open()
    first = live_room.put(track, 0)
    again = live_room.put(track, 0)
    assert first.stored and again.duplicate and again.sha256 == first.sha256
    assert Slice.objects.filter(track=track).count() == 1
    assert len(list(store.keys(f"recordings/{track.recording_id}/"))) == 1
    track.refresh_from_db()
    assert track.slices_count == 1 and track.bytes_total == 2000


def test_a_missing_slice_is_reported_on_the_take_and_the_recording_when_it_closes(live_room, store):
    from tiepdan.recordings import ingest, selectors

    track = live_room.open()
    for seq in (0, 1, 4):
        live_room.put(track, seq)
    assert selectors.missing_ranges(track) == [[2, 3]]
    closed = ingest.close_take(track=ingest.track_for_upload(track.pk), last_seq=6, by=live_room.uploader("hall1"))
    assert closed.gaps == [[2, 3], [5, 6]]
    closed.recording.refresh_from_db()
    assert closed.recording.problems == [f"Thiếu đoạn ghi hình 2–3, 5–6 của điểm cầu {live_room.hall1} (trình duyệt của chính điểm cầu, lượt ghi {str(track.take)[:8]})."]
    # Sent again after a reload, a missing slice fills its gap; the sentence follows.
    live_room.put(track, 2)
    live_room.put(track, 3)
    track.refresh_from_db()
    assert track.gaps == [[5, 6]]
    track.recording.refresh_from_db()
    assert "5–6" in track.recording.problems[0] and "2–3" not in track.recording.problems[0]


def test_a_wrong_hash_is_refused_and_nothing_is_written(live_room, store):
    from tiepdan.core.models import AuditEntry
    from tiepdan.recordings.ingest import UploadRefused

    track = live_room.open()
    with pytest.raises(UploadRefused, match="không khớp") as refused:
        live_room.put(track, 0, claimed=sha(b"another body"))
    assert refused.value.status == 400
    _nothing_written(track, store)
    assert AuditEntry.objects.filter(action="recordings.upload_refused", object_id=str(track.pk)).exists()


def test_the_same_number_with_another_body_is_refused_and_the_first_stays(live_room, store):
    from tiepdan.core.models import AuditEntry
    from tiepdan.recordings.ingest import UploadRefused
    from tiepdan.recordings.models import Slice

    track = live_room.open()
    live_room.put(track, 0)
    with pytest.raises(UploadRefused, match="nội dung khác") as refused:
        live_room.put(track, 0, b"a different slice 0")
    assert refused.value.status == 409
    kept = Slice.objects.get(track=track, seq=0)
    assert kept.sha256 == sha(body(0)) and store.read(kept.storage_key) == body(0)
    assert list(store.keys(f"recordings/{track.recording_id}/")) == [kept.storage_key]
    entry = AuditEntry.objects.get(action="recordings.slice_conflict")
    assert entry.changes["stored_sha256"] == sha(body(0))


def test_slices_are_not_audited_one_by_one_but_the_take_is(live_room, store):
    from tiepdan.core.models import AuditEntry
    from tiepdan.recordings import ingest

    before = AuditEntry.objects.count()
    track = live_room.open()
    for seq in range(5):
        live_room.put(track, seq)
    ingest.close_take(track=ingest.track_for_upload(track.pk), last_seq=4, by=live_room.uploader("hall1"))
    assert list(AuditEntry.objects.filter(pk__gt=0).order_by("pk").values_list("action", flat=True))[before:] == ["recordings.track_open", "recordings.track_close"]


def test_another_points_browser_may_not_record_this_point(live_room, store):
    from tiepdan.recordings.ingest import UploadRefused
    from tiepdan.recordings.models import Track

    # Hall 2's browser, and the chair's, may not open a take of hall 1's own stream ...
    for who in ("hall2", "chair"):
        with pytest.raises(UploadRefused) as refused:
            live_room.open(who, point=live_room.hall1)
        assert refused.value.status == 403
    assert not Track.objects.exists()
    # ... nor send slices into hall 1's take.
    track = live_room.open()
    with pytest.raises(UploadRefused, match="không phải của trình duyệt này"):
        live_room.put(track, 0, who="chair")
    _nothing_written(track, store)


def test_the_central_browser_records_its_copy_of_an_admitted_point_but_not_of_one_in_the_lobby(live_room, store):
    from tiepdan.recordings.ingest import UploadRefused

    relay = live_room.open("chair", point=live_room.hall1, source="relay")
    assert live_room.put(relay, 0, who="chair").stored
    with pytest.raises(UploadRefused, match="chưa được cho vào phiên"):
        live_room.open("chair", point=live_room.hall2, source="relay")
    with pytest.raises(UploadRefused):  # a hall's browser is not the central point's
        live_room.open("hall1", point=live_room.hall1, source="relay")


def test_a_point_in_the_lobby_is_not_recorded(live_room, store):
    from tiepdan.recordings.ingest import UploadRefused
    from tiepdan.recordings.models import Track

    with pytest.raises(UploadRefused, match="chưa được cho vào phiên"):
        live_room.open("hall2")
    assert not Track.objects.exists()


def test_a_removed_point_is_refused_from_then_on(live_room, store):
    from tiepdan.live import services
    from tiepdan.recordings.ingest import UploadRefused

    track = live_room.open()
    live_room.put(track, 0)
    services.remove(by=live_room.chair, point=live_room.hall1, reason="Gây mất trật tự")
    with pytest.raises(UploadRefused, match="mời ra") as refused:
        live_room.put(track, 1)
    assert refused.value.status == 403
    assert list(track.slices.values_list("seq", flat=True)) == [0]
    assert len(list(store.keys(f"recordings/{track.recording_id}/"))) == 1


def test_a_revoked_join_link_stops_the_upload(live_room, store):
    from tiepdan.live import services
    from tiepdan.recordings.ingest import UploadRefused

    track = live_room.open()
    services.revoke_join_link(by=live_room.chair, link=live_room.hall1_link, reason="Máy bị mất")
    with pytest.raises(UploadRefused, match="thu hồi"):
        live_room.put(track, 0)
    _nothing_written(track, store)


def test_a_room_not_live_takes_no_recording(make_session, official, store):
    from tiepdan.live import services
    from tiepdan.recordings import ingest
    from tiepdan.recordings.models import Recording

    chair = official("bantcd")
    room = services.open_room(by=chair, session=make_session(communes=1))
    central = room.central_point()
    services.device_connected(point=central, channel_name="chair", user=chair, device_key="chair-console-browser-0001")
    by = ingest.Uploader.from_device_key("chair-console-browser-0001", user=chair)
    with pytest.raises(ingest.UploadRefused, match="chưa bắt đầu"):
        ingest.open_track(room=room, point=central, source="own", take="7b0c6a3e-3f51-4c0f-9d51-2d6f0f7d1a01", mime_type="video/webm", client_now_ms=None, by=by)
    assert not Recording.objects.filter(room=room).exists()


def test_after_the_close_only_the_last_slices_within_the_grace_are_taken(live_room, store, settings, django_capture_on_commit_callbacks):
    from tiepdan.live import services
    from tiepdan.live.models import LiveRoom
    from tiepdan.recordings.ingest import UploadRefused

    track = live_room.open()
    live_room.put(track, 0)
    with django_capture_on_commit_callbacks(execute=False):
        services.close_room(by=live_room.chair, room=live_room.room)
    assert live_room.put(track, 1).stored  # the slice cut when the chair closed
    LiveRoom.objects.filter(pk=live_room.room.pk).update(closed_at=timezone.now() - dt.timedelta(seconds=settings.RECORDINGS_LATE_SLICE_S + 1))
    with pytest.raises(UploadRefused, match="đã kết thúc"):
        live_room.put(track, 2)
    with pytest.raises(UploadRefused, match="đã kết thúc"):
        live_room.open()


def test_an_oversized_or_empty_slice_is_refused(live_room, store, settings):
    from tiepdan.recordings.ingest import UploadRefused

    settings.RECORDINGS_MAX_SLICE_BYTES = 1000
    track = live_room.open()
    with pytest.raises(UploadRefused, match="vượt quá giới hạn 1.000 byte") as refused:
        live_room.put(track, 0, body(0, 1001))
    assert refused.value.status == 413
    with pytest.raises(UploadRefused, match="rỗng"):
        live_room.put(track, 0, b"")
    _nothing_written(track, store)
    assert live_room.put(track, 0, body(0, 1000)).stored


def test_a_number_far_beyond_what_was_received_is_refused(live_room, store, settings):
    from tiepdan.recordings.ingest import UploadRefused

    settings.RECORDINGS_MAX_SEQ_AHEAD = 10
    track = live_room.open()
    assert live_room.put(track, 10).stored
    with pytest.raises(UploadRefused, match="vượt quá xa"):
        live_room.put(track, 21)
    assert list(track.slices.values_list("seq", flat=True)) == [10]


def test_the_slice_is_on_disk_before_it_is_acknowledged(live_room, settings, tmp_path, monkeypatch):
    import os

    from tiepdan.recordings.models import Slice

    settings.RECORDINGS_STORAGE, settings.RECORDINGS_LOCAL_DIR = "local", tmp_path / "rec"
    track = live_room.open()
    order = []
    real_fsync, real_replace, real_create = os.fsync, os.replace, Slice.objects.create

    def fsync(fd):
        order.append("fsync-dir" if os.path.isdir(os.readlink(f"/proc/self/fd/{fd}")) else "fsync-file")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", lambda a, b: (order.append("rename"), real_replace(a, b))[1])
    monkeypatch.setattr(Slice.objects, "create", lambda **kw: (order.append("row"), real_create(**kw))[1])
    live_room.put(track, 0)
    order.append("ack")
    assert order[-5:] == ["fsync-file", "rename", "fsync-dir", "row", "ack"]


def test_opening_the_same_take_again_finds_the_same_track(live_room, store):
    from tiepdan.recordings.ingest import UploadRefused

    track = live_room.open()
    assert live_room.open(take=track.take).pk == track.pk
    with pytest.raises(UploadRefused, match="luồng khác") as refused:
        live_room.open("chair", point=live_room.hall1, source="relay", take=track.take)
    assert refused.value.status == 409
