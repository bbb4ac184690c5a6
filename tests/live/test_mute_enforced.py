"""The chair's mute holds against a sender that ignores it (Decree 154 Art. 21: a microphone is on only when
the chair gives the floor; issue 15, Security 4).

The muted point is an aiortc peer that joins through our signalling with a hall's join link and keeps
sending a loud tone; the other points are Chromium pages. What counts is what each receiver plays.
"""
from __future__ import annotations

import time

import pytest

from tiepdan.live import services

from .mute_peer import AUDIO_BYTES_JS, PLAYED_LEVEL_JS, DeafToMutePeer, redeem
from .sfu_fixtures import janus  # noqa: F401  (fixture)

SILENCE = 0.01  # RMS of what the element plays; the peer's tone is about 0.35
WINDOW_MS = 1500


@pytest.fixture
def loopback_aiortc(monkeypatch):
    """aiortc offers host candidates on loopback only, where the Chromium pages are (aioice skips loopback itself)."""
    import aioice.ice

    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: ["127.0.0.1"])


def _played(page, point_id) -> float | None:
    return page.evaluate(PLAYED_LEVEL_JS, [str(point_id), WINDOW_MS])


def _wait_level(page, point_id, *, loud: bool, timeout_s: float = 60) -> float:
    deadline = time.monotonic() + timeout_s
    level = None
    while time.monotonic() < deadline:
        level = _played(page, point_id)
        if level is not None and (level > 0.1 if loud else level < SILENCE):
            return level
        page.wait_for_timeout(300)
    raise AssertionError(f"{page.url}: the peer's audio level stayed at {level} (expected {'the tone' if loud else 'silence'})")


def _wait_audio_arriving(page, timeout_s: float = 60) -> None:
    """The tone does reach this page (bytes keep arriving): the silence measured is the receiver's doing."""
    deadline = time.monotonic() + timeout_s
    first = page.evaluate(AUDIO_BYTES_JS)
    while time.monotonic() < deadline:
        page.wait_for_timeout(500)
        now = page.evaluate(AUDIO_BYTES_JS)
        if now > first + 2000:
            return
    raise AssertionError(f"{page.url}: no audio arriving from the peer")


@pytest.mark.browser
def test_a_muted_peer_that_keeps_sending_is_not_heard_in_a_mesh_until_given_the_floor(make_session, official, new_page, login, loopback_aiortc):
    board = official("bantcd")
    room = services.open_room(by=board, session=make_session(communes=2))
    assert room.backend == "mesh"
    hall, rogue = room.points.filter(role="component").order_by("pk")
    assert rogue.muted  # a commune starts muted (Art. 21)

    chair = new_page()
    login(chair, "bantcd")
    chair.goto(f"/phong-truc-tuyen/{room.pk}/diem/{room.central_point().pk}/")
    chair.get_by_role("button", name="Vào phòng").click()
    chair.wait_for_function("() => window.tiepdanRoom && window.tiepdanRoom.backend")
    other = new_page()
    other.goto(f"/phong-truc-tuyen/vao/{services.issue_join_link(by=board, point=hall)[1]}/")
    other.get_by_role("button", name="Vào phòng").click()

    peer = DeafToMutePeer(chair.url.split("/phong-truc-tuyen")[0], room.pk, rogue.pk, redeem(chair.url.split("/phong-truc-tuyen")[0], services.issue_join_link(by=board, point=rogue)[1])).start()
    try:
        deadline = time.monotonic() + 30
        while not peer.welcomed() and time.monotonic() < deadline and not peer.errors:
            time.sleep(0.1)
        assert peer.welcomed(), peer.errors or peer.messages
        for point in (hall, rogue):
            chair.locator(f'#points-table tr[data-point="{point.pk}"] button', has_text="Cho vào").click()
        receivers = (chair, other)
        for page in receivers:
            page.locator(f'.tile[data-point="{rogue.pk}"] video').wait_for(state="attached", timeout=60_000)
            _wait_audio_arriving(page)

        # Muted by the room: the tone arrives, and neither receiver plays it.
        for page in receivers:
            assert _played(page, rogue.pk) < SILENCE, (page.url, peer.errors)

        # Given the floor: both hear it.
        row = chair.locator(f'#points-table tr[data-point="{rogue.pk}"]')
        row.get_by_role("button", name="Mời phát biểu").click()
        for page in receivers:
            _wait_level(page, rogue.pk, loud=True)

        # Muted again: silence again, though the peer never stopped sending.
        row.get_by_role("button", name="Tắt micro").click()
        for page in receivers:
            _wait_level(page, rogue.pk, loud=False)
        assert not peer.errors, peer.errors
    finally:
        peer.stop()


# --- On the SFU: the server moderates the publisher ----------------------------------------------------
@pytest.fixture
def janus_telling_us(request, live_server_url, settings):
    """Our Janus, its event handler posting to the app server under test (set before Janus starts)."""
    settings.JANUS_EVENTS_URL = f"{live_server_url}/phong-truc-tuyen/janus/su-kien/"
    return request.getfixturevalue("janus")


