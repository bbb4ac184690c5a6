"""The store: a write that returned is whole (data directory: fsynced and renamed; S3: checksummed by the store)."""
from __future__ import annotations


import pytest
from django.core.files.base import ContentFile

from tests.recordings.ingest_fixtures import *  # noqa: F403


def test_the_store_keeps_reads_lists_and_deletes(store, tmp_path):
    store.put_atomic("recordings/1/tracks/2/000000-a.webm", b"first")
    store.put_atomic("recordings/1/tracks/2/000000-a.webm", b"second")  # replaced whole
    source = tmp_path / "joined.webm"
    source.write_bytes(b"x" * 300_000)
    store.put_file("recordings/1/points/3.webm", source)
    assert store.read("recordings/1/tracks/2/000000-a.webm") == b"second"
    assert store.exists("recordings/1/points/3.webm") and store.size("recordings/1/points/3.webm") == 300_000
    assert list(store.keys("recordings/1/")) == ["recordings/1/points/3.webm", "recordings/1/tracks/2/000000-a.webm"]
    path = store.local_path("recordings/1/points/3.webm")
    assert path.read_bytes() == source.read_bytes()  # a real file for ffmpeg (downloaded to the cache from S3)
    with store.open("recordings/1/tracks/2/000000-a.webm") as f:
        assert f.read() == b"second"
    store.delete("recordings/1/points/3.webm")
    assert not store.exists("recordings/1/points/3.webm")


def test_a_key_cannot_leave_the_store(store):
    for key in ("../escape", "/etc/passwd", "a/../../b", "", "a//b"):
        with pytest.raises(ValueError):
            store.put_atomic(key, b"x")


def test_model_files_are_named_by_their_store_key(store, live_room):
    from tiepdan.recordings.models import Recording

    recording = Recording.objects.get(room=live_room.room)
    recording.manifest.save(f"recordings/{recording.pk}/manifest.json", ContentFile(b'{"ok": true}'), save=True)
    recording.refresh_from_db()
    assert recording.manifest.name == f"recordings/{recording.pk}/manifest.json"
    assert store.read(recording.manifest.name) == b'{"ok": true}'
    with recording.manifest.open("rb") as f:
        assert f.read() == b'{"ok": true}'


def test_a_failed_local_write_leaves_the_old_content_and_no_temporary_file(settings, tmp_path, monkeypatch):
    import os

    from tiepdan.recordings.storage import get_store

    settings.RECORDINGS_STORAGE, settings.RECORDINGS_LOCAL_DIR = "local", tmp_path / "rec"
    store = get_store()
    store.put_atomic("recordings/9/x.webm", b"kept")

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError):
        store.put_atomic("recordings/9/x.webm", b"lost")
    monkeypatch.undo()
    assert store.read("recordings/9/x.webm") == b"kept"
    assert sorted(p.name for p in (tmp_path / "rec" / "recordings" / "9").iterdir()) == ["x.webm"]


def test_s3_keeps_every_version_of_an_object(settings, tmp_path, moto_server):
    import boto3

    from tiepdan.recordings import storage

    client = boto3.client("s3", endpoint_url=moto_server, aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    client.create_bucket(Bucket="tiepdan-versions")
    settings.RECORDINGS_STORAGE, settings.RECORDINGS_S3_BUCKET, settings.RECORDINGS_S3_ENDPOINT_URL = "s3", "tiepdan-versions", moto_server
    settings.RECORDINGS_S3_ACCESS_KEY_ID = settings.RECORDINGS_S3_SECRET_ACCESS_KEY = "testing"
    settings.RECORDINGS_S3_REGION, settings.RECORDINGS_S3_CACHE_DIR = "us-east-1", tmp_path / "cache"
    store = storage.get_store()
    store.put_atomic("recordings/1/a.webm", b"one")
    store.put_atomic("recordings/1/a.webm", b"two")
    assert client.get_bucket_versioning(Bucket="tiepdan-versions")["Status"] == "Enabled"
    versions = client.list_object_versions(Bucket="tiepdan-versions", Prefix="recordings/1/a.webm")["Versions"]
    assert len(versions) == 2  # the first body is still there

