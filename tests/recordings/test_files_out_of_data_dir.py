"""A recordings test that names no store writes nothing into the developer's data directory."""
from __future__ import annotations

from pathlib import Path

from tests.recordings.ingest_fixtures import *  # noqa: F403
from tests.recordings.ingest_fixtures import body, sha


def test_a_slice_taken_in_a_test_lies_outside_the_data_directory(live_room, settings):
    from tiepdan.recordings import ingest
    from tiepdan.recordings.storage import get_store

    track = live_room.open()
    live_room.put(track, 0)
    key = ingest.slice_key(track, 0, sha(body(0)))
    path = Path(get_store().local_path(key)).resolve()
    assert path.is_file()
    data_dir = Path(settings.DATA_DIR).resolve()
    for where in (path, Path(settings.RECORDINGS_S3_CACHE_DIR), Path(settings.JANUS_REC_DIR)):
        assert not where.resolve().is_relative_to(data_dir), f"{where} is under {data_dir}"
