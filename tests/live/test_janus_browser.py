"""Four points in Chromium (fake camera and microphone) on the SFU, and the fall-back when Janus dies."""
from __future__ import annotations

import pytest
from django.conf import settings

from tiepdan.live.models import Backend, EventKind

from .sfu_fixtures import janus, janus_client  # noqa: F401  (fixtures)
from .sfu_helpers import SENT_VIDEO_CAPS_JS, admit_in_advance, off_loop, open_point, received, room_with_points, wait_until_receiving

pytestmark = pytest.mark.browser


def test_four_points_on_janus_each_receive_the_other_three_and_keep_receiving_after_janus_dies(janus, demo, new_page, login):
    room, chair = off_loop(room_with_points, demo, components=3)
    assert room.backend == Backend.JANUS
    off_loop(admit_in_advance, room, chair)
    points = list(room.points.order_by("pk"))
    pages = {str(p.pk): open_point(new_page, login, room, p) for p in points}
    ids = set(pages)

    for pid, page in pages.items():
        got = wait_until_receiving(page, ids - {pid}, backend="janus")
        assert len(got["points"]) == 3, got  # one subscription per other point, none to itself

    # A commune's 5 Mbps link: each point's video is capped where it is encoded, the central point higher.
    central_id = str(room.central_point().pk)
    caps = {pid: page.evaluate(SENT_VIDEO_CAPS_JS) for pid, page in pages.items()}
    assert caps == {pid: [(settings.JANUS_CENTRAL_BITRATE_KBPS if pid == central_id else settings.JANUS_COMPONENT_BITRATE_KBPS) * 1000] for pid in ids}

    # The SFU dies mid-session: every point falls back to the no-services path and keeps receiving.
    janus.kill()
    for pid, page in pages.items():
        before = received(page)
        got = wait_until_receiving(page, ids - {pid}, backend="mesh", timeout_s=60, min_frames=10)
        assert set(got["points"]) == ids - {pid}
        assert before is not None
    room.refresh_from_db()
    assert room.backend == Backend.MESH
    assert room.events.filter(kind=EventKind.BACKEND_SWITCHED).count() == 1
    chair_page = pages[str(room.central_point().pk)]
    told = chair_page.evaluate("() => document.getElementById('notice') && document.getElementById('notice').textContent")
    assert "chuyển sang kết nối trực tiếp" in (told or ""), (chair_page.url, told, chair_page.console_lines[-10:])
