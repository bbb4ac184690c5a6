"""A live room ready to be recorded, and the two stores (data directory; S3 over HTTP on loopback) the ingest tests run on.

Import the fixtures into a test module: ``from tests.recordings.ingest_fixtures import *  # noqa: F403``.
"""
from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

import pytest

from tests.conftest import _free_port
from tests.live.conftest import make_session  # noqa: F401  (fixture)

CHAIR_KEY = "chair-console-browser-0001"
HALL1_KEY = "hall-one-browser-00000001"
HALL2_KEY = "hall-two-browser-00000002"
MIME = "video/webm;codecs=vp8,opus"

__all__ = ["make_session", "moto_server", "store", "live_room", "Room", "body", "sha", "CHAIR_KEY", "HALL1_KEY", "HALL2_KEY", "MIME"]


def body(n: int, size: int = 2000) -> bytes:
    """A slice's bytes, different for each ``n``."""
    return (f"slice-{n}-".encode() * (size // 8 + 1))[:size]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="session")
def moto_server():
    """A real S3-protocol server (moto's server mode) on a free loopback port, for the whole run."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture(params=["local", "s3"])
def store(request, settings, tmp_path):
    """The store the settings name: the data directory (under tmp_path), or a fresh bucket on the moto server."""
    from tiepdan.recordings.storage import get_store

    if request.param == "local":
        settings.RECORDINGS_STORAGE = "local"
        settings.RECORDINGS_LOCAL_DIR = tmp_path / "recordings"
    else:
        import boto3

        endpoint = request.getfixturevalue("moto_server")
        bucket = f"tiepdan-{uuid.uuid4().hex[:12]}"
        boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="testing", aws_secret_access_key="testing",
                     region_name="us-east-1").create_bucket(Bucket=bucket)
        settings.RECORDINGS_STORAGE = "s3"
        settings.RECORDINGS_S3_BUCKET = bucket
        settings.RECORDINGS_S3_ENDPOINT_URL = endpoint
        settings.RECORDINGS_S3_ACCESS_KEY_ID = "testing"
        settings.RECORDINGS_S3_SECRET_ACCESS_KEY = "testing"
        settings.RECORDINGS_S3_REGION = "us-east-1"
        settings.RECORDINGS_S3_CACHE_DIR = tmp_path / "cache"
    return get_store()


@dataclass
class Room:
    room: object
    chair: object
    central: object
    hall1: object
    hall2: object
    hall1_link: object
    hall2_link: object

    def uploader(self, who: str):
        """``chair`` (the official at the central console), ``hall1`` (admitted, on its join link), ``hall2`` (in the lobby)."""
        from tiepdan.recordings.ingest import Uploader

        if who == "chair":
            return Uploader.from_device_key(CHAIR_KEY, user=self.chair)
        if who == "hall1":
            return Uploader.from_device_key(HALL1_KEY, link_ids={str(self.hall1.pk): self.hall1_link.pk})
        return Uploader.from_device_key(HALL2_KEY, link_ids={str(self.hall2.pk): self.hall2_link.pk})

    def open(self, who: str = "hall1", *, point=None, source: str = "own", take=None):
        from tiepdan.recordings import ingest

        point = point or (self.hall1 if who == "hall1" else self.central if who == "chair" else self.hall2)
        point.refresh_from_db()
        self.room.refresh_from_db()
        track, _ = ingest.open_track(room=self.room, point=point, source=source, take=take or uuid.uuid4(), mime_type=MIME,
                                     client_now_ms=1_700_000_000_000, by=self.uploader(who))
        return track

    def put(self, track, seq: int, data: bytes | None = None, *, who: str = "hall1", claimed: str | None = None):
        from tiepdan.recordings import ingest

        data = body(seq) if data is None else data
        fresh = ingest.track_for_upload(track.pk)
        return ingest.ingest_slice(track=fresh, seq=seq, data=data, sha256_hex=sha(data) if claimed is None else claimed,
                                   client_time_ms=1_700_000_000_000 + 2000 * seq, by_device=self.uploader(who))


@pytest.fixture
def live_room(make_session, official, django_capture_on_commit_callbacks, monkeypatch):  # noqa: F811
    """A live room of two communes: the chair's console holds the central point's media; hall 1 (join link) is
    admitted and holds its media; hall 2 (join link) waits in the lobby. The recording started with the room
    (its hook run on commit; the pushes to browsers, which none are connected to, are left out)."""
    from tiepdan.live import realtime, services

    monkeypatch.setattr(realtime, "push_snapshot", lambda *a, **k: None)
    monkeypatch.setattr(realtime, "push_devices", lambda *a, **k: None)

    chair = official("bantcd")
    room = services.open_room(by=chair, session=make_session(communes=2))
    central = room.central_point()
    hall1, hall2 = list(room.points.filter(role="component").order_by("pk"))
    services.device_connected(point=central, channel_name="chair", user=chair, device_key=CHAIR_KEY)
    links = []
    for hall, key in ((hall1, HALL1_KEY), (hall2, HALL2_KEY)):
        link, token = services.issue_join_link(by=chair, point=hall)
        services.redeem_join_link(token=token, device_key=key)
        services.device_connected(point=hall, channel_name=f"hall-{hall.pk}", link_id=link.pk, device_key=key)
        links.append(link)
    hall1.refresh_from_db()
    services.admit(by=chair, point=hall1)
    with django_capture_on_commit_callbacks(execute=True):
        room = services.start_session(by=chair, room=room)
    for p in (central, hall1, hall2):
        p.refresh_from_db()
    return Room(room=room, chair=chair, central=central, hall1=hall1, hall2=hall2, hall1_link=links[0], hall2_link=links[1])