def _moderations(events, point_id) -> list[str]:
    """What Janus told the room's participants about ``point_id``'s audio: "muted" / "unmuted", in order."""
    return [
        d["moderation"] for e in events for d in [(e.get("plugindata") or {}).get("data") or {}]
        if d.get("moderation") and d.get("id") == point_id
    ]


def test_janus_moderates_a_muted_publisher_that_keeps_sending_and_frees_it_with_the_floor(demo, janus_telling_us, loopback_aiortc):
    import asyncio
    import secrets

    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

    from tiepdan.live.backends.janus import JanusBackend
    from tiepdan.live.janus.client import JanusUnavailable, _post

    from .mute_peer import _tone_track
    from .sfu_helpers import browser_like_client, join_as_publisher, room_with_points

    room, chair = room_with_points(demo, components=1)
    assert room.backend == "janus"
    rogue = room.points.get(role="component")
    services.admit(by=chair, point=rogue)
    rogue.refresh_from_db()
    assert rogue.muted
    credentials = JanusBackend().credentials_for(room, rogue)

    # The rogue point joins and publishes a tone with what a browser is given, and never mutes itself.
    ctx, handle, _ = join_as_publisher(janus_telling_us, credentials, rogue.pk)
    client = browser_like_client(janus_telling_us, credentials)
    events: list[dict] = []

    def poll_until(wanted, timeout_s=20):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if _moderations(events, rogue.pk)[-1:] == [wanted]:
                return
            try:
                events.extend(client.poll(handle.session_id, timeout_s=2))
            except JanusUnavailable:
                pass  # nothing came in this long-poll window
        raise AssertionError(f"Janus never said {wanted!r} for the rogue point: {_moderations(events, rogue.pk)}")

    async def publish():
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        pc.addTrack(_tone_track())
        await pc.setLocalDescription(await pc.createOffer())
        answer = await asyncio.to_thread(_post, f"{client.http_url}{handle.path}", {
            "janus": "message", "transaction": secrets.token_hex(6), "token": credentials["token"],
            "body": {"request": "publish"}, "jsep": {"type": "offer", "sdp": pc.localDescription.sdp},
        }, 10)
        assert answer.get("janus") in ("ack", "event"), answer
        return pc

    loop = asyncio.new_event_loop()
    pc = loop.run_until_complete(publish())
    try:
        # Published while the room holds it muted: Janus is told by the server to stop forwarding its audio.
        poll_until("muted")
        # The chair gives it the floor: the server lifts the moderation; takes it away: moderated again.
        services.give_floor(by=chair, point=rogue)
        poll_until("unmuted")
        services.set_muted(by=chair, point=rogue, muted=True)
        poll_until("muted")
    finally:
        loop.run_until_complete(pc.close())
        loop.close()
        ctx.__exit__(None, None, None)


def test_only_janus_may_post_room_events(client, db):
    """The endpoint that can moderate points answers only Janus's event handler (basic auth, derived secret)."""
    import base64

    from tiepdan.live.janus.config import events_secret

    url = "/phong-truc-tuyen/janus/su-kien/"
    body = '{"type": 64, "session_id": 1, "handle_id": 2, "event": {"plugin": "janus.plugin.videoroom", "data": {"event": "configured", "room": 1, "id": 1}}}'
    for auth in ("", "Basic " + base64.b64encode(b"janus:guess").decode(), "Bearer x"):
        assert client.post(url, body, content_type="application/json", headers={"Authorization": auth} if auth else {}).status_code == 401
    good = "Basic " + base64.b64encode(f"janus:{events_secret()}".encode()).decode()
    assert client.post(url, body, content_type="application/json", headers={"Authorization": good}).status_code == 204  # not one of our rooms: nothing done


def test_janus_posts_its_room_events_to_the_app_server_only_when_told_where(tmp_path):
    from tiepdan.live.janus.config import JanusConfig, render

    quiet = render(JanusConfig(config_dir=tmp_path, admin_secret="a"))
    assert "janus.eventhandler.sampleevh.jcfg" not in quiet and "broadcast = false" in quiet["janus.jcfg"]
    told = render(JanusConfig(config_dir=tmp_path, admin_secret="a", events_url="http://127.0.0.1:8000/phong-truc-tuyen/janus/su-kien/", events_secret="s3"))
    handler = told["janus.eventhandler.sampleevh.jcfg"]
    assert 'backend = "http://127.0.0.1:8000/phong-truc-tuyen/janus/su-kien/"' in handler and 'backend_pwd = "s3"' in handler
    assert "broadcast = true" in told["janus.jcfg"] and "libjanus_sampleevh.so" not in told["janus.jcfg"]
    assert "libjanus_wsevh.so" in told["janus.jcfg"]  # every other handler still disabled by name
