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

pytestmark = pytest.mark.browser

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
