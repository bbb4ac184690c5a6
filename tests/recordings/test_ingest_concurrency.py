"""Uploads that race and a server that restarts: nothing stored twice, nothing acknowledged lost (SQLite and PostgreSQL)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection

from tests.recordings.ingest_fixtures import *  # noqa: F403
from tests.recordings.ingest_fixtures import body, sha

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same_body", [True, False], ids=["same-body", "other-body"])
def test_two_uploads_of_one_number_at_once_store_it_once(live_room, settings, tmp_path, monkeypatch, same_body):
    from tiepdan.recordings.ingest import UploadRefused
    from tiepdan.recordings.models import Slice
    from tiepdan.recordings.storage import LocalStore, get_store

    settings.RECORDINGS_STORAGE, settings.RECORDINGS_LOCAL_DIR = "local", tmp_path / "rec"
    track = live_room.open()
    # Both requests pass the "already stored?" check before either writes: the database's unique (track, seq) decides.
    barrier = threading.Barrier(2, timeout=20)
    real_put = LocalStore.put_atomic

    def put_after_both_checked(self, key, data):
        barrier.wait()
        return real_put(self, key, data)

    monkeypatch.setattr(LocalStore, "put_atomic", put_after_both_checked)
    bodies = [body(0), body(0) if same_body else b"another slice zero, from a confused client"]
    results: list = [None, None]

    def upload(i):
        try:
            results[i] = live_room.put(track, 0, bodies[i])
        except UploadRefused as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)

    stored = Slice.objects.get(track=track, seq=0)
    keys = list(get_store().keys(f"recordings/{track.recording_id}/"))
    assert keys == [stored.storage_key] and sha(get_store().read(stored.storage_key)) == stored.sha256
    if same_body:
        assert sorted(r.stored for r in results) == [False, True]
    else:
        refused = [r for r in results if isinstance(r, UploadRefused)]
        assert len(refused) == 1 and refused[0].status == 409
        winner = next(r for r in results if not isinstance(r, UploadRefused))
        assert winner.stored and winner.sha256 == stored.sha256


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_every_slice_acknowledged_before_a_restart_is_found_by_the_next_process(live_room, settings, tmp_path):
    settings.RECORDINGS_STORAGE, settings.RECORDINGS_LOCAL_DIR = "local", tmp_path / "rec"
    track = live_room.open()
    acknowledged = [seq for seq in (0, 1, 2, 4, 5) if live_room.put(track, seq).stored]

    code = (
        "import json; from tiepdan.recordings import selectors; from tiepdan.recordings.models import Track; "
        "from tiepdan.recordings.storage import get_store; import hashlib; "
        f"t = Track.objects.get(pk={track.pk}); store = get_store(); "
        "print(json.dumps({'missing': selectors.missing_ranges(t), 'next': selectors.next_seq(t), "
        "'whole': [s.seq for s in t.slices.all() if hashlib.sha256(store.read(s.storage_key)).hexdigest() == s.sha256]}))"
    )
    env = {**os.environ, "DATABASE_URL": _database_url(), "RECORDINGS_LOCAL_DIR": str(tmp_path / "rec"), "RECORDINGS_STORAGE": "local"}
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {"missing": [[3, 3]], "next": 6, "whole": acknowledged}
