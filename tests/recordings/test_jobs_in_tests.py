"""A room closed in a test queues its recording's finishing job in memory, not in the developer's job file
(``DATA_DIR/jobs.sqlite3``, which a ``run_huey`` consumer would then work through); and finishing a recording
that never received a slice ends cleanly."""
from __future__ import annotations

import pytest

from tests.recordings.ingest_fixtures import *  # noqa: F403


@pytest.fixture
def local_store(settings, tmp_path):
    from tiepdan.recordings.storage import get_store

    settings.RECORDINGS_STORAGE, settings.RECORDINGS_LOCAL_DIR = "local", tmp_path / "rec"
    return get_store()


def _close(live_room, django_capture_on_commit_callbacks):
    from tiepdan.live import services
    from tiepdan.recordings.models import Recording

    with django_capture_on_commit_callbacks(execute=True):
        services.close_room(by=live_room.chair, room=live_room.room)
    return Recording.objects.get(room=live_room.room)


def test_closing_a_room_in_a_test_queues_its_finishing_in_memory_not_in_the_data_directory(live_room, local_store, django_capture_on_commit_callbacks):
    from huey.contrib.djhuey import HUEY
    from huey.storage import SqliteStorage

    HUEY.flush()  # the in-memory queue is the whole run's: earlier tests' rooms (their ids reused) queued theirs
    recording = _close(live_room, django_capture_on_commit_callbacks)
    assert recording.state == "finishing"
    assert not isinstance(HUEY.storage, SqliteStorage), "the test run would write into DATA_DIR/jobs.sqlite3"
    waiting = [t for t in HUEY.scheduled() if t.name.endswith("finish_recording") and t.args == (recording.pk,)]
    assert len(waiting) == 1, "queued after the late-slice window, and not run in the test"


def test_a_recording_without_a_single_slice_finishes_with_nothing_to_play(live_room, local_store, django_capture_on_commit_callbacks, test_signer):
    from tiepdan.recordings.tasks import finish_recording

    recording = _close(live_room, django_capture_on_commit_callbacks)
    assert finish_recording.call_local(recording.pk) == "finished"
    recording.refresh_from_db()
    assert recording.point_files.count() == 0 and recording.manifest_sha256
    assert finish_recording.call_local(recording.pk) == "finished"   # again: nothing changes
