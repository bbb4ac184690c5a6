"""A database too busy to take a slice's row answers "not kept yet, send again" (503), never a bare 500,
and acknowledges nothing: the slice is not recorded, and the retry stores it."""
import pytest
from django.db import OperationalError

from tests.recordings.ingest_fixtures import *  # noqa: F403


def test_a_busy_database_refuses_the_slice_for_a_retry_and_the_retry_keeps_it(live_room, store, monkeypatch):
    from tiepdan.recordings import ingest
    from tiepdan.recordings.models import Slice

    track = live_room.open()
    real_create = Slice.objects.create

    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(Slice.objects, "create", locked)
    with pytest.raises(ingest.UploadRefused) as refused:
        live_room.put(track, 0)
    assert refused.value.status == 503
    assert "gửi lại" in str(refused.value)
    assert not Slice.objects.filter(track=track).exists()

    monkeypatch.setattr(Slice.objects, "create", real_create)
    assert live_room.put(track, 0).stored
    assert Slice.objects.filter(track=track, seq=0).count() == 1
