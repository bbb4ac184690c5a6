"""Janus mode: the server records every publisher (``record`` on, a folder per room under the data dir), and
finishing turns its .mjr files into the point's file (janus-pp-rec, then ffmpeg without re-encoding)."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import secrets
import time
from pathlib import Path

import pytest
from django.utils import timezone

from tests.conftest import require_tool
from tests.live.sfu_fixtures import janus  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)

PUBLISH_S = 4.0


def _publish_for(janus_process, credentials, point_id: int, seconds: float) -> None:
    """Join as the point, publish a tone and a picture for ``seconds`` with what a browser is given, then leave."""
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription, VideoStreamTrack

    from tests.live.mute_peer import _tone_track
    from tests.live.sfu_helpers import browser_like_client, join_as_publisher
    from tiepdan.live.janus.client import JanusUnavailable, _post

    ctx, handle, _ = join_as_publisher(janus_process, credentials, point_id)
    client = browser_like_client(janus_process, credentials)

    async def run():
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        pc.addTrack(_tone_track())
        pc.addTrack(VideoStreamTrack())
        await pc.setLocalDescription(await pc.createOffer())
        transaction = secrets.token_hex(6)
        await asyncio.to_thread(_post, f"{client.http_url}{handle.path}", {
            "janus": "message", "transaction": transaction, "token": credentials["token"],
            "body": {"request": "publish", "audiocodec": "opus", "videocodec": "vp8"}, "jsep": {"type": "offer", "sdp": pc.localDescription.sdp},
        }, 10)
        answer, deadline = None, time.monotonic() + 20
        while answer is None and time.monotonic() < deadline:
            try:
                events = await asyncio.to_thread(client.poll, handle.session_id, timeout_s=2)
            except JanusUnavailable:
                continue
            answer = next((e["jsep"] for e in events if e.get("transaction") == transaction and e.get("jsep")), None)
        assert answer, "Janus never answered the publish"
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type=answer["type"]))
        deadline = time.monotonic() + 20
        while pc.connectionState != "connected" and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        # aiortc offers this machine's own addresses, where Janus answers too (its candidates are not on loopback).
        assert pc.connectionState == "connected", f"ICE/DTLS with Janus: {pc.connectionState}, {pc.iceConnectionState}"
        await asyncio.sleep(seconds)
        await pc.close()

    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(run())
    finally:
        loop.close()
        ctx.__exit__(None, None, None)


def test_the_servers_recording_becomes_the_points_file_with_picture_and_sound(demo, janus, settings, tmp_path, test_signer):
    from tests.live.sfu_helpers import room_with_points
    from tiepdan.live import services
    from tiepdan.live.backends.janus import JanusBackend
    from tiepdan.recordings import finishing, integrity, media
    from tiepdan.recordings.janus_recording import room_rec_dir
    from tiepdan.recordings.models import Recording

    require_tool("janus-pp-rec", "janus-tools")
    settings.RECORDINGS_LOCAL_DIR = tmp_path / "store"
    room, chair = room_with_points(demo, components=1)
    assert room.backend == "janus"
    point = room.points.get(role="component")
    services.admit(by=chair, point=point)
    services.give_floor(by=chair, point=point)  # its microphone open: Janus forwards (and records) its sound
    started = timezone.now()
    credentials = JanusBackend().credentials_for(room, point)
    time.sleep(1.0)  # the point begins publishing a second after the recording started
    _publish_for(janus, credentials, point.pk, PUBLISH_S)

    files = sorted(p.name for p in room_rec_dir(room).iterdir())
    assert any("-audio-" in f for f in files) and any("-video-" in f for f in files), files
    recording = Recording.objects.create(room=room, state="finishing", started_at=started, ended_at=timezone.now(),
                                         retention_until=timezone.localdate() + dt.timedelta(days=3650))
    recording = finishing.finish(recording, compose=False)
    assert recording.state == "finished", recording.problems
    assert recording.tracks.filter(point=point).count() == 1, (files, recording.problems)
    track = recording.tracks.get(point=point)
    assert track.source == "server" and track.slices.count() == 2  # the two .mjr originals, kept and hashed
    row = recording.point_files.get(point=point)
    from tiepdan.recordings.storage import get_store

    info = media.probe(get_store().local_path(row.file.name))
    assert info.video is not None and info.audio is not None and info.has_cues
    assert info.duration_s == pytest.approx(PUBLISH_S, abs=1.5)
    assert row.offset_s == pytest.approx(1.0, abs=1.5)  # on the server's clock, after the recording started
    document = json.loads(get_store().read(recording.manifest.name))
    [take] = [p for p in document["points"] if p["id"] == point.pk][0]["takes"]
    assert take["source"] == "server" and all(s["key"].endswith(".mjr") for s in take["slices"])
    assert integrity.verify(recording).ok
    # Finishing again adds no second take for the same publish.
    recording.state = "finishing"
    recording.save(update_fields=["state"])
    finishing.finish(recording, compose=False)
    assert recording.tracks.count() == 1


def test_janus_rooms_are_created_recording_into_their_own_folder_under_the_data_dir(demo, janus, settings):
    from tests.live.sfu_helpers import room_with_points
    from tiepdan.live.backends.janus import JanusBackend, client
    from tiepdan.live.models import JanusRoom
    from tiepdan.recordings.janus_recording import room_rec_dir

    room, chair = room_with_points(demo, components=1)
    JanusBackend().open_room(room)
    janus_room = JanusRoom.objects.get(room=room)
    c = client()
    from tiepdan.live.backends.janus import server_token

    c.add_token(server_token())
    with c.videoroom() as vr:
        [listed] = [r for r in vr.request({"request": "list", "admin_key": janus.cfg.room_admin_key}).get("list", [])
                    if r["room"] == janus_room.room_number]
    assert listed["record"] is True
    assert listed["rec_dir"] == str(room_rec_dir(room)) and room_rec_dir(room).is_relative_to(settings.JANUS_REC_DIR)


def test_each_publish_is_one_take_of_its_streams_and_a_republish_is_another(tmp_path):
    from tiepdan.recordings.janus_recording import publishes

    names = ["videoroom-9-user-4-1000000-audio-0.mjr", "videoroom-9-user-4-1000150-video-1.mjr",  # first publish
             "videoroom-9-user-4-9000000-audio-0.mjr", "videoroom-9-user-4-9000090-video-1.mjr",  # published again later
             "videoroom-9-user-5-1000020-audio-0.mjr", "videoroom-9-user-5-1000030-data-2.mjr", "janus.log"]
    for name in names:
        (tmp_path / name).write_bytes(b"MJR00002 and more")
    found = publishes(tmp_path)
    assert sorted(found) == [(4, 1000000), (4, 9000000), (5, 1000020)]
    assert sorted(found[(4, 1000000)]) == ["audio", "video"] and found[(4, 9000000)]["video"].name == names[3]
    assert list(found[(5, 1000020)]) == ["audio"]  # data channels are not picture or sound


def test_a_recording_folder_janus_would_refuse_is_refused_before_janus_starts(tmp_path):
    from tiepdan.live.janus.config import JanusConfig, render, write

    cfg = JanusConfig(config_dir=tmp_path / "janus", admin_secret="a", rec_dir=Path("/var/lib/tiepdan/recordings/janus"))
    with pytest.raises(ValueError, match="JANUS_REC_DIR .* /var"):
        write(cfg)
    fine = JanusConfig(config_dir=tmp_path / "janus", admin_secret="a", rec_dir=tmp_path / "rec")
    write(fine)
    assert (tmp_path / "rec").is_dir() and '"/var"' in render(fine)["janus.jcfg"]
